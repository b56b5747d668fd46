package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The codec chain of one kind of chunk: a primitive array in C order ({@link Elements}) to bytes in a byte order,
 * through an optional axis permutation ({@link Transpose}: v2 order F, v3 transpose), then through the
 * bytes-to-bytes codecs ({@link ByteCodec}: v2 filters, compressors, checksums) in order. Decoding runs it backwards and checks every size.
 * Immutable and safe for many threads.
 */
final class ChunkPipeline {

	final DataType type;

	final ByteOrder byteOrder;

	final int[] shape;

	/** null when the stored layout is C order of the shape itself. */
	final int[] transpose;

	final List<ByteCodec> codecs;

	final int rawBytes;

	final int elements;

	/** What each codec decodes to where that is known (the first, and those after filters), else -1. */
	private final long[] decodedLengths;

	/** The most a codec whose decoded length is not known may decode to: more is corruption. */
	private final long bound;

	ChunkPipeline(final DataType type, final ByteOrder byteOrder, final int[] shape, final int[] transpose,
			final List<ByteCodec> codecs) {
		this.type = type;
		this.byteOrder = byteOrder;
		this.shape = shape.clone();
		this.transpose = transpose == null || Transpose.isIdentity(transpose) ? null : transpose.clone();
		this.codecs = List.copyOf(codecs);
		this.elements = (int) Boxes.size(shape);
		this.rawBytes = elements * type.bytesPerElement();
		this.decodedLengths = new long[this.codecs.size()];
		long largest = rawBytes;
		for (int i = 0; i < decodedLengths.length; i++) {
			decodedLengths[i] = i == 0 ? rawBytes
					: decodedLengths[i - 1] < 0 ? -1 : this.codecs.get(i - 1).encodedLength(decodedLengths[i - 1]);
			largest = Math.max(largest, decodedLengths[i]);
		}
		this.bound = 2 * largest + (1 << 20);
	}

	/**
	 * @param stored the bytes of a stored chunk
	 * @param where the file (and inner chunk), for messages
	 * @return a new primitive array of the chunk shape in C order
	 * @throws ZarrChunkException if the bytes do not decode to exactly one chunk
	 */
	Object decode(final byte[] stored, final Object where) {
		byte[] bytes = stored;
		for (int i = codecs.size() - 1; i >= 0; i--) {
			final boolean known = decodedLengths[i] >= 0;
			bytes = codecs.get(i).decode(bytes, known ? decodedLengths[i] : bound, known, where);
		}
		if (bytes.length != rawBytes)
			throw new ZarrChunkException("Corrupt chunk " + where + ": expected " + rawBytes + " bytes ("
					+ Arrays.toString(shape) + " x " + type.bytesPerElement() + " bytes of " + type + "), got "
					+ bytes.length + (codecs.isEmpty() ? "" : " after " + names()));
		if (transpose != null)
			bytes = Transpose.decode(bytes, shape, transpose, type.bytesPerElement());
		if (type == DataType.BOOL)
			checkBooleans(bytes, where);
		return Elements.decode(bytes, type, byteOrder);
	}

	/**
	 * @param data a primitive array of the chunk shape in C order, checked by the caller
	 * @return the bytes to store
	 */
	byte[] encode(final Object data) {
		return encodeBytes(Elements.encode(data, type, byteOrder));
	}

	/**
	 * @param raw the chunk's elements in C order of the shape, in the data type and byte order, checked by the caller
	 * @return the bytes to store
	 */
	byte[] encodeBytes(final byte[] raw) {
		byte[] bytes = raw;
		if (transpose != null)
			bytes = Transpose.encode(bytes, shape, transpose, type.bytesPerElement());
		for (final ByteCodec codec : codecs)
			bytes = codec.encode(bytes);
		return bytes;
	}

	/** NumPy stores a bool as the byte 0 or 1: any other byte is damage, not data. */
	private static void checkBooleans(final byte[] bytes, final Object where) {
		for (int i = 0; i < bytes.length; i++)
			if ((bytes[i] & 0xfe) != 0)
				throw new ZarrChunkException("Corrupt chunk " + where + ": element " + i + " of a bool chunk is the byte "
						+ (bytes[i] & 0xff) + ", expected 0 or 1");
	}

	private String names() {
		final StringBuilder sb = new StringBuilder();
		for (final ByteCodec c : codecs)
			sb.append(sb.length() == 0 ? "" : ", ").append(c.name());
		return sb.toString();
	}
}
