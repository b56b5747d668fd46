package org.featurize.unet.model;

import org.featurize.unet.FeaturizeException;

/** A model that cannot be loaded, does not fit the data, or fails while computing. */
public class ModelException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public ModelException( final String message )
	{
		super( message );
	}

	public ModelException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
