package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Interoperability with zarrita (npm, Zarr v2 and v3 in JavaScript), both directions, bit-exact: zarrita reads
 * every v2, v3 and sharded v3 combination we write, and we read every v3 combination zarrita writes. Float16 is
 * left out: zarrita needs Float16Array, which Node 20 lacks. zarrita cannot write sharded arrays, so sharding is
 * proven by zarrita reading ours (and by {@link ZarrShardingTest}, which builds a shard by hand from the spec).
 * 64 bit fill values stay within +-(2^53 - 1), as JavaScript reads JSON numbers as doubles.
 */
class ZarrZarritaInteropTest {

	private static final Predicate<long[]> SKIP = p -> p[0] == 0 && p[1] == 2;

	private static final long[] SHAPE = { 25, 37 };

	private static final int[] CHUNKS = { 10, 16 };

	@TestFactory
	List<DynamicTest> readsWhatZarritaWrites() throws IOException {
		final List<DynamicTest> skipped = External.unavailable("zarrita", External::zarritaDir);
		if (skipped != null)
			return skipped;
		final Path js = External.zarritaDir();
		final Path out = PythonFixtures.scratch("zarrita-written-");
		External.run(List.of(External.node().toString(), "zarrita_write.mjs", out.toString()), js,
				Duration.ofMinutes(2));
		final JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
		final List<DynamicTest> tests = new ArrayList<>();
		for (final JsonNode entry : manifest.get("arrays")) {
			final String name = entry.get("name").asText();
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final ZarrArray array = ZarrArray.open(out.resolve("arrays"), name);
				assertEquals(3, array.zarrFormat());
				assertEquals(DataType.fromV3(entry.get("dtype").asText()), array.dataType(), name);
				final boolean big = entry.get("endian").asText().equals("big");
				assertEquals(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, array.byteOrder(), name);
				final String order = entry.get("order").asText();
				// a transpose that reverses the axes is order F; other transposes are not
				assertEquals(order.equals("F") || order.equals("T210") ? 'F' : 'C', array.order(), name);
				assertEquals(entry.get("compressor").asText(), Combos.tag(array.compressor()), name);
				final long[] shape = Json.MAPPER.convertValue(entry.get("shape"), long[].class);
				assertArrayEquals(shape, array.shape(), name);
				assertEquals(Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)),
						((Number) array.attributes().get("combination")).intValue(), name);
				final byte[] expected = Files.readAllBytes(out.resolve("expected").resolve(name + ".bin"));
				Samples.assertBitsEqual(Elements.decode(expected, array.dataType(), ByteOrder.LITTLE_ENDIAN),
						array.readRegion(new long[shape.length], Arrays.stream(shape).mapToInt(d -> (int) d).toArray()),
						name);
			}));
		}
		// dtypes x orders x compressors, then two dtypes x five 3D transposes
		assertEquals((3 + 8 * 2) * 2 * 19 + 2 * 5, tests.size(), "v3 arrays zarrita wrote");
		return tests;
	}

	@TestFactory
	List<DynamicTest> zarritaReadsWhatWeWrite() throws IOException {
		final List<DynamicTest> skipped = External.unavailable("zarrita", External::zarritaDir);
		if (skipped != null)
			return skipped;
		final Path js = External.zarritaDir();
		final Path root = PythonFixtures.scratch("zarr-for-zarrita-");
		final Map<String, Object> written = new LinkedHashMap<>();
		final Map<String, ArraySpec> specs = new LinkedHashMap<>();
		final String[] keyEncodings = { "default/", "default.", "v2.", "v2/" };
		int i = 0;
		int pair = 0;
		for (final Combos.Dtype dtype : Combos.dtypes()) {
			if (dtype.type == DataType.FLOAT16)
				continue;
			for (final Compressor compressor : Combos.compressors()) {
				for (final char order : new char[] { 'C', 'F' }) {
					final String suffix = dtype.tag() + "-" + order + "-" + Combos.tag(compressor) + "-" + i;
					final ArraySpec.Builder base = ArraySpec.builder().shape(SHAPE).chunks(CHUNKS).dataType(dtype.type)
							.byteOrder(dtype.order).order(order).compressor(compressor)
							.fillValue(Combos.fillForJavaScript(dtype.type, i)).attributes(Map.of("combination", i));
					final String keys = keyEncodings[i % 4];
					if (order == (pair % 2 == 0 ? 'F' : 'C')) // Python reads every v2 combination; zarrita half
						specs.put("v2-" + (pair % 4 < 2 ? "dot-" : "slash-") + suffix, base.zarrFormat(2)
								.dimensionSeparator(pair % 4 < 2 ? "." : "/").build());
					specs.put("v3-" + keys.replace('/', 's') + "-" + suffix, base.zarrFormat(3)
							.chunkKeyEncoding(keys.substring(0, keys.length() - 1))
							.dimensionSeparator(keys.substring(keys.length() - 1)).build());
					if (order == (pair % 2 == 0 ? 'C' : 'F'))
						specs.put("v3-sharded-" + suffix, base.zarrFormat(3).chunkKeyEncoding("default")
								.dimensionSeparator("/").shardShape(20, 32).build());
					i++;
				}
				pair++;
			}
		}
		final List<Map<String, String>> list = new ArrayList<>();
		int seed = 0;
		for (final Map.Entry<String, ArraySpec> e : specs.entrySet()) {
			final ZarrArray array = ZarrArray.create(root, e.getKey(), e.getValue());
			final Object full = Samples.values(e.getValue().dataType(), 25 * 37, seed++);
			Samples.writeAll(array, full, SKIP);
			written.put(e.getKey(), Samples.withFill(array, full, SKIP));
			list.add(Map.of("root", root.toString(), "path", e.getKey(), "name", e.getKey()));
		}
		final Path listFile = root.resolve("list.json");
		Json.MAPPER.writeValue(listFile.toFile(), list);
		final Path out = root.resolve("read-by-zarrita");
		final String stdout = External.run(List.of(External.node().toString(), "zarrita_read.mjs", listFile.toString(),
				out.toString()), js, Duration.ofMinutes(2));
		final Map<String, JsonNode> summaries = new LinkedHashMap<>();
		for (final String line : stdout.split("\n"))
			if (line.startsWith("{")) {
				final JsonNode s = Json.MAPPER.readTree(line);
				summaries.put(s.get("name").asText(), s);
			}
		final List<DynamicTest> tests = new ArrayList<>();
		for (final String name : written.keySet())
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final JsonNode summary = summaries.get(name);
				assertNull(summary.get("error"), () -> name + ": zarrita failed: " + summary.get("error").asText());
				final ArraySpec spec = specs.get(name);
				assertEquals(spec.dataType().v3Name(), summary.get("dtype").asText(), name);
				assertEquals("[25,37]", summary.get("shape").toString(), name);
				assertEquals(spec.attributes().get("combination"), summary.get("attributes").get("combination").asInt(),
						name);
				final byte[] read = Files.readAllBytes(out.resolve(name + ".bin"));
				Samples.assertBitsEqual(written.get(name),
						Elements.decode(read, spec.dataType(), ByteOrder.LITTLE_ENDIAN), name);
			}));
		// 19 data types x 19 compressors x (v3 in 2 orders + v2 and sharded v3 in one order each)
		assertEquals(19 * 19 * (2 + 1 + 1), tests.size(), "arrays zarrita read");
		return tests;
	}
}
