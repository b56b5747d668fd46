package org.featurize.unet.zarr;

import java.io.ByteArrayOutputStream;

/**
 * One LZ4 block (the block format of LZ4's specification, the one numcodecs' LZ4 stores after its size header),
 * written by a greedy matcher over a hash table of 4-byte sequences, as LZ4's fast mode does, and read with every
 * offset and length checked against the block and the size it must decode to. Python's numcodecs reads what this
 * writes and this reads what numcodecs writes (the tests). The format is small enough to keep here: the LZ4 streams
 * of commons-compress need commons-io and commons-lang3, which the launcher's class path does not hold.
 */
final class Lz4Blocks {

	private static final int MIN_MATCH = 4;

	/** The last literals: a block ends with at least 5 of them, and its last match starts at least 12 bytes before its end. */
	private static final int LAST_LITERALS = 5, MATCH_FIND_LIMIT = 12;

	private static final int MAX_OFFSET = 65535;

	private static final int HASH_BITS = 16;

	private Lz4Blocks() {
		// static utility
	}

	/** @return {@code in} as one LZ4 block */
	static byte[] compress(final byte[] in) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 16);
		final int[] table = new int[1 << HASH_BITS];
		java.util.Arrays.fill(table, -1);
		final int end = in.length;
		final int matchLimit = end - LAST_LITERALS;
		int anchor = 0, i = 0;
		while (i <= end - MATCH_FIND_LIMIT) {
			final int sequence = readInt(in, i);
			final int h = hash(sequence);
			final int candidate = table[h];
			table[h] = i;
			if (candidate < 0 || i - candidate > MAX_OFFSET || readInt(in, candidate) != sequence) {
				i++;
				continue;
			}
			int length = MIN_MATCH;
			while (i + length < matchLimit && in[candidate + length] == in[i + length])
				length++;
			sequence(out, in, anchor, i - anchor, i - candidate, length);
			i += length;
			anchor = i;
		}
		sequence(out, in, anchor, end - anchor, 0, 0);
		return out.toByteArray();
	}

	/**
	 * @param block one LZ4 block
	 * @param size what it must decode to
	 * @return the decoded bytes
	 * @throws IllegalArgumentException naming what is wrong: a length or offset that leaves the block or the output,
	 *             or a block that decodes to another size
	 */
	static byte[] decompress(final byte[] block, final int from, final int size) {
		final byte[] out = new byte[size];
		int i = from, o = 0;
		while (i < block.length) {
			final int token = block[i++] & 0xff;
			int literals = token >>> 4;
			if (literals == 15)
				for (int b = 255; b == 255;) {
					if (i >= block.length)
						throw new IllegalArgumentException("a literal length runs past the block's end");
					literals += b = block[i++] & 0xff;
				}
			if (literals > block.length - i || literals > size - o)
				throw new IllegalArgumentException("a run of " + literals + " literals at byte " + i + " leaves the "
						+ (literals > block.length - i ? "block" : "decoded size " + size));
			System.arraycopy(block, i, out, o, literals);
			i += literals;
			o += literals;
			if (i == block.length)
				break; // the last sequence: literals only
			if (i + 2 > block.length)
				throw new IllegalArgumentException("a match offset runs past the block's end");
			final int offset = (block[i] & 0xff) | (block[i + 1] & 0xff) << 8;
			i += 2;
			int length = (token & 15) + MIN_MATCH;
			if ((token & 15) == 15)
				for (int b = 255; b == 255;) {
					if (i >= block.length)
						throw new IllegalArgumentException("a match length runs past the block's end");
					length += b = block[i++] & 0xff;
				}
			if (offset == 0 || offset > o)
				throw new IllegalArgumentException("match offset " + offset + " at decoded byte " + o + " points before the data");
			if (length > size - o)
				throw new IllegalArgumentException("a match of " + length + " bytes at decoded byte " + o + " leaves the decoded size " + size);
			if (offset >= length) { // the match lies wholly before its copy
				System.arraycopy(out, o - offset, out, o, length);
				o += length;
			} else
				for (int k = 0; k < length; k++, o++) // byte by byte: the match overlaps what it copies
					out[o] = out[o - offset];
		}
		if (o != size)
			throw new IllegalArgumentException("decoded " + o + " bytes, expected " + size);
		return out;
	}

	/** One sequence: {@code literals} bytes from {@code from}, then a match of {@code length} at {@code offset} (0: none, the last). */
	private static void sequence(final ByteArrayOutputStream out, final byte[] in, final int from, final int literals, final int offset,
			final int length) {
		final int matchCode = length == 0 ? 0 : length - MIN_MATCH;
		out.write((Math.min(literals, 15) << 4) | Math.min(matchCode, 15));
		if (literals >= 15)
			writeLength(out, literals - 15);
		out.write(in, from, literals);
		if (length == 0)
			return;
		out.write(offset);
		out.write(offset >>> 8);
		if (matchCode >= 15)
			writeLength(out, matchCode - 15);
	}

	private static void writeLength(final ByteArrayOutputStream out, int rest) {
		while (rest >= 255) {
			out.write(255);
			rest -= 255;
		}
		out.write(rest);
	}

	private static int readInt(final byte[] b, final int i) {
		return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
	}

	private static int hash(final int sequence) {
		return (sequence * -1640531535) >>> (32 - HASH_BITS);
	}
}
