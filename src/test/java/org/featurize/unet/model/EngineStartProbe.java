package org.featurize.unet.model;

/**
 * Run in its own JVM by {@link EngineCacheTest} (the engine starts once per process): starts the engine and prints
 * "started", or what it threw (class and message).
 */
public final class EngineStartProbe
{
	private EngineStartProbe()
	{}

	public static void main( final String[] args )
	{
		try
		{
			DjlEngine.configure( 1 );
			System.out.println( "started" );
		}
		catch ( final RuntimeException | LinkageError e )
		{
			System.out.println( e.getClass().getSimpleName() + ": " + e.getMessage() );
		}
	}
}
