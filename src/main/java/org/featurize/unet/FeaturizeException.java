package org.featurize.unet;

/**
 * The root of the exceptions this project throws for bad input, unfit models and failed runs. Unchecked,
 * like imglib2's and n5's; subclasses name the layer that failed, and every instance carries a message that
 * says what was expected and what was found.
 */
public class FeaturizeException extends RuntimeException
{
	private static final long serialVersionUID = 1L;

	public FeaturizeException( final String message )
	{
		super( message );
	}

	public FeaturizeException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
