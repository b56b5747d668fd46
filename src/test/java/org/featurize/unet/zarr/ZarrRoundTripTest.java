package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.featurize.unet.testutil.FastTempDir;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own writer, then our own reader, through every combination of data type, byte order, order, separator or
 * chunk key encoding, and compressor, in v2, v3 and sharded v3; a chunk left unwritten reads as the fill value.
 */
class ZarrRoundTripTest {

	private static final long[] SHAPE = { 25, 37 };

	private static final int[] CHUNKS = { 10, 16 };

	/** The chunk left unwritten: it must read as the fill value. */
	private static final Predicate<long[]> SKIP = p -> p[0] == 0 && p[1] == 2;

	@TempDir(factory = FastTempDir.class)
	Path root;

	@TestFactory
	List<DynamicTest> v2() {
		final List<DynamicTest> tests = new ArrayList<>();
		int i = 0;
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final char order : new char[] { 'C', 'F' })
				for (final String separator : new String[] { ".", "/" })
					for (final Compressor compressor : Combos.compressors()) {
						final ArraySpec spec = ArraySpec.builder().shape(SHAPE).chunks(CHUNKS).dataType(dtype.type)
								.byteOrder(dtype.order).order(order).dimensionSeparator(separator)
								.compressor(compressor)
								.fillValue(Combos.fill(dtype.type, i)).build();
						final String name = "v2-" + dtype.tag() + "-" + order
								+ (separator.equals(".") ? "-dot-" : "-slash-") + Combos.tag(compressor) + "-" + i++;
						tests.add(DynamicTest.dynamicTest(name, () -> roundTrip(name, spec, i(name))));
					}
		return tests;
	}

	/** Every data type, order and compressor; the four chunk key encodings take turns, so each meets all. */
	@TestFactory
	List<DynamicTest> v3() {
		final String[] keyEncodings = { "default/", "default.", "v2.", "v2/" };
		final List<DynamicTest> tests = new ArrayList<>();
		int i = 0;
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final char order : new char[] { 'C', 'F' })
				for (final Compressor compressor : Combos.compressors()) {
					final String keys = keyEncodings[i % keyEncodings.length];
					final ArraySpec spec = ArraySpec.builder().shape(SHAPE).chunks(CHUNKS).dataType(dtype.type)
							.byteOrder(dtype.order).order(order).zarrFormat(3)
							.chunkKeyEncoding(keys.substring(0, keys.length() - 1))
							.dimensionSeparator(keys.substring(keys.length() - 1)).compressor(compressor)
							.fillValue(Combos.fill(dtype.type, i)).build();
					final String name = "v3-" + dtype.tag() + "-" + order + "-" + keys.replace('/', 's') + "-"
							+ Combos.tag(compressor) + "-" + i++;
					tests.add(DynamicTest.dynamicTest(name, () -> roundTrip(name, spec, i(name))));
				}
		return tests;
	}

	@TestFactory
	List<DynamicTest> v3Sharded() {
		final List<DynamicTest> tests = new ArrayList<>();
		int i = 0;
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final Compressor compressor : Combos.compressors()) {
				final char order = i % 2 == 0 ? 'C' : 'F';
				final ArraySpec spec = ArraySpec.builder().shape(SHAPE).chunks(CHUNKS).shardShape(20, 32)
						.dataType(dtype.type).byteOrder(dtype.order).order(order).zarrFormat(3).compressor(compressor)
						.fillValue(Combos.fill(dtype.type, i)).build();
				final String name = "v3-sharded-" + dtype.tag() + "-" + order + "-" + Combos.tag(compressor) + "-"
						+ i++;
				tests.add(DynamicTest.dynamicTest(name, () -> roundTrip(name, spec, i(name))));
			}
		return tests;
	}

	private static int i(final String name) {
		return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
	}

	private void roundTrip(final String name, final ArraySpec spec, final int seed) {
		final ZarrArray written = ZarrArray.create(root, "g/" + name, spec);
		final Object full = Samples.values(spec.dataType(), (int) (SHAPE[0] * SHAPE[1]), seed);
		Samples.writeAll(written, full, SKIP);

		final ZarrArray array = ZarrArray.open(root, "g/" + name);
		assertEquals(spec.zarrFormat(), array.zarrFormat());
		assertEquals(spec.dataType(), array.dataType());
		assertEquals(spec.byteOrder(), array.byteOrder());
		assertEquals(spec.order(), array.order());
		assertEquals(spec.compressor(), array.compressor());
		assertArrayEquals(SHAPE, array.shape());
		assertArrayEquals(CHUNKS, array.chunkShape());
		assertFalse(array.chunkExists(0, 2));
		assertTrue(array.chunkExists(2, 2));
		final Object expected = Samples.withFill(array, full, SKIP);
		Samples.assertBitsEqual(expected, array.readRegion(new long[2], new int[] { 25, 37 }), name);
		Samples.assertBitsEqual(Elements.filled(spec.dataType(), spec.fillBits(), 160), array.readChunk(0, 2),
				name + " missing chunk");
		// a region inside one edge chunk
		final Object corner = array.readRegion(new long[] { 24, 36 }, new int[] { 1, 1 });
		Samples.assertBitsEqual(slice(expected, 25 * 37 - 1), corner, name + " corner");
	}

	private static Object slice(final Object primitive, final int i) {
		final Object out = java.lang.reflect.Array.newInstance(primitive.getClass().getComponentType(), 1);
		System.arraycopy(primitive, i, out, 0, 1);
		return out;
	}
}
