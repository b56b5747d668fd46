package org.featurize.unet.input;

import org.featurize.unet.FeaturizeException;

/** A part of the input that cannot be chosen as asked: a region, channel or level the input does not have. */
public class InputException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public InputException( final String message )
	{
		super( message );
	}

	public InputException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
