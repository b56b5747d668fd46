package org.featurize.unet.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Memory;

/**
 * Run in its own JVM by {@link NativeMemoryTest} (glibc's settings are per process): with argument "keep" calls
 * {@link NativeMemory#keepFreedMemory()} first and prints what it did. Then allocates, fills and frees a 48 MB native
 * block (through malloc, as libtorch does) 4 times on a thread of its own (as a worker), printing the process's minor
 * page faults for each: "faults N N N N".
 */
public final class NativeMemoryProbe
{
	static final long BYTES = 48L << 20;

	private NativeMemoryProbe()
	{}

	public static void main( final String[] args ) throws Exception
	{
		if ( args[ 0 ].equals( "keep" ) )
			System.out.println( NativeMemory.keepFreedMemory() );
		final StringBuilder line = new StringBuilder( "faults" );
		final Thread worker = new Thread( () -> {
			try
			{
				for ( int i = 0; i < 4; i++ )
					line.append( ' ' ).append( faultsOfOneBlock() );
			}
			catch ( final IOException e )
			{
				line.append( ' ' ).append( e );
			}
		} );
		worker.start();
		worker.join();
		System.out.println( line );
	}

	private static long faultsOfOneBlock() throws IOException
	{
		final long before = minorFaults();
		try ( Memory block = new Memory( BYTES ) )
		{
			block.setMemory( 0, BYTES, ( byte ) 1 );
		}
		return minorFaults() - before;
	}

	private static long minorFaults() throws IOException
	{
		final String stat = Files.readString( Path.of( "/proc/self/stat" ) );
		// after the command name in parentheses: state is field 3, minflt field 10
		final String[] f = stat.substring( stat.lastIndexOf( ')' ) + 2 ).split( " " );
		return Long.parseLong( f[ 7 ] );
	}
}
