package org.featurize.unet.ome;

import org.featurize.unet.FeaturizeException;

/** OME-Zarr metadata that is malformed, or describes an image this tool cannot featurize. */
public class OmeException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public OmeException( final String message )
	{
		super( message );
	}

	public OmeException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
