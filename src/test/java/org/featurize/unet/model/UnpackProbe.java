package org.featurize.unet.model;

/**
 * Run in its own JVM by {@link UnpackFoldersTest} (the engine starts once per process, and the temporary folder is
 * read at start): with argument "engine" starts the engine, with "default-model" unpacks the shipped model. Prints
 * "ok", or what it threw (class and message).
 */
public final class UnpackProbe
{
	private UnpackProbe()
	{}

	public static void main( final String[] args )
	{
		try
		{
			if ( args[ 0 ].equals( "engine" ) )
				DjlEngine.configure( 1 );
			else
				Models.defaultModelFile();
			System.out.println( "ok" );
		}
		catch ( final RuntimeException | LinkageError e )
		{
			System.out.println( e.getClass().getSimpleName() + ": " + e.getMessage() );
		}
	}
}
