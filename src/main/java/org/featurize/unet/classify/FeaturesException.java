package org.featurize.unet.classify;

import org.featurize.unet.FeaturizeException;

/**
 * A features Zarr given to classify that cannot be used: not features (a type or layout this project does not write),
 * another shape than the input, an unfinished run, or features of another model or normalization than the classifier's.
 */
public class FeaturesException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public FeaturesException( final String message )
	{
		super( message );
	}
}
