package org.featurize.unet.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * One random corruption of a stored chunk or shard file: truncation, appended bytes, flipped bits, a zeroed or
 * random header, random content, and damage aimed at the formats: a Blosc header field set to a value that would
 * send the decompressor out of bounds, a Zstandard frame that declares another content size, a shard index entry
 * pointing elsewhere (with its CRC32C made to match); and a folder where the file should be. Kinds that do not
 * apply to the file's format flip one bit.
 */
final class ChunkDamage {

	static final String[] KINDS = { "truncation", "append", "bit flips", "zeroed header", "random header",
			"random content", "blosc header", "zstd content size", "shard index", "folder" };

	/** What the format-aware kinds need to know about the file. */
	static final class Target {

		final int chunkBytes;

		final boolean sharded;

		final boolean indexAtStart;

		final int indexBytes;

		final boolean blosc;

		Target(final int chunkBytes, final boolean sharded, final boolean indexAtStart, final int indexBytes,
				final boolean blosc) {
			this.chunkBytes = chunkBytes;
			this.sharded = sharded;
			this.indexAtStart = indexAtStart;
			this.indexBytes = indexBytes;
			this.blosc = blosc;
		}
	}

	final String kind;

	final int where;

	final int what;

	final long seed;

	ChunkDamage(final String kind, final int where, final int what, final long seed) {
		this.kind = kind;
		this.where = where;
		this.what = what;
		this.seed = seed;
	}

	/** @return a damage of any kind, every kind as likely, at a random place with random values */
	static ChunkDamage random(final SplittableRandom random) {
		return new ChunkDamage(KINDS[random.nextInt(KINDS.length)], RandomValues.nonNegativeInt(random),
				RandomValues.nonNegativeInt(random), random.nextLong());
	}

	/** @return whether the damage makes the file shorter or longer */
	boolean changesLength() {
		return kind.equals("truncation") || kind.equals("append");
	}

	/** @return whether the file is replaced by a folder (holding a file), rather than its bytes changed */
	boolean isFolder() {
		return kind.equals("folder");
	}

	/** @return the kind of damage that {@link #apply} does to this file: the kinds for other formats flip a bit */
	String appliedKind(final byte[] file, final Target t) {
		switch (kind) {
		case "blosc header":
			return t.blosc && !t.sharded && file.length >= 24 ? kind : "bit flips";
		case "zstd content size":
			return isZstd(file) && !t.sharded ? kind : "bit flips";
		case "shard index":
			return t.sharded && file.length >= t.indexBytes ? kind : "bit flips";
		default:
			return kind;
		}
	}

	/** @return whether the damage rewrites a shard index consistently: no checksum can see it */
	boolean rewritesIndex(final Target t) {
		return kind.equals("shard index") && t.sharded;
	}

	byte[] apply(final byte[] file, final Target t) {
		final SplittableRandom random = new SplittableRandom(seed);
		final int n = file.length;
		switch (kind) {
		case "truncation":
			return Arrays.copyOf(file, where % n);
		case "append": {
			final byte[] out = Arrays.copyOf(file, n + 1 + what % 64);
			if (what % 3 != 0)
				for (int i = n; i < out.length; i++)
					out[i] = (byte) random.nextInt(256);
			return out;
		}
		case "bit flips": {
			final byte[] out = file.clone();
			for (int k = 0; k <= what % 8; k++)
				out[random.nextInt(n)] ^= 1 << random.nextInt(8);
			return out;
		}
		case "zeroed header": {
			final byte[] out = file.clone();
			Arrays.fill(out, 0, Math.min(16, n), (byte) 0);
			return out;
		}
		case "random header": {
			final byte[] out = file.clone();
			for (int i = 0; i < Math.min(16, n); i++)
				out[i] = (byte) random.nextInt(256);
			return out;
		}
		case "random content": {
			final byte[] out = new byte[where % (2 * n + 1)];
			for (int i = 0; i < out.length; i++)
				out[i] = (byte) random.nextInt(256);
			return out;
		}
		case "blosc header":
		case "zstd content size":
		case "shard index":
			if (!appliedKind(file, t).equals(kind))
				return flip(file);
			return kind.equals("blosc header") ? bloscHeader(file, t)
					: kind.equals("shard index") ? shardIndex(file, t) : zstdContentSize(file, t);
		default:
			throw new AssertionError(kind);
		}
	}

