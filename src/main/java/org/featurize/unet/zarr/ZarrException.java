package org.featurize.unet.zarr;

import org.featurize.unet.FeaturizeException;

/**
 * Root of every failure raised by the Zarr layer: reading or writing metadata, chunks or attributes.
 * Messages name the file concerned and state what was expected and what was found. A kind of
 * {@link FeaturizeException}, the project's one root.
 */
public class ZarrException extends FeaturizeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was expected, what was found, and in which file
	 */
	public ZarrException(final String message) {
		super(message);
	}

	/**
	 * @param message what was expected, what was found, and in which file
	 * @param cause the underlying failure
	 */
	public ZarrException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
