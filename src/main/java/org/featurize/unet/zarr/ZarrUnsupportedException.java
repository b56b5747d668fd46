package org.featurize.unet.zarr;

/**
 * Well-formed Zarr that this implementation does not handle: an unknown data type, codec, filter,
 * chunk grid or extension.
 */
public class ZarrUnsupportedException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrUnsupportedException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrUnsupportedException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
