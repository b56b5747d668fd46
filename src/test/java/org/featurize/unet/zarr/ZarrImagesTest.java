package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.type.logic.NativeBoolType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * The lazy ImgLib2 view of Zarr arrays: the axis mapping proven against Python, laziness, eviction, threads, and
 * every data type in both orders with edge cells.
 */
class ZarrImagesTest {

	@TempDir
	Path root;

	/** Python wrote value 1000 t + 100 z + 10 y + x at NumPy index (t, z, y, x) of a (2, 3, 5, 7) array. */
	@Test
	void axesAreReversedAsPythonSeesThem() throws IOException {
		final Path fixtures = PythonFixtures.dir();
		final ZarrArray array = ZarrArray.open(fixtures.resolve("axes"), "tzyx");
		assertArrayEquals(new long[] { 2, 3, 5, 7 }, array.shape());
		final CachedZarrImage<FloatType> cached = ZarrImages.openCached(array, 1 << 20);
		final RandomAccessibleInterval<FloatType> image = cached.image();
		assertArrayEquals(new long[] { 7, 5, 3, 2 }, Intervals.dimensionsAsLongArray(image));
		assertArrayEquals(new int[] { 3, 2, 2, 1 }, cached.grid().getCellDimensions());
		@SuppressWarnings("unchecked")
		final List<String> names = (List<String>) array.attributes().get("_ARRAY_DIMENSIONS");
		assertArrayEquals(new String[] { "x", "y", "z", "t" }, ZarrAxes.reorder(names.toArray(new String[0])));
		final Cursor<FloatType> c = Views.flatIterable(image).localizingCursor();
		int n = 0;
		while (c.hasNext()) {
			c.fwd();
			final float expected = 1000 * c.getLongPosition(3) + 100 * c.getLongPosition(2) + 10 * c.getLongPosition(1)
					+ c.getLongPosition(0);
			assertEquals(expected, c.get().get(), () -> "at (x, y, z, t) = " + java.util.Arrays.toString(c
					.positionAsLongArray()));
			n++;
		}
		assertEquals(2 * 3 * 5 * 7, n);
		assertEquals(1234f, at(image, 4, 3, 2, 1));
		// the same element through the array: NumPy index (t, z, y, x) = (1, 2, 3, 4)
		assertEquals(1234f, ((float[]) array.readRegion(new long[] { 1, 2, 3, 4 }, new int[] { 1, 1, 1, 1 }))[0]);
	}

	@Test
	void axesHelpers() {
		assertArrayEquals(new long[] { 7, 5, 3, 2 }, ZarrAxes.toImgLib2(new long[] { 2, 3, 5, 7 }));
		assertArrayEquals(new int[] { 2, 3, 5, 7 }, ZarrAxes.toZarr(new int[] { 7, 5, 3, 2 }));
		assertEquals(0, ZarrAxes.toImgLib2Axis(3, 4));
		assertEquals(3, ZarrAxes.toZarrAxis(0, 4));
	}

	@Test
	void nothingIsReadUntilAPixelIsTouched() {
		final ZarrArray array = ramp("lazy", new long[] { 4, 6, 8 }, new int[] { 2, 3, 4 });
		final CachedZarrImage<UnsignedIntType> cached = ZarrImages.openCached(array, 1 << 20);
		assertEquals(0, cached.chunkReads(), "reads after open");
		final RandomAccess<UnsignedIntType> access = cached.image().randomAccess();
		assertEquals(0, cached.chunkReads(), "reads after randomAccess()");
		access.setPosition(new long[] { 5, 4, 3 }); // Zarr (3, 4, 5): chunk (1, 1, 1)
		assertEquals(0, cached.chunkReads(), "reads after setPosition");
		assertEquals(3 * 48 + 4 * 8 + 5, access.get().get());
		assertEquals(1, cached.chunkReads());
		access.setPosition(new long[] { 7, 5, 2 }); // same chunk
		assertEquals(2 * 48 + 5 * 8 + 7, access.get().get());
		assertEquals(1, cached.chunkReads());
		access.setPosition(new long[] { 0, 0, 0 });
		access.get().get();
		assertEquals(2, cached.chunkReads());
		assertEquals(2, cached.cachedChunks());

		// an array far larger than memory opens without reading anything
		final ZarrArray huge = ZarrArray.create(root, "huge", ArraySpec.builder().shape(100_000, 100_000, 100_000)
				.chunks(64, 64, 64).dataType(DataType.UINT16).fillValue(9).build());
		final CachedZarrImage<?> hugeImage = ZarrImages.openCached(huge, 1 << 20);
		final RandomAccess<?> far = hugeImage.image().randomAccess();
		far.setPosition(new long[] { 99_999, 50_000, 7 });
		assertEquals("9", far.get().toString());
		assertEquals(1, hugeImage.chunkReads());
	}

