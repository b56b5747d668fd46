package org.featurize.unet.zarr;

/**
 * Zarr metadata that is malformed or inconsistent: not JSON, a missing or mistyped field, a negative
 * shape, a chunk shape of zero, ranks that disagree.
 */
public class ZarrFormatException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrFormatException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrFormatException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
