package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * numcodecs' filters and its LZ4 compressor, against Python's zarr (Debian python3-zarr 2.13 with numcodecs
 * 0.11): we read what it writes bit for bit, our encoding of a filter gives the very bytes numcodecs stores for the
 * values it was given and for the values read back, and it reads what we write through the filters and that compressor.
 */
class ZarrFiltersTest {

	private static JsonNode manifest() throws IOException {
		return Json.MAPPER.readTree(PythonFixtures.dir().resolve("manifest.json").toFile()).get("filtered");
	}

	private static Object expected(final String name, final ZarrArray array) throws IOException {
		final byte[] bytes = Files.readAllBytes(PythonFixtures.dir().resolve("filtered-expected").resolve(name + ".bin"));
		return Elements.decode(bytes, array.dataType(), ByteOrder.LITTLE_ENDIAN);
	}

	private static Object whole(final ZarrArray array) {
		return array.readRegion(new long[array.shape().length], Arrays.stream(array.shape()).mapToInt(d -> (int) d).toArray());
	}

	/** Writes every chunk of {@code array} again as it reads, through its filters and compressor. */
	private static void rewrite(final ZarrArray array) {
		Samples.forEachGridPosition(array.gridShape(), p -> array.writeChunk(p.clone(), array.readChunk(p.clone())));
	}

