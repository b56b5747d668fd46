package org.featurize.unet.zarr;

/**
 * A stored chunk that cannot be decoded: truncated or corrupt compressed data, a checksum mismatch, or
 * a decoded size that differs from the chunk shape.
 */
public class ZarrChunkException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrChunkException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrChunkException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
