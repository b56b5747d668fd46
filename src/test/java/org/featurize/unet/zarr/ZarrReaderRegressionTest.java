package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.type.numeric.integer.UnsignedByteType;

/**
 * The smallest examples of the bugs that {@link ZarrReaderPropertiesTest} found, one test each, so that they stay
 * fixed whatever seed the properties run with.
 */
class ZarrReaderRegressionTest {

	@TempDir
	Path root;

	/** A raw bool chunk holding the byte 2 (a flipped bit) was returned as is, and as true by the image. */
	@Test
	void aBoolByteOtherThanZeroOrOneIsCorruption() throws IOException {
		final ZarrArray array = ZarrArray.create(root, "b", ArraySpec.builder().shape(3).chunks(3)
				.dataType(DataType.BOOL).build());
		final Path chunk = array.path().resolve("0");
		Files.write(chunk, new byte[] { 1, 2, 0 });
		expect(ZarrChunkException.class, () -> array.readChunk(0), chunk.toString(), "element 1", "the byte 2",
				"expected 0 or 1");
		assertThrows(IllegalArgumentException.class, () -> array.writeChunk(new long[] { 0 }, new byte[] { 0, 1, 7 }));
	}

	/** The chunk grid of a shape near 2^63 overflowed to a negative size, and every read failed. */
	@Test
	void aShapeNearTwoToThe63HasAPositiveGrid() throws IOException {
		final Path dir = Files.createDirectories(root.resolve("huge"));
		Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [9223372036854775807], "
				+ "\"chunks\": [2], \"dtype\": \"|u1\", \"order\": \"C\", \"fill_value\": 5, \"compressor\": null, "
				+ "\"filters\": null}");
		final ZarrArray array = ZarrArray.open(root, "huge");
		assertArrayEquals(new long[] { 1L << 62 }, array.gridShape());
		assertArrayEquals(new byte[] { 5, 5 }, (byte[]) array.readChunk((1L << 62) - 1));
		assertArrayEquals(new byte[] { 5, 5, 5 }, (byte[]) array.readRegion(new long[] { Long.MAX_VALUE - 3 },
				new int[] { 3 }));
		assertThrows(IndexOutOfBoundsException.class, () -> array.readRegion(new long[] { Long.MAX_VALUE - 1 },
				new int[] { 3 }));
	}

	/** ImgLib2 numbers cells with a long: a grid of more than 2^63 - 1 chunks read a negative grid position. */
	@Test
	void anImageOfMoreThanTwoToThe63CellsIsRefused() throws IOException {
		final Path dir = Files.createDirectories(root.resolve("cells"));
		Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [4611686018427387904, "
				+ "4611686018427387904], \"chunks\": [1, 1], \"dtype\": \"|u1\", \"order\": \"C\", \"fill_value\": 0, "
				+ "\"compressor\": null, \"filters\": null}");
		final ZarrArray array = ZarrArray.open(root, "cells");
		expect(ZarrUnsupportedException.class, () -> ZarrImages.open(array, 1 << 20), dir.toString(),
				"2^63 - 1 cells");
		// 3 * 2^61 cells is fine
		Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [2305843009213693952, 3], "
				+ "\"chunks\": [1, 1], \"dtype\": \"|u1\", \"order\": \"C\", \"fill_value\": 3, "
				+ "\"compressor\": null, \"filters\": null}");
		final net.imglib2.RandomAccess<UnsignedByteType> access = ZarrImages.<UnsignedByteType> open(
				ZarrArray.open(root, "cells"), 1 << 20).randomAccess();
		access.setPosition(new long[] { 2, (1L << 61) - 1 });
		assertEquals(3, access.get().get());
	}

	/**
	 * A negative float32 NaN with a payload, given as a Float, kept its sign-extended int bits: v3 metadata got 16
	 * hex digits and the new array could not be opened. A float16 signalling NaN given as a Float was quieted.
	 */
	@Test
	void nanFillValuesKeepTheirExactBits() {
		final ZarrArray f4 = ZarrArray.create(root, "f4", ArraySpec.builder().shape(2).chunks(2).zarrFormat(3)
				.dataType(DataType.FLOAT32).fillValue(Float.intBitsToFloat(0xffc00001)).build());
		assertEquals(0xffc00001, Float.floatToRawIntBits(((float[]) f4.readChunk(0))[1]));
		final ZarrArray f2 = ZarrArray.create(root, "f2", ArraySpec.builder().shape(2).chunks(2).zarrFormat(3)
				.dataType(DataType.FLOAT16).fillValue(Half.toFloat((short) 0x7c01)).build());
		assertEquals(0x7c01, Half.fromFloat(((float[]) f2.readChunk(0))[0]));
	}

	/**
	 * A chunk shape of just under 2 GB passes the Java array limit, yet reading a missing chunk of it (the fill
	 * value) needs that much heap: an OutOfMemoryError, not our exception naming the chunk.
	 */
	@Test
	void aChunkLargerThanTheHeapIsOurException() throws IOException {
		assumeTrue(Runtime.getRuntime().maxMemory() < 3L << 30, "a heap under 3 GB cannot hold a 2 GB chunk; this "
				+ "one has " + Runtime.getRuntime().maxMemory() + " bytes");
		final Path dir = Files.createDirectories(root.resolve("big"));
		final int elements = (int) Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() + 1);
		Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [10], \"chunks\": [" + elements
				+ "], \"dtype\": \"|u1\", \"order\": \"C\", \"fill_value\": 0, \"compressor\": null, "
				+ "\"filters\": null}");
		final ZarrArray array = ZarrArray.open(root, "big");
		expect(ZarrUnsupportedException.class, () -> array.readChunk(0), dir.resolve("0").toString(), "heap");
		expect(ZarrUnsupportedException.class, () -> array.readRegion(new long[] { 0 }, new int[] { 2 }),
				dir.resolve("0").toString(), "heap");
	}

	/** v3 attributes that are not a JSON object escaped as Jackson's IllegalArgumentException. */
	@Test
	void attributesThatAreNotAnObjectAreMalformedMetadata() throws IOException {
		final ZarrArray array = ZarrArray.create(root, "a", ArraySpec.builder().shape(1).chunks(1).zarrFormat(3)
				.dataType(DataType.UINT8).build());
		final Path file = array.path().resolve("zarr.json");
		Files.writeString(file, Files.readString(file).replace("\"attributes\" : { }", "\"attributes\" : [ 1 ]"));
		expect(ZarrFormatException.class, array::attributes, file.toString(), "\"attributes\"", "a JSON object");
		final ZarrGroup group = ZarrGroup.create(root, "g", 3, null);
		final Path groupFile = group.path().resolve("zarr.json");
		Files.writeString(groupFile, Files.readString(groupFile).replace("\"attributes\" : { }", "\"attributes\" : true"));
		expect(ZarrFormatException.class, group::attributes, groupFile.toString(), "a JSON object");
	}

	/**
	 * blosc-java's native code allocates the decoded array without checking the allocation: with a heap too full
	 * for it, reading a Blosc chunk crashed the JVM (SIGSEGV). It must be our exception (or, for the writer, an
	 * OutOfMemoryError), in a JVM that lives on. Run in a JVM of its own, so that a crash fails this test only.
	 */
	@Test
	void bloscWithAFullHeapIsOurExceptionNotACrash() {
		final ZarrArray array = ZarrArray.create(root, "blosc", ArraySpec.builder().shape(32 << 20).chunks(32 << 20)
				.dataType(DataType.UINT8).compressor(Compressor.blosc("lz4", 5, Shuffle.NONE)).build());
		final byte[] data = new byte[32 << 20];
		for (int i = 0; i < data.length; i += 4096)
			data[i] = 1;
		array.writeChunk(new long[] { 0 }, data);
		final String out = External.run(External.javaCommand(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:ErrorFile="
				+ root.resolve("hs_err_%p.log")), FullHeapRead.class, root.toString(), "blosc", "8"), null,
				Duration.ofMinutes(2));
		assertTrue(out.contains("refused Chunk " + array.path().resolve("0")), out);
		assertTrue(out.contains("more than the Java heap can hold now"), out);
		assertTrue(out.contains("written") || out.contains("write: OutOfMemoryError"), out);
	}

	/** A .zgroup was only checked for existence: an empty or foreign one opened as a group. */
	@Test
	void groupMetadataIsParsed() throws IOException {
		ZarrGroup.create(root, "g", 2, null);
		final Path zgroup = root.resolve("g/.zgroup");
		for (final String bad : new String[] { "", "[2]", "{\"zarr_format\": 3}", "{}" }) {
			Files.writeString(zgroup, bad);
			expect(ZarrFormatException.class, () -> ZarrGroup.open(root, "g"), zgroup.toString());
		}
		ZarrGroup.create(root, "h", 3, null);
		final Path json = root.resolve("h/zarr.json");
		Files.writeString(json, "{\"zarr_format\": 2, \"node_type\": \"group\"}");
		expect(ZarrFormatException.class, () -> ZarrGroup.open(root, "h"), json.toString(), "zarr_format is 2");
	}

	/** zarr_format was read with intValue(): 2^32 + 2 passed as 2. */
	@Test
	void zarrFormatIsExact() throws IOException {
		final Path dir = Files.createDirectories(root.resolve("f"));
		Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\": 4294967298, \"shape\": [1], \"chunks\": [1], "
				+ "\"dtype\": \"|u1\", \"order\": \"C\", \"fill_value\": 0, \"compressor\": null, \"filters\": null}");
		expect(ZarrFormatException.class, () -> ZarrArray.open(root, "f"), dir.resolve(".zarray").toString(),
				"zarr_format is 4294967298, expected 2");
	}

	static <T extends ZarrException> T expect(final Class<T> type, final Executable call, final String... fragments) {
		final T e = assertThrows(type, call);
		for (final String f : fragments)
			assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" should contain \"" + f
					+ "\"");
		return e;
	}
}
