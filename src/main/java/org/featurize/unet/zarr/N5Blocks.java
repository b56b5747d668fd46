package org.featurize.unet.zarr;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * N5 blocks: a big-endian header (mode, number of dimensions, the block's size along each, fastest axis first),
 * then the compressed elements, big-endian, fastest axis first. A block at the dataset's far edge holds only the
 * part inside the dataset (n5-java writes it so; zarr's N5 store writes it full); it is read into a chunk of the
 * full block size, the rest filled with 0, N5's value for what no block holds.
 */
final class N5Blocks {

	/** Mode 0: the elements the dimensions say; mode 1: a count of elements follows the dimensions. */
	private static final int DEFAULT = 0, VARLENGTH = 1;

	private N5Blocks() {
		// static utility
	}

	/**
	 * @param stored the block file's bytes
	 * @param meta the dataset's metadata
	 * @param where the file, for messages
	 * @return a new primitive array of the full block size (Zarr axis order, C order)
	 * @throws ZarrChunkException if the header or the elements do not fit the dataset
	 */
	static Object decode(final byte[] stored, final ArrayMetadata meta, final Object where) {
		final int n = meta.chunkShape.length;
		final ByteBuffer header = ByteBuffer.wrap(stored).order(ByteOrder.BIG_ENDIAN);
		final int mode = stored.length < 4 ? -1 : header.getShort() & 0xffff;
		final int rank = stored.length < 4 ? n : header.getShort() & 0xffff;
		if (rank != n)
			throw new ZarrChunkException("Corrupt N5 block " + where + ": its header has " + rank + " dimensions, the "
					+ "dataset " + n);
		if (stored.length < 4 + 4 * n)
			throw new ZarrChunkException("Corrupt N5 block " + where + ": " + stored.length + " bytes, shorter than the "
					+ (4 + 4 * n) + " of its header");
		if (mode != DEFAULT && mode != VARLENGTH)
			throw new ZarrChunkException("Unsupported N5 block " + where + ": mode " + mode + (mode == 2
					? " (serialized objects)" : "") + ", expected 0 (default) or 1 (varlength) for a numeric dataset");
		final int[] size = new int[n]; // Zarr's order
		long elements = 1;
		for (int i = 0; i < n; i++) {
			final long s = header.getInt() & 0xffffffffL;
			final int d = n - 1 - i;
			if (s > meta.chunkShape[d])
				throw new ZarrChunkException("Corrupt N5 block " + where + ": its size along axis " + i + " (N5's order) "
						+ "is " + s + ", larger than the dataset's block size " + meta.chunkShape[d]);
			size[d] = (int) s;
			elements *= s;
		}
		if (mode == VARLENGTH) {
			if (stored.length < header.position() + 4)
				throw new ZarrChunkException("Corrupt N5 block " + where + ": truncated in its header");
			final long count = header.getInt() & 0xffffffffL;
			if (count != elements)
				throw new ZarrChunkException("Unsupported N5 block " + where + ": varlength with " + count
						+ " elements in a block of " + Arrays.toString(size) + ", expected " + elements);
		}
		final byte[] payload = Arrays.copyOfRange(stored, header.position(), stored.length);
		final int bytes = (int) elements * meta.type.bytesPerElement();
		byte[] raw = payload;
		for (int i = meta.pipeline.codecs.size() - 1; i >= 0; i--)
			raw = meta.pipeline.codecs.get(i).decode(raw, bytes, true, where);
		if (raw.length != bytes)
			throw new ZarrChunkException("Corrupt N5 block " + where + ": expected " + bytes + " bytes (" + elements
					+ " elements of " + meta.type + "), got " + raw.length);
		final Object part = Elements.decode(raw, meta.type, ByteOrder.BIG_ENDIAN);
		if (Arrays.equals(size, meta.chunkShape))
			return part;
		final Object full = Elements.allocate(meta.type, meta.pipeline.elements);
		Boxes.copy(part, size, new int[n], full, meta.chunkShape, new int[n], size);
		return full;
	}

	/**
	 * N5's lz4: lz4-java's block stream, as n5-java writes it. Each block: "LZ4Block", a token (0x10 stored, 0x20 LZ4,
	 * and the level), the compressed and the original length and a checksum (little-endian ints), the bytes; a block
	 * of length 0 ends the stream. A block that does not start so is numcodecs' lz4 (a size, then one LZ4 block), as
	 * Python zarr's N5Store writes it.
	 */
	static final class Lz4StreamCodec implements ByteCodec {

		private static final byte[] MAGIC = "LZ4Block".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

		private static final int HEADER = MAGIC.length + 1 + 12;

		private static final int STORED = 0x10, LZ4 = 0x20;

		private static final ByteCodec NUMCODECS = new ByteCodecs.Lz4Codec();

		@Override
		public String name() {
			return "lz4 (N5)";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			throw new UnsupportedOperationException("N5 datasets are read, not written");
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			if (encoded.length < MAGIC.length || !Arrays.equals(encoded, 0, MAGIC.length, MAGIC, 0, MAGIC.length))
				return NUMCODECS.decode(encoded, limit, exact, where); // Python zarr's N5Store writes numcodecs' lz4
			final ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 1 << 26));
			int i = 0;
			while (true) {
				if (encoded.length - i < HEADER)
					throw new ZarrChunkException("Corrupt N5 block " + where + ": its lz4 stream ends at byte " + i
							+ " inside a block header");
				if (!Arrays.equals(encoded, i, i + MAGIC.length, MAGIC, 0, MAGIC.length))
					throw new ZarrChunkException("Corrupt N5 block " + where + ": no lz4 block (\"LZ4Block\") at byte " + i);
				final int method = encoded[i + MAGIC.length] & 0xf0;
				final ByteBuffer b = ByteBuffer.wrap(encoded, i + MAGIC.length + 1, 12).order(ByteOrder.LITTLE_ENDIAN);
				final int compressed = b.getInt(), original = b.getInt();
				i += HEADER;
				if (original == 0 && compressed == 0)
					break;
				if (compressed < 0 || original < 0 || compressed > encoded.length - i || out.size() + (long) original > limit
						|| method != STORED && method != LZ4 || method == STORED && compressed != original)
					throw new ZarrChunkException("Corrupt N5 block " + where + ": an lz4 block of " + compressed + " bytes "
							+ "for " + original + " (method 0x" + Integer.toHexString(method) + ") does not fit");
				if (method == STORED)
					out.write(encoded, i, compressed);
				else
					try {
						out.writeBytes(Lz4Blocks.decompress(Arrays.copyOfRange(encoded, i, i + compressed), 0, original));
					} catch (final IllegalArgumentException e) {
						throw new ZarrChunkException("Corrupt N5 block " + where + ": " + e.getMessage(), e);
					}
				i += compressed;
			}
			return out.toByteArray();
		}
	}
}