	private static Path copy(final Path from, final Path to) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (final Path p : (Iterable<Path>) walk::iterator) {
				final Path target = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p))
					Files.createDirectories(target);
				else
					Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		return to;
	}

	@TestFactory
	List<DynamicTest> readsWhatPythonWritesThroughFiltersAndCompressors() throws IOException {
		final List<DynamicTest> skipped = External.unavailable("Python's zarr", External::python);
		if (skipped != null)
			return skipped;
		final List<DynamicTest> tests = new ArrayList<>();
		for (final JsonNode entry : manifest()) {
			final String name = entry.get("name").asText();
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final ZarrArray array = ZarrArray.open(PythonFixtures.dir().resolve("filtered"), name);
				assertEquals(DataType.fromV2(entry.get("dtype").asText()), array.dataType(), name);
				Samples.assertBitsEqual(expected(name, array), whole(array), name);
			}));
		}
		assertEquals(26, tests.size(), "filtered arrays written by Python");
		return tests;
	}

	/** Writes array {@code name} into {@code ours} and says which of Python's folders holds the same chunks. */
	private interface Writer {
		Path write(String name, Path ours) throws IOException;
	}

	/** For each filtered array without a compressor: its chunks as {@code writer} writes them, against numcodecs'. */
	private static List<DynamicTest> sameChunksAsNumcodecs(final String scratchPrefix, final Writer writer) throws IOException {
		final List<DynamicTest> skipped = External.unavailable("Python's zarr", External::python);
		if (skipped != null)
			return skipped;
		final Path scratch = PythonFixtures.scratch(scratchPrefix);
		final List<DynamicTest> tests = new ArrayList<>();
		for (final JsonNode entry : manifest()) {
			if (!entry.get("compressor").isNull() || entry.get("filters").isEmpty())
				continue;
			final String name = entry.get("name").asText();
			tests.add(DynamicTest.dynamicTest(name, () -> {
				final Path ours = scratch.resolve(name);
				final Path python = writer.write(name, ours);
				try (Stream<Path> files = Files.list(python)) {
					for (final Path chunk : (Iterable<Path>) files::iterator)
						if (!chunk.getFileName().toString().startsWith("."))
							assertArrayEquals(Files.readAllBytes(chunk), Files.readAllBytes(ours.resolve(chunk.getFileName())),
									name + " chunk " + chunk.getFileName());
				}
			}));
		}
		assertEquals(14, tests.size(), "filtered arrays without a compressor");
		return tests;
	}

	@TestFactory
	List<DynamicTest> encodesTheValuesReadBackAsNumcodecsDoes() throws IOException {
		return sameChunksAsNumcodecs("zarr-filters-", (name, ours) -> {
			rewrite(ZarrArray.open(copy(PythonFixtures.dir().resolve("filtered").resolve(name), ours), ""));
			return PythonFixtures.dir().resolve("filtered-again").resolve(name);
		});
	}

	@TestFactory
	List<DynamicTest> encodesWhatWasWrittenAsNumcodecsDoes() throws IOException {
		// the array's metadata alone, then the values Python wrote, through our filters: the lossy ones round
		// (bitround's ties to even, quantize's powers of two, fixedscaleoffset's rint) as numcodecs does
		return sameChunksAsNumcodecs("zarr-filters-first-", (name, ours) -> {
			final Path python = PythonFixtures.dir().resolve("filtered").resolve(name);
			Files.createDirectories(ours);
			Files.copy(python.resolve(".zarray"), ours.resolve(".zarray"));
			final ZarrArray array = ZarrArray.open(ours, "");
			final byte[] written = Files.readAllBytes(PythonFixtures.dir().resolve("filtered-input").resolve(name + ".bin"));
			Samples.writeAll(array, Elements.decode(written, array.dataType(), ByteOrder.LITTLE_ENDIAN), p -> false);
			return python;
		});
	}

	@Test
	void pythonReadsWhatWeWriteThroughFiltersAndCompressors() throws IOException {
		final Path python = External.python();
		final Path scratch = PythonFixtures.scratch("zarr-filters-ours-");
		final List<Map<String, String>> list = new ArrayList<>();
		final Map<String, Object> written = new LinkedHashMap<>();
		for (final JsonNode entry : manifest()) {
			final String name = entry.get("name").asText();
			final ZarrArray array = ZarrArray.open(copy(PythonFixtures.dir().resolve("filtered").resolve(name), scratch.resolve(name)), "");
			rewrite(array);
			written.put(name, expected(name, array));
			list.add(Map.of("path", scratch.resolve(name).toString(), "name", name));
		}
		// and arrays created here with LZ4
		int seed = 0;
		for (final Compressor c : new Compressor[] { Compressor.lz4(1), Compressor.lz4(3), Compressor.lz4(9), Compressor.lz4(17) })
			for (final DataType type : new DataType[] { DataType.UINT16, DataType.FLOAT32, DataType.INT64 }) {
				final String name = "ours-" + c.kind().name().toLowerCase() + c.level() + "-" + type.v3Name();
				final ZarrArray array = ZarrArray.create(scratch, name, ArraySpec.builder().shape(25, 37).chunks(10, 16).dataType(type)
						.order(seed % 2 == 0 ? 'C' : 'F').compressor(c).build());
				final Object values = Samples.values(type, 25 * 37, seed++);
				Samples.writeAll(array, values, p -> false);
				written.put(name, values);
				list.add(Map.of("path", scratch.resolve(name).toString(), "name", name));
			}
		final Path listFile = scratch.resolve("list.json");
		Json.MAPPER.writeValue(listFile.toFile(), list);
		final Path out = scratch.resolve("read-by-python");
		final String stdout = External.run(List.of(python.toString(), PythonFixtures.script("zarr_read.py").toString(),
				listFile.toString(), out.toString()), null, Duration.ofMinutes(2));
		assertEquals(written.size(), stdout.lines().filter(l -> !l.isBlank()).count(), "arrays Python read");
		for (final Map.Entry<String, Object> e : written.entrySet()) {
			final ZarrArray array = ZarrArray.open(scratch, e.getKey());
			Samples.assertBitsEqual(e.getValue(), Elements.decode(Files.readAllBytes(out.resolve(e.getKey() + ".bin")), array.dataType(),
					ByteOrder.LITTLE_ENDIAN), e.getKey());
		}
		assertTrue(stdout.contains("\"compressor\": \"lz4\""), stdout);
	}

	@Test
	void filtersAndCompressorsThatCannotBeReadAreRefusedByName() throws IOException {
		final Path scratch = PythonFixtures.scratch("zarr-filters-bad-");
		final ZarrArray array = ZarrArray.create(scratch, "a", ArraySpec.builder().shape(4, 4).chunks(4, 4).dataType(DataType.UINT16).build());
		final Path meta = scratch.resolve("a/.zarray");
		final String zarray = Files.readString(meta);
		Files.writeString(meta, zarray.replace("\"filters\" : null", "\"filters\" : [ {\"id\": \"categorize\", \"labels\": [\"a\"]} ]"));
		final ZarrUnsupportedException categorize = assertThrows(ZarrUnsupportedException.class, () -> ZarrArray.open(scratch, "a"));
		assertEquals("Unsupported filter \"categorize\" in " + meta + ": expected delta, fixedscaleoffset, astype, quantize, bitround, "
				+ "shuffle, or no filters (null)", categorize.getMessage());
		Files.writeString(meta, zarray.replace("\"filters\" : null", "\"filters\" : [ {\"id\": \"bitround\", \"keepbits\": 3} ]"));
		final ZarrFormatException bitround = assertThrows(ZarrFormatException.class, () -> ZarrArray.open(scratch, "a"));
		assertEquals("Malformed metadata " + meta + ": filter bitround: the array's dtype is uint16, expected a float type", bitround.getMessage());
		Files.writeString(meta, zarray.replace("\"compressor\" : null", "\"compressor\" : {\"id\": \"lzma\"}"));
		final ZarrUnsupportedException lzma = assertThrows(ZarrUnsupportedException.class, () -> ZarrArray.open(scratch, "a"));
		assertEquals("Unsupported compressor \"lzma\" in " + meta + ": expected blosc, zstd, gzip, zlib, lz4 or null", lzma.getMessage());

		// a chunk whose LZ4 header promises other than the chunk's size
		Files.writeString(meta, zarray.replace("\"compressor\" : null", "\"compressor\" : {\"id\": \"lz4\", \"acceleration\": 1}"));
		final ZarrArray lz4 = ZarrArray.open(scratch, "a");
		lz4.writeChunk(new long[] { 0, 0 }, new short[16]);
		final byte[] chunk = Files.readAllBytes(scratch.resolve("a/0.0"));
		chunk[0] = 31;
		Files.write(scratch.resolve("a/0.0"), chunk);
		final ZarrChunkException corrupt = assertThrows(ZarrChunkException.class, () -> lz4.readChunk(0, 0));
		assertTrue(corrupt.getMessage().contains("header says 31 bytes, expected 32"), corrupt.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ArraySpec.builder().shape(4).chunks(4).dataType(DataType.UINT8).zarrFormat(3)
				.compressor(Compressor.lz4(1)).build(), "lz4 is for Zarr v2");
	}
}
