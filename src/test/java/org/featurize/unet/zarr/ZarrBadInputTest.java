package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Bad input raises one exception type of ours, whose message names the file and what was expected; nothing is
 * swallowed or read as zeros.
 */
class ZarrBadInputTest {

	@TempDir
	Path root;

	@Test
	void missingPathAndNonZarrFolder() throws IOException {
		final Path nowhere = root.resolve("nowhere");
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(nowhere, ""), nowhere.toString(), "does not exist");
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(root, "a/b"), root.resolve("a/b").toString(),
				"does not exist");
		Files.createDirectories(root.resolve("plain"));
		Files.writeString(root.resolve("plain/readme.txt"), "not zarr");
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(root, "plain"), root.resolve("plain").toString(),
				"not Zarr", ".zarray or zarr.json");
		expect(ZarrNotFoundException.class, () -> ZarrGroup.open(root, "plain"), root.resolve("plain").toString(),
				"not Zarr");
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(root.resolve("plain/readme.txt"), ""),
				"readme.txt", "expected a folder");
		ZarrGroup.create(root, "group", 2, null);
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(root, "group"), "group", "found a group");
		ZarrGroup.create(root, "group3", 3, null);
		expect(ZarrNotFoundException.class, () -> ZarrArray.open(root, "group3"), "zarr.json", "\"group\"",
				"expected \"array\"");
	}

	@Test
	void malformedMetadata() throws IOException {
		expectV2("{\"zarr_format\": 2, \"shape\": [4, 4]", ZarrFormatException.class, "Malformed JSON");
		expectV2("[1, 2]", ZarrFormatException.class, "expected a JSON object");
		expectV2("", ZarrFormatException.class, "an empty file");
		expectV2(v2("\"shape\": [4, 4]", "\"shape\": \"4x4\""), ZarrFormatException.class, "\"shape\"",
				"array of integers");
		expectV2(v2("\"chunks\": [2, 2],", ""), ZarrFormatException.class, "missing field \"chunks\"");
		expectV2(v2("\"zarr_format\": 2", "\"zarr_format\": 3"), ZarrFormatException.class, "zarr_format",
				"expected 2");
		expectV2(v2("\"order\": \"C\"", "\"order\": \"K\""), ZarrFormatException.class, "order", "\"C\" or \"F\"");
		expectV2(v2("\"fill_value\": 0", "\"fill_value\": \"zero\""), ZarrFormatException.class, "fill_value",
				"a number, \"NaN\"");
		expectV2(v2("\"fill_value\": 0", "\"fill_value\": 300").replace("<f4", "|u1"), ZarrFormatException.class,
				"fill_value", "an integer in [0, 255]");
		expectV3(v3("\"shape\": [4, 4]", "\"shape\": [4]"), ZarrFormatException.class, "shape [4] has 1 axes");
		expectV3(v3("\"node_type\": \"array\",", ""), ZarrFormatException.class, "missing field \"node_type\"");
		expectV3(v3("\"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}]",
				"\"codecs\": []"), ZarrFormatException.class, "no array-to-bytes codec");
		expectV3(v3("{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}",
				"{\"name\": \"bytes\", \"configuration\": {\"endian\": \"middle\"}}"), ZarrFormatException.class,
				"endian");
		expectV3(v3("\"fill_value\": 0", "\"fill_value\": \"0x7fc0\""), ZarrFormatException.class, "fill_value",
				"8 hex digits");
	}

	@Test
	void zeroChunkAndNegativeShape() throws IOException {
		expectV2(v2("\"chunks\": [2, 2]", "\"chunks\": [0, 2]"), ZarrFormatException.class, "chunks [0, 2]",
				"expected sizes >= 1");
		expectV2(v2("\"shape\": [4, 4]", "\"shape\": [4, -1]"), ZarrFormatException.class, "shape [4, -1]",
				"negative", "expected sizes >= 0");
		expectV3(v3("\"chunk_shape\": [2, 2]", "\"chunk_shape\": [2, 0]"), ZarrFormatException.class,
				"chunk_shape [2, 0]", "expected sizes >= 1");
		expectV3(v3("\"shape\": [4, 4]", "\"shape\": [-4, 4]"), ZarrFormatException.class, "negative");
		assertThrows(IllegalArgumentException.class, () -> ArraySpec.builder().shape(4).chunks(0)
				.dataType(DataType.UINT8).build());
	}

	@Test
	void unsupportedDataTypesAndCodecs() throws IOException {
		expectV2(v2("\"<f4\"", "\"<c8\""), ZarrUnsupportedException.class, "dtype \"<c8\"", "expected one of");
		expectV2(v2("\"<f4\"", "[[\"a\", \"<f4\"]]"), ZarrUnsupportedException.class, "dtype", "expected one of");
		expectV2(v2("\"compressor\": null", "\"compressor\": {\"id\": \"lzma\", \"format\": 1}"),
				ZarrUnsupportedException.class, "compressor \"lzma\"", "expected blosc, zstd, gzip, zlib, lz4");
		expectV2(v2("\"compressor\": null",
				"\"compressor\": {\"id\": \"blosc\", \"cname\": \"snappy\", \"clevel\": 5}"),
				ZarrUnsupportedException.class, "snappy");
		expectV2(v2("\"filters\": null", "\"filters\": [{\"id\": \"packbits\"}]"),
				ZarrUnsupportedException.class, "filter \"packbits\"", "expected delta, fixedscaleoffset");
		expectV2(v2("\"filters\": null", "\"filters\": [{\"id\": \"delta\", \"dtype\": \"<c8\"}]"),
				ZarrUnsupportedException.class, "dtype \"<c8\"", "expected a numeric NumPy dtype");
		expectV3(v3("\"float32\"", "\"complex64\""), ZarrUnsupportedException.class, "data_type \"complex64\"");
		expectV3(v3("}]", "}, {\"name\": \"bz2\"}]"), ZarrUnsupportedException.class, "codec \"bz2\"");
		expectV3(v3("\"name\": \"regular\"", "\"name\": \"rectangular\""), ZarrUnsupportedException.class,
				"chunk_grid \"rectangular\"");
		expectV3(v3("\"zarr_format\": 3,", "\"zarr_format\": 3, \"consolidated\": {\"kind\": \"x\"},"),
				ZarrUnsupportedException.class, "extension \"consolidated\"", "must_understand");
		// an extension that says it need not be understood is fine
		writeV3(v3("\"zarr_format\": 3,", "\"zarr_format\": 3, \"x\": {\"must_understand\": false},"));
		assertEquals(DataType.FLOAT32, ZarrArray.open(root, "v3").dataType());
	}

	@Test
	void truncatedAndCorruptChunks() throws IOException {
		for (final Compressor c : new Compressor[] { Compressor.none(), Compressor.zstd(3), Compressor.gzip(5),
				Compressor.zlib(5), Compressor.blosc("lz4", 5, Shuffle.BYTE),
				Compressor.blosc("zstd", 5, Shuffle.BIT) }) {
			final String name = Combos.tag(c);
			final ZarrArray array = ZarrArray.create(root, name, ArraySpec.builder().shape(64, 64).chunks(32, 32)
					.dataType(DataType.FLOAT32).compressor(c).build());
			final float[] data = (float[]) Samples.values(DataType.FLOAT32, 32 * 32, 1);
			array.writeChunk(new long[] { 1, 0 }, data);
			final Path chunk = array.path().resolve("1.0");
			final byte[] stored = Files.readAllBytes(chunk);

			Files.write(chunk, Arrays.copyOf(stored, stored.length - 9));
			expect(ZarrChunkException.class, () -> array.readChunk(1, 0), chunk.toString());

			Files.write(chunk, Arrays.copyOf(stored, stored.length + 7));
			if (c.kind() == Compressor.Kind.GZIP) // padding after a gzip stream is ignored, as gzip(1) and Python do
				Samples.assertBitsEqual(data, array.readChunk(1, 0), name + " with padding");
			else
				expect(ZarrChunkException.class, () -> array.readChunk(1, 0), chunk.toString());

			Files.write(chunk, new byte[0]);
			expect(ZarrChunkException.class, () -> array.readChunk(1, 0), chunk.toString());

			// reading through the image and through regions raises the same, nothing becomes zeros
			final RandomAccess<FloatType> access = ZarrImages.<FloatType> open(array, 1 << 20).randomAccess();
			access.setPosition(new long[] { 0, 40 });
			expect(ZarrChunkException.class, () -> access.get().get(), chunk.toString());
			expect(ZarrChunkException.class, () -> array.readRegion(new long[] { 30, 0 }, new int[] { 4, 4 }),
					chunk.toString());
		}
		// uncompressed: the wrong byte count is named
		final ZarrArray raw = ZarrArray.open(root, "none");
		Files.write(raw.path().resolve("1.0"), new byte[100]);
		expect(ZarrChunkException.class, () -> raw.readChunk(1, 0), "expected 4096 bytes", "got 100");
		// checksummed codecs notice flipped bits
		for (final String name : new String[] { "gzip", "zlib" }) {
			final ZarrArray array = ZarrArray.open(root, name);
			final Path chunk = array.path().resolve("1.0");
			array.writeChunk(new long[] { 1, 0 }, Samples.values(DataType.FLOAT32, 32 * 32, 1));
			final byte[] stored = Files.readAllBytes(chunk);
			stored[stored.length / 2] ^= 0x55;
			stored[stored.length / 2 + 1] ^= 0x55;
			Files.write(chunk, stored);
			expect(ZarrChunkException.class, () -> array.readChunk(1, 0), chunk.toString(), name);
		}
	}

	@Test
	void existingNodesAndParentArrays() {
		final ArraySpec spec = ArraySpec.builder().shape(4).chunks(2).dataType(DataType.INT16).build();
		final ZarrArray first = ZarrArray.create(root, "a", spec);
		first.writeChunk(new long[] { 1 }, new short[] { 5, 6 });
		expect(ZarrExistsException.class, () -> ZarrArray.create(root, "a", spec), root.resolve("a").toString(),
				"already exists", "overwrite");
		expect(ZarrExistsException.class, () -> ZarrGroup.create(root, "a", 2, null), "already exists");
		expect(ZarrExistsException.class, () -> ZarrArray.create(root, "a/b", spec), root.resolve("a").toString(),
				"is a Zarr array");
		final ZarrArray second = ZarrArray.create(root, "a", ArraySpec.builder().shape(4).chunks(2)
				.dataType(DataType.INT16).fillValue(-3).overwrite(true).build());
		assertEquals(-3, ((short[]) second.readChunk(1))[0], "the old chunk is gone with the old array");
	}

	@Test
	void writeFailuresNameTheFile() throws IOException {
		final ZarrArray array = ZarrArray.create(root, "w", ArraySpec.builder().shape(4, 4).chunks(2, 2)
				.dimensionSeparator("/").dataType(DataType.UINT8).build());
		// a folder where the chunk file goes
		Files.createDirectories(array.path().resolve("0/0/blocker"));
		final ZarrIOException e = expect(ZarrIOException.class, () -> array.writeChunk(new long[] { 0, 0 },
				new byte[4]), array.path().resolve("0/0").toString(), "Cannot write");
		assertTrue(e.getCause() instanceof IOException, "the IOException is the cause");
		// a file where the chunk's folder goes
		Files.write(array.path().resolve("1"), new byte[1]);
		expect(ZarrIOException.class, () -> array.writeChunk(new long[] { 1, 1 }, new byte[4]),
				array.path().resolve("1/1").toString());
		// no temporary files are left behind
		try (var files = Files.walk(root)) {
			assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".partial")).count());
		}
		// wrong data: a programming error, refused before anything is written
		assertThrows(IllegalArgumentException.class, () -> array.writeChunk(new long[] { 1, 0 }, new short[4]));
		assertThrows(IllegalArgumentException.class, () -> array.writeChunk(new long[] { 1, 0 }, new byte[3]));
		assertThrows(IndexOutOfBoundsException.class, () -> array.writeChunk(new long[] { 2, 0 }, new byte[4]));
	}

	@Test
	void attributesMustBeJson() {
		final ZarrArray array = ZarrArray.create(root, "attrs", ArraySpec.builder().shape(1).chunks(1)
				.dataType(DataType.UINT8).build());
		expect(ZarrFormatException.class, () -> array.writeAttributes(Map.of("object", new Object())),
				"cannot be written as JSON");
	}

	private static <T extends ZarrException> T expect(final Class<T> type, final Executable call,
			final String... fragments) {
		final T e = assertThrows(type, call);
		for (final String f : fragments)
			assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" should contain \"" + f
					+ "\"");
		return e;
	}

	private static final String V2 = "{\"zarr_format\": 2, \"shape\": [4, 4], \"chunks\": [2, 2], \"dtype\": \"<f4\", "
			+ "\"order\": \"C\", \"fill_value\": 0, \"compressor\": null, \"filters\": null}";

	private static final String V3 = "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [4, 4], "
			+ "\"data_type\": \"float32\", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": "
			+ "{\"chunk_shape\": [2, 2]}}, \"chunk_key_encoding\": {\"name\": \"default\"}, \"fill_value\": 0, "
			+ "\"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}]}";

	private static String v2(final String from, final String to) {
		assertTrue(V2.contains(from), from);
		return V2.replace(from, to);
	}

	private static String v3(final String from, final String to) {
		assertTrue(V3.contains(from), from);
		return V3.replace(from, to);
	}

	private void expectV2(final String zarray, final Class<? extends ZarrException> type, final String... fragments)
			throws IOException {
		final Path dir = Files.createDirectories(root.resolve("v2"));
		Files.writeString(dir.resolve(".zarray"), zarray, StandardCharsets.UTF_8);
		final String[] all = Arrays.copyOf(fragments, fragments.length + 1);
		all[fragments.length] = dir.resolve(".zarray").toString();
		expect(type, () -> ZarrArray.open(root, "v2"), all);
	}

	private void writeV3(final String json) throws IOException {
		final Path dir = Files.createDirectories(root.resolve("v3"));
		Files.writeString(dir.resolve("zarr.json"), json, StandardCharsets.UTF_8);
	}

	private void expectV3(final String json, final Class<? extends ZarrException> type, final String... fragments)
			throws IOException {
		writeV3(json);
		final String[] all = Arrays.copyOf(fragments, fragments.length + 1);
		all[fragments.length] = root.resolve("v3/zarr.json").toString();
		expect(type, () -> ZarrArray.open(root, "v3"), all);
	}
}
