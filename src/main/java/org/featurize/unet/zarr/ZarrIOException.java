package org.featurize.unet.zarr;

/**
 * An input or output failure of the file system (full disk, permissions, a directory where a file
 * was expected); the cause is the original {@link java.io.IOException}.
 */
public class ZarrIOException extends ZarrException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrIOException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrIOException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
