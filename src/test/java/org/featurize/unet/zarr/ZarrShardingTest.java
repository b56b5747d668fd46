package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded v3 arrays read from shards built here by hand, byte by byte from the specification's layout (inner
 * chunks in any order, an index of (offset, length) uint64 pairs in C order with 2^64-1 for missing ones, a
 * CRC32C after it, at the start or the end), with inner chunks gzipped by the JDK: independent of our writer.
 */
class ZarrShardingTest {

	private static final String META = "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [6, 8], "
			+ "\"data_type\": \"uint16\", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": {\"chunk_shape\": "
			+ "[6, 8]}}, \"chunk_key_encoding\": {\"name\": \"default\", \"configuration\": {\"separator\": \"/\"}}, "
			+ "\"fill_value\": 7, \"codecs\": [{\"name\": \"sharding_indexed\", \"configuration\": {\"chunk_shape\": "
			+ "[3, 4], \"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}, {\"name\": "
			+ "\"gzip\", \"configuration\": {\"level\": 1}}], \"index_codecs\": [{\"name\": \"bytes\", "
			+ "\"configuration\": {\"endian\": \"little\"}}, {\"name\": \"crc32c\"}], "
			+ "\"index_location\": \"LOCATION\"}}]}";

	@TempDir
	Path root;

	@Test
	void readsAHandBuiltShardWithTheIndexAtTheStart() throws IOException {
		readsHandBuiltShard("start");
	}

	@Test
	void readsAHandBuiltShardWithTheIndexAtTheEnd() throws IOException {
		readsHandBuiltShard("end");
	}

	private void readsHandBuiltShard(final String location) throws IOException {
		final Path shard = writeHandBuilt(location);
		final ZarrArray array = ZarrArray.open(root, location);
		assertTrue(array.isSharded());
		assertArrayEquals(new int[] { 3, 4 }, array.chunkShape());
		assertArrayEquals(new int[] { 6, 8 }, array.shardShape());
		assertArrayEquals(new long[] { 2, 2 }, array.gridShape());
		assertTrue(array.chunkExists(0, 0));
		assertFalse(array.chunkExists(0, 1));
		final short[] all = (short[]) array.readRegion(new long[2], new int[] { 6, 8 });
		for (int y = 0; y < 6; y++)
			for (int x = 0; x < 8; x++) {
				final int k = (y / 3) * 2 + x / 4;
				final int expected = k == 1 ? 7 : 1000 * k + (y % 3) * 4 + x % 4;
				assertEquals(expected, all[y * 8 + x], "at (" + y + ", " + x + ")");
			}

		// our writer fills the missing inner chunk, keeping the others and the index location
		array.writeChunk(new long[] { 0, 1 }, new short[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 });
		assertArrayEquals(new short[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, (short[]) array.readChunk(0, 1));
		assertEquals(3000, ((short[]) array.readChunk(1, 1))[0]);
		final byte[] rewritten = Files.readAllBytes(shard);
		final int indexAt = location.equals("start") ? 0 : rewritten.length - 68;
		final ByteBuffer index = ByteBuffer.wrap(rewritten, indexAt, 68).order(ByteOrder.LITTLE_ENDIAN);
		final CRC32C crc = new CRC32C();
		crc.update(rewritten, indexAt, 64);
		assertEquals((int) crc.getValue(), index.getInt(indexAt + 64), "CRC32C of the rewritten index");
	}

	@Test
	void corruptShardsAreRefused() throws IOException {
		final Path shard = writeHandBuilt("end");
		final ZarrArray array = ZarrArray.open(root, "end");
		final byte[] good = Files.readAllBytes(shard);

		final byte[] badCrc = good.clone();
		badCrc[badCrc.length - 20] ^= 1; // inside the index
		Files.write(shard, badCrc);
		assertMessage(assertThrows(ZarrChunkException.class, () -> array.readChunk(0, 0)), shard.toString(), "crc32c");

		final byte[] badOffset = good.clone();
		final ByteBuffer index = ByteBuffer.wrap(badOffset).order(ByteOrder.LITTLE_ENDIAN);
		final int at = badOffset.length - 68;
		index.putLong(at, 1 << 20); // inner chunk 0 far beyond the end
		final CRC32C crc = new CRC32C();
		crc.update(badOffset, at, 64);
		index.putInt(at + 64, (int) crc.getValue());
		Files.write(shard, badOffset);
		assertMessage(assertThrows(ZarrChunkException.class, () -> array.readChunk(0, 0)), shard.toString(),
				"within the file");

		Files.write(shard, new byte[30]);
		assertMessage(assertThrows(ZarrChunkException.class, () -> array.readChunk(1, 1)), shard.toString(),
				"Truncated shard", "68 bytes");

		Files.delete(shard);
		assertEquals(7, ((short[]) array.readChunk(1, 1))[5], "a missing shard reads as the fill value");
	}

	/** Inner chunks 3, 0, 2 in that order in the file, inner chunk 1 missing; value 1000 k + index in chunk. */
	private Path writeHandBuilt(final String location) throws IOException {
		final Path dir = Files.createDirectories(root.resolve(location));
		Files.writeString(dir.resolve("zarr.json"), META.replace("LOCATION", location));
		final byte[][] inner = new byte[4][];
		for (final int k : new int[] { 0, 2, 3 }) {
			final ByteBuffer raw = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
			for (int j = 0; j < 12; j++)
				raw.putShort((short) (1000 * k + j));
			inner[k] = gzip(raw.array());
		}
		final int indexBytes = 4 * 16 + 4;
		final ByteArrayOutputStream body = new ByteArrayOutputStream();
		final long[] offsets = { -1, -1, -1, -1 };
		final long base = location.equals("start") ? indexBytes : 0;
		for (final int k : new int[] { 3, 0, 2 }) {
			offsets[k] = base + body.size();
			body.write(inner[k]);
		}
		final ByteBuffer index = ByteBuffer.allocate(indexBytes).order(ByteOrder.LITTLE_ENDIAN);
		for (int k = 0; k < 4; k++) {
			index.putLong(offsets[k]);
			index.putLong(offsets[k] == -1 ? -1 : inner[k].length);
		}
		final CRC32C crc = new CRC32C();
		crc.update(index.array(), 0, 64);
		index.putInt((int) crc.getValue());
		final ByteArrayOutputStream file = new ByteArrayOutputStream();
		if (location.equals("start"))
			file.write(index.array());
		file.write(body.toByteArray());
		if (location.equals("end"))
			file.write(index.array());
		final Path shard = Files.createDirectories(dir.resolve("c/0")).resolve("0");
		Files.write(shard, file.toByteArray());
		return shard;
	}

	private static byte[] gzip(final byte[] raw) throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(raw);
		}
		return out.toByteArray();
	}

	private static void assertMessage(final Exception e, final String... fragments) {
		for (final String f : fragments)
			assertTrue(e.getMessage().contains(f), () -> "\"" + e.getMessage() + "\" should contain \"" + f + "\"");
	}
}