	@Test
	void chunksAreEvictedAndReadAgainUnderATinyCache() {
		final long[] shape = { 6, 8, 10 };
		final ZarrArray array = ramp("tiny", shape, new int[] { 3, 4, 5 }); // 8 chunks of 240 bytes
		final CachedZarrImage<UnsignedIntType> cached = ZarrImages.openCached(array, 700); // room for two
		sweep(cached);
		assertEquals(8, cached.chunkReads(), "first sweep: each chunk once");
		assertTrue(cached.estimatedBytes() <= 700, () -> cached.estimatedBytes() + " bytes cached");
		assertTrue(cached.cachedChunks() <= 2, () -> cached.cachedChunks() + " chunks cached");
		// evicted chunks that nothing references any more are gone after a GC, and are read again
		collectGarbage();
		sweep(cached);
		assertTrue(cached.chunkReads() >= 8 + 6, () -> cached.chunkReads() + " chunk reads after two sweeps");
		assertTrue(cached.estimatedBytes() <= 700, () -> cached.estimatedBytes() + " bytes cached");
		cached.invalidateAll();
		assertEquals(0, cached.cachedChunks());
	}

	private static void sweep(final CachedZarrImage<UnsignedIntType> cached) {
		final Cursor<UnsignedIntType> c = Views.flatIterable(cached.image()).localizingCursor();
		while (c.hasNext()) {
			c.fwd();
			assertEquals(c.getLongPosition(2) * 80 + c.getLongPosition(1) * 10 + c.getLongPosition(0), c.get().get());
		}
	}

