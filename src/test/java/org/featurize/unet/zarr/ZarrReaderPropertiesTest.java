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
import java.util.function.Function;
import java.util.stream.Stream;

import org.featurize.unet.testutil.FastTempDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;

/**
 * Property-based tests of the Zarr reader: random valid arrays (see {@link RandomArrays}) read back bit-exactly
 * through {@link ZarrArray#readChunk}, {@link ZarrArray#readRegion} and {@link ZarrImages}; random damage to their
 * metadata ({@link MetadataChecks}) and to their chunk files ({@link ChunkChecks}) gives one of our exceptions
 * naming the file, or an array of exactly the size the metadata declares; never another exception, an
 * OutOfMemoryError, a hang (each case is bounded to 30 s on a thread of its own) or a crash in native code (which
 * would end the whole run). Prints what ran, and per codec which damage it detects.
 * <p>
 * Each property draws its cases from a {@link SplittableRandom} with a fixed seed, so that every run tries the same
 * cases: case i draws all it needs from a random seeded with the i-th long of the property's random. A failure
 * names the property, the case number, both seeds and the case's parameters; change a seed (or raise the count)
 * to explore. The generators put extremes and edge cases in themselves.
 */
class ZarrReaderPropertiesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Tally TALLY = new Tally();

	private static Path scratch;

	@BeforeAll
	static void createScratch() throws IOException {
		scratch = new FastTempDir().createTempDirectory(null, null);
	}

	@AfterAll
	static void report() throws IOException {
		System.out.println(TALLY.report());
		delete(scratch);
	}

	@Test
	void validArraysReadBackBitExactly() throws Throwable {
		forAll("valid arrays read back bit-exactly", 20261125L, 800, random -> {
			final RandomArrays.ArrayCase c = RandomArrays.array(random);
			return new Case(c.toString(), root -> {
				final Written written = Written.write(c.create(root, "a"), c);
				checkReadsBack(ZarrArray.open(root, "a"), c, written);
				TALLY.roundTrip();
			});
		});
	}

	@Test
	void damagedMetadataIsRefusedOrHarmless() throws Throwable {
		forAll("damaged metadata is refused or harmless", 20261126L, 2500, random -> {
			final RandomArrays.ArrayCase c = RandomArrays.array(random, true);
			final MetadataDamage damage = MetadataDamage.random(random);
			return new Case(damage + " of " + c, root -> MetadataChecks.damage(root, c, damage, TALLY));
		});
	}

	@Test
	void damagedChunksAreRefusedOrReadWhole() throws Throwable {
		forAll("damaged chunks are refused or read whole", 20261127L, 4000, random -> {
			final RandomArrays.ArrayCase c = RandomArrays.chunkedArray(random);
			final ChunkDamage damage = ChunkDamage.random(random);
			return new Case(damage + " of " + c, root -> ChunkChecks.damage(root, c, damage, TALLY));
		});
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

	/** One generated case: its parameters, for the failure message, and its check. */
	static final class Case {

		final String parameters;

		final Body body;

		Case(final String parameters, final Body body) {
			this.parameters = parameters;
			this.body = body;
		}
	}

	/**
	 * Generates and checks the given number of cases, one after another; stops at the first that fails, with a
	 * message that names it so that it can be reproduced.
	 *
	 * @param seed seeds the random that gives each case its own seed
	 * @param generator draws a case's parameters from the random of that case
	 */
	private static void forAll(final String property, final long seed, final int cases,
			final Function<SplittableRandom, Case> generator) throws Throwable {
		final SplittableRandom seeds = new SplittableRandom(seed);
		for (int i = 0; i < cases; i++) {
			final long caseSeed = seeds.nextLong();
			final Case c = generator.apply(new SplittableRandom(caseSeed));
			try {
				inScratch(c.body);
			} catch (final Throwable t) {
				throw new AssertionFailedError(property + ": case " + i + " (of 0 to " + (cases - 1)
						+ ") failed (seed " + seed + ", case seed " + caseSeed + "): " + c.parameters + ": " + t, t);
			}
		}
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
