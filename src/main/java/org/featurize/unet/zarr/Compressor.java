package org.featurize.unet.zarr;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Describes how chunks are compressed: none, Blosc (with its inner compressor and shuffle), Zstandard, gzip, zlib,
 * and numcodecs' LZ4 (Zarr v2 only). An immutable value; the codecs themselves come from libraries (blosc-java,
 * zstd-jni, java.util.zip), LZ4 blocks from {@link Lz4Blocks}.
 * <p>
 * What a damaged chunk file gives (measured by the property tests): a file whose length changed (truncated,
 * appended to, replaced) is refused with {@link ZarrChunkException} whatever the compressor, except bytes appended
 * after a gzip stream, which gzip ignores (as gzip(1) and Python do: the data reads intact). Bytes changed in
 * place are refused by gzip (CRC-32 and length) and zlib (Adler-32), except gzip header bytes that hold no data
 * (time, flags for text, operating system); by Zstandard frames that carry a checksum and by the v3 crc32c codec
 * (after any compressor). They cannot be detected, and can read as other data of the chunk's size, in the data of
 * chunks stored raw (none), of Blosc (whose version 1 format has no checksum: its header is checked, its blocks
 * are not), and of Zstandard frames without a checksum (their headers are checked). A bool chunk byte other than 0
 * or 1 is refused for every compressor. The index of a v3 shard carries a CRC32C; an index rewritten with a
 * matching CRC32C can point inner chunks at other data.
 */
public final class Compressor {

	/** The compressor families. */
	public enum Kind {
		/** chunks stored raw */
		NONE,
		/** Blosc (blosc-java) with an inner compressor and a shuffle */
		BLOSC,
		/** Zstandard (zstd-jni) */
		ZSTD,
		/** gzip, RFC 1952 (java.util.zip) */
		GZIP,
		/** zlib, RFC 1950 (java.util.zip) */
		ZLIB,
		/** numcodecs' LZ4: the decoded size as 4 little-endian bytes, then one LZ4 block ({@link Lz4Blocks}); v2 only */
		LZ4
	}

	/** The compressors Blosc can use inside. */
	public static final List<String> BLOSC_NAMES = List.of("lz4", "lz4hc", "zstd", "zlib", "blosclz");

	private static final Compressor NONE = new Compressor(Kind.NONE, null, 0, null, 0);

	private final Kind kind;

	private final String bloscName;

	private final int level;

	private final Shuffle shuffle;

	private final int blocksize;

	private Compressor(final Kind kind, final String bloscName, final int level, final Shuffle shuffle,
			final int blocksize) {
		this.kind = kind;
		this.bloscName = bloscName;
		this.level = level;
		this.shuffle = shuffle;
		this.blocksize = blocksize;
	}

	/** @return chunks stored raw */
	public static Compressor none() {
		return NONE;
	}

	/**
	 * @param cname Blosc's inner compressor: lz4, lz4hc, zstd, zlib or blosclz
	 * @param clevel 0 to 9
	 * @param shuffle the shuffle filter
	 * @return Blosc with automatic block size
	 */
	public static Compressor blosc(final String cname, final int clevel, final Shuffle shuffle) {
		return blosc(cname, clevel, shuffle, 0);
	}

	/**
	 * @param cname Blosc's inner compressor: lz4, lz4hc, zstd, zlib or blosclz
	 * @param clevel 0 to 9
	 * @param shuffle the shuffle filter
	 * @param blocksize the block size in bytes, 0 for automatic
	 * @return Blosc
	 */
	public static Compressor blosc(final String cname, final int clevel, final Shuffle shuffle, final int blocksize) {
		if (!BLOSC_NAMES.contains(cname))
			throw new ZarrUnsupportedException("Unsupported Blosc compressor \"" + cname + "\": expected one of "
					+ BLOSC_NAMES);
		checkRange("Blosc clevel", clevel, 0, 9);
		checkRange("Blosc blocksize", blocksize, 0, Integer.MAX_VALUE);
		return new Compressor(Kind.BLOSC, cname, clevel, Objects.requireNonNull(shuffle, "shuffle"), blocksize);
	}

	/**
	 * @param level Zstandard level, -131072 to 22
	 * @return Zstandard
	 */
	public static Compressor zstd(final int level) {
		checkRange("Zstandard level", level, -131072, 22);
		return new Compressor(Kind.ZSTD, null, level, null, 0);
	}

	/**
	 * @param level 0 to 9
	 * @return gzip (RFC 1952)
	 */
	public static Compressor gzip(final int level) {
		checkRange("gzip level", level, 0, 9);
		return new Compressor(Kind.GZIP, null, level, null, 0);
	}

	/**
	 * @param level 0 to 9
	 * @return zlib (RFC 1950)
	 */
	public static Compressor zlib(final int level) {
		checkRange("zlib level", level, 0, 9);
		return new Compressor(Kind.ZLIB, null, level, null, 0);
	}

	/**
	 * @param acceleration LZ4's acceleration, 1 (the default, the best compression) or more; recorded in the
	 *            metadata, while the blocks written are those of {@link Lz4Blocks}' one greedy matcher, which any LZ4
	 *            decoder reads
	 * @return numcodecs' LZ4 (Zarr v2)
	 */
	public static Compressor lz4(final int acceleration) {
		checkRange("LZ4 acceleration", acceleration, 1, 65537);
		return new Compressor(Kind.LZ4, null, acceleration, null, 0);
	}


	/** @return the compressor family */
	public Kind kind() {
		return kind;
	}

	/** @return Blosc's inner compressor, or null if this is not Blosc */
	public String bloscName() {
		return bloscName;
	}

	/** @return the compression level (Blosc's clevel, LZ4's acceleration); 0 for none */
	public int level() {
		return level;
	}

	/** @return Blosc's shuffle, or null if this is not Blosc */
	public Shuffle shuffle() {
		return shuffle;
	}

	/** @return Blosc's block size (0: automatic); 0 if this is not Blosc */
	public int blocksize() {
		return blocksize;
	}

	private static void checkRange(final String what, final int value, final int min, final int max) {
		if (value < min || value > max)
			throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], got " + value);
	}

	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof Compressor))
			return false;
		final Compressor c = (Compressor) o;
		return kind == c.kind && Objects.equals(bloscName, c.bloscName) && level == c.level && shuffle == c.shuffle
				&& blocksize == c.blocksize;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(new Object[] { kind, bloscName, level, shuffle, blocksize });
	}

	@Override
	public String toString() {
		switch (kind) {
		case NONE:
			return "none";
		case BLOSC:
			return "blosc(" + bloscName + ", " + level + ", " + shuffle + (blocksize == 0 ? "" : ", " + blocksize)
					+ ")";
		default:
			return kind.name().toLowerCase() + "(" + level + ")";
		}
	}
}
