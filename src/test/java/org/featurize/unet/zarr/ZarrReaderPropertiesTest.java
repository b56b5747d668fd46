package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.featurize.unet.testutil.FastTempDir;
import org.junit.jupiter.api.function.Executable;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based tests of the Zarr reader (jqwik): random valid arrays (see {@link RandomArrays}) read back
 * bit-exactly through {@link ZarrArray#readChunk}, {@link ZarrArray#readRegion} and {@link ZarrImages}; random
 * damage to their metadata ({@link MetadataChecks}) and to their chunk files ({@link ChunkChecks}) gives one of our
 * exceptions naming the file, or an array of exactly the size the metadata declares; never another exception, an
 * OutOfMemoryError, a hang (each case is bounded to 30 s on a thread of its own) or a crash in native code (which
 * would end the whole run). Prints what ran, and per codec which damage it detects.
 * <p>
 * The seeds are fixed, so that every run tries the same cases; change a seed (or raise the tries) to explore.
 * jqwik's own edge cases are off: the generators put extremes in themselves, and jqwik's combinations of edge cases
 * of these nested arbitraries cost more time than all the cases together.
 */
class ZarrReaderPropertiesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Tally TALLY = new Tally();

	private static Path scratch;

	@BeforeContainer
	static void createScratch() throws IOException {
		scratch = new FastTempDir().createTempDirectory(null, null);
	}

	@AfterContainer
	static void report() throws IOException {
		System.out.println(TALLY.report());
		delete(scratch);
	}

	@Provide
	Arbitrary<RandomArrays.ArrayCase> arrays() {
		return RandomArrays.arrays();
	}

	@Provide
	Arbitrary<RandomArrays.ArrayCase> smallArrays() {
		return RandomArrays.arrays(true);
	}

	/** Small arrays with at least one chunk: no empty axis. */
	@Provide
	Arbitrary<RandomArrays.ArrayCase> chunkedArrays() {
		return RandomArrays.arrays(true).filter(c -> Arrays.stream(c.spec.shape()).allMatch(s -> s > 0));
	}

	@Provide
	Arbitrary<MetadataDamage> metadataDamage() {
		return MetadataDamage.arbitrary();
	}

	@Provide
	Arbitrary<ChunkDamage> chunkDamage() {
		return ChunkDamage.arbitrary();
	}

	@Property(tries = 800, seed = "20261125", edgeCases = EdgeCasesMode.NONE)
	void validArraysReadBackBitExactly(@ForAll("arrays") final RandomArrays.ArrayCase c) throws Throwable {
		inScratch(root -> {
			final Written written = Written.write(c.create(root, "a"), c);
			checkReadsBack(ZarrArray.open(root, "a"), c, written);
		});
		TALLY.roundTrip();
	}

	@Property(tries = 2500, seed = "20261126", edgeCases = EdgeCasesMode.NONE)
	void damagedMetadataIsRefusedOrHarmless(@ForAll("smallArrays") final RandomArrays.ArrayCase c,
			@ForAll("metadataDamage") final MetadataDamage damage) throws Throwable {
		inScratch(root -> MetadataChecks.damage(root, c, damage, TALLY));
	}

	@Property(tries = 4000, seed = "20261127", edgeCases = EdgeCasesMode.NONE)
	void damagedChunksAreRefusedOrReadWhole(@ForAll("chunkedArrays") final RandomArrays.ArrayCase c,
			@ForAll("chunkDamage") final ChunkDamage damage) throws Throwable {
		inScratch(root -> ChunkChecks.damage(root, c, damage, TALLY));
	}

	/** Reads every chunk, the whole array, a random box and the lazy image, and compares them bit by bit. */
	static void checkReadsBack(final ZarrArray array, final RandomArrays.ArrayCase c,
			final Written written) {
		final String name = c.toString();
		final long[] shape = c.spec.shape();
		final int rank = shape.length;
		assertArrayEquals(shape, array.shape(), name);
		assertArrayEquals(c.spec.chunks(), array.chunkShape(), name);
		assertEquals(c.spec.dataType(), array.dataType(), name);
		assertEquals(c.spec.byteOrder(), array.byteOrder(), name);
		assertEquals(c.spec.compressor(), array.compressor(), name);
		assertEquals(c.spec.zarrFormat(), array.zarrFormat(), name);
		assertEquals(c.sharded(), array.isSharded(), name);
		assertEquals(c.spec.attributes(), array.attributes(), name);
		for (int k = 0; k < written.chunks.length; k++) {
			final long[] position = written.position(k);
			Samples.assertBitsEqual(written.chunk(k, c), array.readChunk(position), name + ", chunk "
					+ Arrays.toString(position) + (written.chunks[k] == null ? " (missing: the fill value)" : ""));
		}
		final Object full = Written.expectedArray(c, written);
		final int[] size = Arrays.stream(shape).mapToInt(s -> (int) s).toArray();
		Samples.assertBitsEqual(full, array.readRegion(new long[rank], size), name + ", the whole array");
		final SplittableRandom random = new SplittableRandom(c.seed + 1);
		final long[] min = new long[rank];
		final int[] box = new int[rank];
		for (int d = 0; d < rank; d++) {
			min[d] = random.nextLong(shape[d] + 1);
			box[d] = random.nextInt((int) (shape[d] - min[d]) + 1);
		}
		Samples.assertBitsEqual(Written.box(full, shape, min, box), array.readRegion(min, box), name
				+ ", the box at " + Arrays.toString(min) + " of size " + Arrays.toString(box));
		final RandomAccessibleInterval<?> image = ZarrImages.<FloatType> openCached(array,
				1L << (10 + random.nextInt(12))).image();
		assertArrayEquals(ZarrAxes.toImgLib2(shape), Intervals.dimensionsAsLongArray(image), name);
		if (Intervals.numElements(image) > 0)
			Samples.assertBitsEqual(full, copy(image, c.spec.dataType()), name + ", the lazy image");
	}

	/** @return the whole image as a primitive array, x fastest, through PrimitiveBlocks (booleans as 0/1 bytes) */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static Object copy(final RandomAccessibleInterval<?> image, final DataType type) {
		final int n = (int) Intervals.numElements(image);
		final Object dest = type == DataType.BOOL ? new boolean[n] : Elements.allocate(type, n);
		PrimitiveBlocks.of((RandomAccessibleInterval) image).copy(new long[image.numDimensions()], dest,
				Intervals.dimensionsAsIntArray(image));
		if (!(dest instanceof boolean[]))
			return dest;
		final byte[] bytes = new byte[n];
		for (int i = 0; i < n; i++)
			bytes[i] = (byte) (((boolean[]) dest)[i] ? 1 : 0);
		return bytes;
	}

	static void assertNames(final ZarrException e, final String file) {
		assertTrue(e.getMessage() != null && e.getMessage().contains(file), () -> "the message of " + e
				+ " should name " + file);
	}

	interface Body {
		void run(Path root) throws Exception;
	}

	/** Runs one case in a fresh folder, bounded in time; deletes the folder after. */
	private static void inScratch(final Body body) throws Throwable {
		final Path root = Files.createTempDirectory(scratch, "case");
		try {
			final Executable bounded = () -> body.run(root);
			assertTimeoutPreemptively(TIMEOUT, bounded);
		} catch (final Throwable t) {
			TALLY.failed();
			if (t instanceof OutOfMemoryError)
				fail("OutOfMemoryError: " + t.getMessage(), t);
			throw t;
		} finally {
			delete(root);
		}
	}

	static void delete(final Path dir) throws IOException {
		if (dir == null || !Files.exists(dir))
			return;
		try (Stream<Path> walk = Files.walk(dir)) {
			for (final Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator)
				Files.delete(p);
		}
	}
}