	private byte[] flip(final byte[] file) {
		final byte[] out = file.clone();
		out[where % out.length] ^= 1 << (what % 8);
		return out;
	}

	/** Sets one of version, versionlz, flags, typesize, nbytes, blocksize, cbytes or a block start. */
	private byte[] bloscHeader(final byte[] file, final Target t) {
		final int[] offsets = { 0, 1, 2, 3, 4, 8, 12, 16, 20 };
		final int offset = offsets[what % offsets.length];
		final ByteBuffer b = ByteBuffer.wrap(file.clone()).order(ByteOrder.LITTLE_ENDIAN);
		final boolean isByte = offset < 4;
		final long current = isByte ? b.get(offset) & 0xff : b.getInt(offset);
		final long[] pool = { 0, 1, -1, current - 1, current + 1, 2 * current, Integer.MAX_VALUE, Integer.MIN_VALUE,
				file.length - 1, file.length, file.length + 1, t.chunkBytes, t.chunkBytes + 16, t.chunkBytes - 1,
				255, 16, 0x100000, new SplittableRandom(seed).nextInt() };
		final long value = pool[(what / offsets.length) % pool.length];
		if (isByte)
			b.put(offset, (byte) value);
		else
			b.putInt(offset, (int) value);
		return b.array();
	}

	private static boolean isZstd(final byte[] file) {
		return file.length >= 6 && ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 0xFD2FB528;
	}

	/** Rewrites the frame header to declare another content size in 8 bytes, as a single segment. */
	private byte[] zstdContentSize(final byte[] file, final Target t) {
		final int descriptor = file[4] & 0xff;
		final int fcsFlag = descriptor >>> 6;
		final boolean singleSegment = (descriptor & 0x20) != 0;
		final int dictFlag = descriptor & 3;
		final int dictBytes = new int[] { 0, 1, 2, 4 }[dictFlag];
		final int fcsBytes = new int[] { singleSegment ? 1 : 0, 2, 4, 8 }[fcsFlag];
		final int header = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
		if (file.length < header)
			return flip(file);
		final long e = t.chunkBytes;
		final long[] pool = { 0, 1, e - 1, e + 1, 2 * e, Integer.MAX_VALUE, 1L << 31, (1L << 32) + e, 1L << 62, -1,
				Long.MIN_VALUE, 2 * e + (1 << 20) };
		final long declared = pool[what % pool.length];
		final ByteBuffer out = ByteBuffer.allocate(file.length - header + 5 + dictBytes + 8)
				.order(ByteOrder.LITTLE_ENDIAN);
		out.putInt(0xFD2FB528);
		out.put((byte) (0xC0 | 0x20 | (descriptor & 0x07)));
		out.put(file, 5 + (singleSegment ? 0 : 1), dictBytes);
		out.putLong(declared);
		out.put(file, header, file.length - header);
		return out.array();
	}

	/** Points one index entry elsewhere and makes the index checksum match again. */
	private byte[] shardIndex(final byte[] file, final Target t) {
		final byte[] out = file.clone();
		final int at = t.indexAtStart ? 0 : out.length - t.indexBytes;
		final ByteBuffer index = ByteBuffer.wrap(out, at, t.indexBytes).order(ByteOrder.LITTLE_ENDIAN);
		final int entries = (t.indexBytes - 4) / 16;
		final int k = where % entries;
		final int field = what % 3;
		final long offset = index.getLong(at + 16 * k);
		final long length = index.getLong(at + 16 * k + 8);
		final int other = (k + 1) % entries;
		final long current = field == 1 ? length : offset;
		final long[] pool = { -1, 0, file.length, file.length - 1, Long.MAX_VALUE, -2, current + 1, current - 1,
				1L << 31, index.getLong(at + 16 * other + (field == 1 ? 8 : 0)), 1L << 32, t.indexBytes };
		final long value = pool[(what / 3) % pool.length];
		if (field != 1)
			index.putLong(at + 16 * k, value);
		if (field != 0)
			index.putLong(at + 16 * k + 8, field == 2 ? index.getLong(at + 16 * other + 8) : value);
		final CRC32C crc = new CRC32C();
		crc.update(out, at, t.indexBytes - 4);
		index.putInt(at + t.indexBytes - 4, (int) crc.getValue());
		return out;
	}

	@Override
	public String toString() {
		return kind + " (" + where + ", " + what + ", seed " + seed + ")";
	}
}
