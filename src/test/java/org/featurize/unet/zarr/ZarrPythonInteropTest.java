package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Interoperability with Python's zarr (Debian python3-zarr 2.13), both directions, bit-exact: we read every v2
 * combination it writes, and it reads every v2 combination we write. Also the float16 conversion against NumPy,
 * for every half and for ties.
 */
class ZarrPythonInteropTest {

	private static final Predicate<long[]> SKIP = p -> p[0] == 0 && p[1] == 2;

	@TestFactory
	List<DynamicTest> readsWhatPythonWrites() throws IOException {
		final List<DynamicTest> skipped = External.unavailable("Python's zarr", External::python);
		if (skipped != null)
			return skipped;
		final Path fixtures = PythonFixtures.dir();
		final JsonNode manifest = Json.MAPPER.readTree(fixtures.resolve("manifest.json").toFile());
		final List<DynamicTest> tests = new ArrayList<>();
		for (final JsonNode entry : manifest.get("arrays")) {
			final String name = entry.get("name").asText();
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final ZarrArray array = ZarrArray.open(fixtures.resolve("arrays"), name);
				final String dtype = entry.get("dtype").asText();
				assertEquals(DataType.fromV2(dtype), array.dataType(), name);
				assertEquals(DataType.byteOrderOfV2(dtype), array.byteOrder(), name);
				assertEquals(entry.get("order").asText().charAt(0), array.order(), name);
				assertEquals(entry.get("compressor").asText(), Combos.tag(array.compressor()), name);
				final long[] shape = Json.MAPPER.convertValue(entry.get("shape"), long[].class);
				assertArrayEquals(shape, array.shape(), name);
				final byte[] expected = Files.readAllBytes(fixtures.resolve("expected").resolve(name + ".bin"));
				Samples.assertBitsEqual(Elements.decode(expected, array.dataType(), ByteOrder.LITTLE_ENDIAN),
						array.readRegion(new long[shape.length], Arrays.stream(shape).mapToInt(d -> (int) d).toArray()),
						name);
			}));
		}
		// dtypes x orders x separators x compressors, then 3D and 4D arrays of four dtypes in both orders
		assertEquals(21 * 2 * 2 * 19 + 4 * 2 * 2, tests.size(), "v2 arrays written by Python");
		return tests;
	}

	@TestFactory
	List<DynamicTest> pythonReadsWhatWeWrite() throws IOException {
		final List<DynamicTest> skipped = External.unavailable("Python's zarr", External::python);
		if (skipped != null)
			return skipped;
		final Path python = External.python();
		final Path root = PythonFixtures.scratch("zarr-ours-");
		final List<Map<String, String>> list = new ArrayList<>();
		final Map<String, Object> written = new LinkedHashMap<>();
		final Map<String, ArraySpec> specs = new LinkedHashMap<>();
		int i = 0;
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final char order : new char[] { 'C', 'F' })
				for (final String separator : new String[] { ".", "/" })
					for (final Compressor compressor : Combos.compressors()) {
						final String name = "v2-" + dtype.tag() + "-" + order + "-"
								+ (separator.equals(".") ? "dot" : "slash") + "-" + Combos.tag(compressor) + "-" + i;
						specs.put(name, ArraySpec.builder().shape(25, 37).chunks(10, 16).dataType(dtype.type)
								.byteOrder(dtype.order).order(order).dimensionSeparator(separator)
								.compressor(compressor)
								.fillValue(Combos.fill(dtype.type, i)).attributes(Map.of("combination", i)).build());
						i++;
					}
		// 3D and 4D, where order F is more than swapping two axes
		for (final Combos.Dtype dtype : Combos.dtypes())
			for (final char order : new char[] { 'C', 'F' }) {
				specs.put("nd-3d-" + dtype.tag() + "-" + order + "-" + i, ArraySpec.builder().shape(3, 5, 7)
						.chunks(2, 2, 3).dataType(dtype.type).byteOrder(dtype.order).order(order)
						.compressor(Compressor.zstd(1)).fillValue(Combos.fill(dtype.type, i))
						.attributes(Map.of("combination", i++)).build());
				specs.put("nd-4d-" + dtype.tag() + "-" + order + "-" + i, ArraySpec.builder().shape(2, 3, 5, 7)
						.chunks(1, 2, 2, 3).dataType(dtype.type).byteOrder(dtype.order).order(order)
						.compressor(Compressor.blosc("lz4", 5, Shuffle.BYTE)).fillValue(Combos.fill(dtype.type, i))
						.attributes(Map.of("combination", i++)).build());
			}
		int seed = 0;
		for (final Map.Entry<String, ArraySpec> e : specs.entrySet()) {
			final ZarrArray array = ZarrArray.create(root, e.getKey(), e.getValue());
			final Object full = Samples.values(e.getValue().dataType(), (int) Boxes.size(Arrays.stream(e.getValue()
					.shape()).mapToInt(d -> (int) d).toArray()), seed++);
			Samples.writeAll(array, full, SKIP);
			written.put(e.getKey(), Samples.withFill(array, full, SKIP));
			list.add(Map.of("path", array.path().toString(), "name", e.getKey()));
		}
		final Path listFile = root.resolve("list.json");
		Json.MAPPER.writeValue(listFile.toFile(), list);
		final Path out = root.resolve("read-by-python");
		final String stdout = External.run(List.of(python.toString(), PythonFixtures.script("zarr_read.py").toString(),
				listFile.toString(), out.toString()), null, Duration.ofMinutes(2));
		final Map<String, JsonNode> summaries = new LinkedHashMap<>();
		for (final String line : stdout.split("\n"))
			if (!line.isBlank()) {
				final JsonNode s = Json.MAPPER.readTree(line);
				summaries.put(s.get("name").asText(), s);
			}
		assertEquals(list.size(), summaries.size(), "arrays Python read");
		final List<DynamicTest> tests = new ArrayList<>();
		for (final String name : written.keySet())
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final ArraySpec spec = specs.get(name);
				final JsonNode summary = summaries.get(name);
				assertEquals(spec.dataType().v2Name(spec.byteOrder()), summary.get("dtype").asText(), name);
				assertEquals(String.valueOf(spec.order()), summary.get("order").asText(), name);
				assertEquals(Arrays.toString(spec.shape()),
						Arrays.toString(Json.MAPPER.convertValue(summary.get("shape"), long[].class)), name);
				assertEquals(Arrays.toString(spec.chunks()), Arrays.toString(Json.MAPPER.convertValue(summary.get(
						"chunks"), int[].class)), name);
				assertEquals(Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)),
						summary.get("attributes").get("combination").asInt(), name);
				final byte[] read = Files.readAllBytes(out.resolve(name + ".bin"));
				Samples.assertBitsEqual(written.get(name),
						Elements.decode(read, spec.dataType(), ByteOrder.LITTLE_ENDIAN), name);
			}));
		assertEquals(21 * 2 * 2 * 19 + 21 * 2 * 2, tests.size(), "v2 arrays Python read");
		return tests;
	}

	/**
	 * Guards the fixtures: Blosc copies instead of compressing when data does not compress, which would leave its
	 * compressors and shuffles untested. Every (compressor, shuffle) must have
	 * chunks really compressed (blosclz gives up most often).
	 */
	@Test
	void bloscFixturesAreReallyCompressed() throws IOException {
		final Path arrays = PythonFixtures.dir().resolve("arrays");
		final Map<String, Integer> compressed = new TreeMap<>();
		try (var names = Files.list(arrays)) {
			for (final Path dir : (Iterable<Path>) names::iterator) {
				final String name = dir.getFileName().toString();
				if (!name.contains("blosc"))
					continue;
				final byte[] chunk = Files.readAllBytes(dir.resolve(name.contains("slash") ? "1/1" : "1.1"));
				final int flags = chunk[2];
				final String shuffle = name.split("-")[6];
				assertEquals(shuffle.equals("byte"), (flags & 0x01) != 0, name + ": byte shuffle flag");
				assertEquals(shuffle.equals("bit"), (flags & 0x04) != 0, name + ": bit shuffle flag");
				final String key = name.split("-")[5] + "-" + shuffle;
				compressed.merge(key, (flags & 0x02) == 0 ? 1 : 0, Integer::sum);
			}
		}
		System.out.println("Python's Blosc chunks (1, 1) really compressed, of 84 arrays each: " + compressed);
		assertEquals(15, compressed.size(), compressed::toString);
		compressed.forEach((k, n) -> assertTrue(n >= 4, () -> "only " + n + " compressed chunks for " + k));
	}

	@Test
	void halfToFloatMatchesNumpyForEveryHalf() throws IOException {
		final ByteBuffer expected = ByteBuffer.wrap(Files.readAllBytes(PythonFixtures.dir().resolve(
				"half/half_to_float.bin"))).order(ByteOrder.LITTLE_ENDIAN);
		for (int h = 0; h < 1 << 16; h++)
			assertEquals(expected.getInt(4 * h), Float.floatToRawIntBits(Half.toFloat((short) h)),
					() -> "half " + Integer.toHexString(expected.position()));
	}

	@Test
	void floatToHalfRoundsLikeNumpy() throws IOException {
		final Path half = PythonFixtures.dir().resolve("half");
		final ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(half.resolve("float_in.bin")))
				.order(ByteOrder.LITTLE_ENDIAN);
		final ByteBuffer expected = ByteBuffer.wrap(Files.readAllBytes(half.resolve("float_to_half.bin")))
				.order(ByteOrder.LITTLE_ENDIAN);
		final int n = in.capacity() / 4;
		assertEquals(n, expected.capacity() / 2);
		for (int i = 0; i < n; i++) {
			final float f = in.getFloat(4 * i);
			final short h = expected.getShort(2 * i);
			assertEquals(Integer.toHexString(h & 0xffff), Integer.toHexString(Half.fromFloat(f) & 0xffff),
					"float " + f + " (bits " + Integer.toHexString(Float.floatToRawIntBits(f)) + ")");
		}
	}
}
