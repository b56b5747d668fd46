package org.featurize.unet.io;

import org.featurize.unet.FeaturizeException;

/** An output that may not be written (it exists, lies inside the input, belongs to another run) or failed to. */
public class OutputException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public OutputException( final String message )
	{
		super( message );
	}

	public OutputException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
