package org.featurize.unet.zarr;

/**
 * One bytes-to-bytes step of a chunk's codec chain (a compressor or a checksum). Implementations are stateless
 * and safe for many threads.
 */
interface ByteCodec {

	/** @return the codec's name as Zarr metadata spells it */
	String name();

	/** @return the encoded bytes */
	byte[] encode(byte[] decoded);

	/**
	 * @param encoded the stored bytes
	 * @param limit the largest decoded size that can be right; more is corruption
	 * @param where the file, for messages
	 * @return the decoded bytes
	 * @throws ZarrChunkException if the bytes cannot be decoded
	 */
	byte[] decode(byte[] encoded, long limit, Object where);
}
