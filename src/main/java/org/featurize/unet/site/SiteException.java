package org.featurize.unet.site;

/**
 * Why an update site could not be assembled: a missing or unreadable input, a file the updater could not
 * place, or an output that would be overwritten without being asked to. Unchecked; the message says what was
 * expected and what was found.
 */
public class SiteException extends RuntimeException
{
	private static final long serialVersionUID = 1L;

	public SiteException( final String message )
	{
		super( message );
	}

	public SiteException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
