package org.featurize.unet.zarr;

/**
 * A Zarr node already exists where a new one was to be created, and overwriting was not asked for.
 */
public class ZarrExistsException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrExistsException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrExistsException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
