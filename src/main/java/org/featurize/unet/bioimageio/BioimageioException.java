package org.featurize.unet.bioimageio;

import org.featurize.unet.model.ModelException;

/** A bioimage.io model package that cannot be read, does not fit this tool, or fails its own test. */
public class BioimageioException extends ModelException
{
	private static final long serialVersionUID = 1L;

	public BioimageioException( final String message )
	{
		super( message );
	}

	public BioimageioException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
