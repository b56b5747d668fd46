package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The v3 {@code sharding_indexed} codec: a shard file holds the encoded inner chunks one after the other and an
 * index of (offset, length) uint64 pairs, one per inner chunk in C order, encoded with its own fixed-size codecs
 * (bytes, crc32c) and stored at the end or the start of the file. 2^64-1 twice marks a missing inner chunk.
 * Inner chunks are read with ranged reads; writing assembles a whole shard.
 */
final class Sharding {

	private static final long EMPTY = -1L; // 2^64 - 1

	final int[] shardShape;

	final int[] chunksPerShard;

	final ChunkPipeline indexPipeline;

	final int indexBytes;

	final boolean indexAtEnd;

	Sharding(final int[] shardShape, final int[] innerShape, final ChunkPipeline indexPipeline, final int indexBytes,
			final boolean indexAtEnd) {
		this.shardShape = shardShape.clone();
		this.chunksPerShard = new int[shardShape.length];
		for (int d = 0; d < shardShape.length; d++)
			chunksPerShard[d] = shardShape[d] / innerShape[d];
		this.indexPipeline = indexPipeline;
		this.indexBytes = indexBytes;
		this.indexAtEnd = indexAtEnd;
	}

	int innerChunks() {
		return (int) Boxes.size(chunksPerShard);
	}

	/** @return the shard's grid position holding an inner chunk */
	long[] shardOf(final long[] innerPosition) {
		final long[] shard = new long[innerPosition.length];
		for (int d = 0; d < shard.length; d++)
			shard[d] = innerPosition[d] / chunksPerShard[d];
		return shard;
	}

	/** @return the flat C-order index of an inner chunk within its shard */
	int localIndex(final long[] innerPosition) {
		int index = 0;
		for (int d = 0; d < innerPosition.length; d++)
			index = index * chunksPerShard[d] + (int) (innerPosition[d] % chunksPerShard[d]);
		return index;
	}

	/**
	 * @return the stored bytes of one inner chunk, or null if the shard or the inner chunk is missing
	 */
	byte[] readInner(final Path shard, final int local) {
		try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ)) {
			final long size = channel.size();
			final long[] index = readIndex(channel, size, shard);
			final long offset = index[2 * local];
			final long length = index[2 * local + 1];
			if (offset == EMPTY && length == EMPTY)
				return null;
			checkEntry(offset, length, size, local, shard);
			return FileStore.readRangeOrNull(channel, offset, (int) length, shard);
		} catch (final NoSuchFileException e) {
			return null;
		} catch (final IOException e) {
			throw FileStore.io("Cannot read shard " + shard, e);
		}
	}

	/**
	 * @return the stored bytes of every inner chunk (null where missing), or null if the shard is missing
	 */
	byte[][] readAll(final Path shard) {
		final byte[] bytes = FileStore.readOrNull(shard);
		if (bytes == null)
			return null;
		if (bytes.length < indexBytes)
			throw truncated(shard, bytes.length);
		final int at = indexAtEnd ? bytes.length - indexBytes : 0;
		final long[] index = (long[]) indexPipeline.decode(Arrays.copyOfRange(bytes, at, at + indexBytes),
				shard + " (shard index)");
		final byte[][] inner = new byte[innerChunks()][];
		for (int k = 0; k < inner.length; k++) {
			final long offset = index[2 * k];
			final long length = index[2 * k + 1];
			if (offset == EMPTY && length == EMPTY)
				continue;
			checkEntry(offset, length, bytes.length, k, shard);
			inner[k] = Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
		}
		return inner;
	}

	/** @return a whole shard: the inner chunks (null where missing) and their index */
	byte[] assemble(final byte[][] inner) {
		final long[] index = new long[2 * inner.length];
		Arrays.fill(index, EMPTY);
		long position = indexAtEnd ? 0 : indexBytes;
		for (int k = 0; k < inner.length; k++)
			if (inner[k] != null) {
				index[2 * k] = position;
				index[2 * k + 1] = inner[k].length;
				position += inner[k].length;
			}
		final byte[] encodedIndex = indexPipeline.encode(index);
		if (encodedIndex.length != indexBytes)
			throw new IllegalStateException("Shard index encodes to " + encodedIndex.length + " bytes, expected "
					+ indexBytes);
		final ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(position + (indexAtEnd ? indexBytes : 0)));
		if (!indexAtEnd)
			out.put(encodedIndex);
		for (final byte[] b : inner)
			if (b != null)
				out.put(b);
		if (indexAtEnd)
			out.put(encodedIndex);
		return out.array();
	}

	private long[] readIndex(final FileChannel channel, final long size, final Path shard) {
		if (size < indexBytes)
			throw truncated(shard, size);
		final byte[] bytes = FileStore.readRangeOrNull(channel, indexAtEnd ? size - indexBytes : 0, indexBytes, shard);
		return (long[]) indexPipeline.decode(bytes, shard + " (shard index)");
	}

	private ZarrChunkException truncated(final Path shard, final long size) {
		return new ZarrChunkException("Truncated shard " + shard + ": expected an index of " + indexBytes
				+ " bytes at the " + (indexAtEnd ? "end" : "start") + ", the file has " + size + " bytes");
	}

	private static void checkEntry(final long offset, final long length, final long size, final int k,
			final Path shard) {
		if (offset < 0 || length < 0 || length > Integer.MAX_VALUE || offset + length > size)
			throw new ZarrChunkException("Corrupt shard " + shard + ": inner chunk " + k + " at offset "
					+ Long.toUnsignedString(offset) + " with " + Long.toUnsignedString(length)
					+ " bytes, expected it within the file's " + size + " bytes");
	}
}