	/** Runs the garbage collector until a weakly referenced object is gone. */
	private static void collectGarbage() {
		final java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object());
		for (int i = 0; i < 20 && sentinel.get() != null; i++)
			System.gc();
		assertEquals(null, sentinel.get(), "a GC ran");
	}

	@Test
	void manyThreadsReadTheSameImage() throws Exception {
		final long[] shape = { 20, 30, 40 };
		final ZarrArray array = ramp("threads", shape, new int[] { 7, 8, 9 });
		final CachedZarrImage<UnsignedIntType> cached = ZarrImages.openCached(array, 20_000); // a few chunks
		final ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			final List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				final long seed = t;
				results.add(pool.submit(() -> {
					final SplittableRandom random = new SplittableRandom(seed);
					final RandomAccess<UnsignedIntType> access = cached.image().randomAccess();
					for (int i = 0; i < 20_000; i++) {
						final long x = random.nextInt(40);
						final long y = random.nextInt(30);
						final long z = random.nextInt(20);
						access.setPosition(new long[] { x, y, z });
						if (access.get().get() != z * 1200 + y * 40 + x)
							return i;
					}
					return -1;
				}));
			}
			for (final Future<Integer> r : results)
				assertEquals(-1, r.get(1, TimeUnit.MINUTES), "first wrong read");
		} finally {
			pool.shutdownNow();
		}
		assertTrue(cached.estimatedBytes() <= 20_000);
	}

	/** Every data type, both orders, through the image and through the array: the same bits, edge cells cropped. */
	@TestFactory
	List<DynamicTest> everyTypeAndOrderMatchesTheArray() {
		final List<DynamicTest> tests = new ArrayList<>();
		int i = 0;
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final char order : new char[] { 'C', 'F' }) {
				final int seed = i++;
				final String name = dtype.tag() + "-" + order;
				tests.add(DynamicTest.dynamicTest(name, () -> {
					final long[] shape = { 3, 5, 7 };
					final ZarrArray array = ZarrArray.create(root, name, ArraySpec.builder().shape(shape)
							.chunks(2, 2, 3).dataType(dtype.type).byteOrder(dtype.order).order(order)
							.compressor(Compressor.zstd(1)).fillValue(Combos.fill(dtype.type, seed)).build());
					final Object full = Samples.values(dtype.type, 105, seed);
					Samples.writeAll(array, full, p -> p[2] == 2 && p[1] == 0);
					final Object expected = array.readRegion(new long[3], new int[] { 3, 5, 7 });
					final RandomAccessibleInterval<?> image = ZarrImages.open(array, 1 << 20);
					assertArrayEquals(new long[] { 7, 5, 3 }, Intervals.dimensionsAsLongArray(image));
					final Object actual = copy(image, dtype.type);
					Samples.assertBitsEqual(expected, actual, name);
				}));
			}
		return tests;
	}

	@Test
	void boolIsNativeBoolType() {
		final ZarrArray array = ZarrArray.create(root, "bool", ArraySpec.builder().shape(2, 3).chunks(2, 2)
				.dataType(DataType.BOOL).build());
		array.writeChunk(new long[] { 0, 1 }, new byte[] { 1, 0, 0, 1 });
		final RandomAccessibleInterval<NativeBoolType> image = ZarrImages.open(array, 1 << 20);
		final RandomAccess<NativeBoolType> a = image.randomAccess();
		a.setPosition(new long[] { 2, 0 });
		assertTrue(a.get().get());
		a.setPosition(new long[] { 2, 1 });
		assertFalse(a.get().get());
		a.setPosition(new long[] { 0, 0 });
		assertFalse(a.get().get());
	}

	@Test
	void refusesNoAxesAndNoCache() {
		final ZarrArray scalar = ZarrArray.create(root, "scalar", ArraySpec.builder().shape().chunks()
				.dataType(DataType.INT32).fillValue(5).build());
		assertEquals(5, ((int[]) scalar.readChunk())[0]);
		assertThrows(ZarrUnsupportedException.class, () -> ZarrImages.open(scalar, 1 << 20));
		assertThrows(IllegalArgumentException.class, () -> ZarrImages.open(scalar, 0));
	}

	@Test
	void defaultCacheIsAQuarterOfTheHeap() {
		assertEquals(Runtime.getRuntime().maxMemory() / 4, ZarrImages.defaultCacheBytes());
		final ZarrArray array = ramp("default", new long[] { 2, 2 }, new int[] { 1, 2 });
		final RandomAccessibleInterval<UnsignedIntType> image = ZarrImages.open(root, "default");
		assertEquals(3, at(image, 1, 1));
		assertEquals(2, array.gridShape()[0]);
		assertEquals(new CellGrid(new long[] { 2, 2 }, new int[] { 2, 1 }),
				ZarrImages.openCached(array, 1000).grid());
	}

	/** An UINT32 array whose value is its C-order index, written chunk by chunk. */
	private ZarrArray ramp(final String name, final long[] shape, final int[] chunks) {
		final ZarrArray array = ZarrArray.create(root, name, ArraySpec.builder().shape(shape).chunks(chunks)
				.dataType(DataType.UINT32).compressor(Compressor.blosc("lz4", 5, Shuffle.BYTE))
				.attributes(Map.of("value", "C-order index")).build());
		final int n = (int) Intervals.numElements(shape);
		final int[] values = new int[n];
		for (int i = 0; i < n; i++)
			values[i] = i;
		Samples.writeAll(array, values, p -> false);
		return array;
	}

	private static float at(final RandomAccessibleInterval<FloatType> image, final long... position) {
		final RandomAccess<FloatType> a = image.randomAccess();
		a.setPosition(position);
		return a.get().get();
	}

	private static long at(final RandomAccessibleInterval<UnsignedIntType> image, final long x, final long y) {
		final RandomAccess<UnsignedIntType> a = image.randomAccess();
		a.setPosition(new long[] { x, y });
		return a.get().get();
	}

	/** @return the whole image as a primitive array, x fastest, through PrimitiveBlocks (booleans as 0/1 bytes) */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Object copy(final RandomAccessibleInterval<?> image, final DataType type) {
		final int n = (int) Intervals.numElements(image);
		final Object dest = type == DataType.BOOL ? new boolean[n]
				: type == DataType.FLOAT16 ? new float[n] : Elements.allocate(type, n);
		PrimitiveBlocks.of((RandomAccessibleInterval) image).copy(new long[image.numDimensions()], dest,
				Intervals.dimensionsAsIntArray(image));
		if (dest instanceof boolean[]) {
			final byte[] bytes = new byte[n];
			for (int i = 0; i < n; i++)
				bytes[i] = (byte) (((boolean[]) dest)[i] ? 1 : 0);
			return bytes;
		}
		return dest;
	}
}
