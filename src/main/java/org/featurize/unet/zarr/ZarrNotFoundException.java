package org.featurize.unet.zarr;

/**
 * A path does not exist, or holds no Zarr node of the kind that was asked for.
 */
public class ZarrNotFoundException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrNotFoundException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrNotFoundException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
