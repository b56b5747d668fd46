package org.featurize.unet.classify;

import org.featurize.unet.FeaturizeException;

/** Labels or a classifier that cannot be used: the wrong shape or type, no labels, a single class, another model. */
public class LabelException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public LabelException( final String message )
	{
		super( message );
	}

	public LabelException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
