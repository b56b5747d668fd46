package org.featurize.unet.zarr;

/**
 * One bytes-to-bytes step of a chunk's codec chain (a v2 filter, a compressor or a checksum). Implementations are stateless
 * and safe for many threads.
 */
interface ByteCodec {

	/** @return the codec's name as Zarr metadata spells it */
	String name();

	/**
	 * @param decodedLength the length of the bytes to encode
	 * @return the length of the encoded bytes where it follows from that (filters), else -1 (compressors)
	 */
	default long encodedLength(final long decodedLength) {
		return -1;
	}

	/** @return the encoded bytes */
	byte[] encode(byte[] decoded);

	/**
	 * @param encoded the stored bytes
	 * @param limit the largest decoded size that can be right; more is corruption
	 * @param exact whether the decoded size must be the limit itself (the codec next to the array's bytes)
	 * @param where the file, for messages
	 * @return the decoded bytes
	 * @throws ZarrChunkException if the bytes cannot be decoded, or declare a size other than the one expected
	 */
	byte[] decode(byte[] encoded, long limit, boolean exact, Object where);
}
