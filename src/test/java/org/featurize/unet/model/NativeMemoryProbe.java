package org.featurize.unet.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Memory;

/**
 * Run in its own JVM by {@link NativeMemoryTest} (glibc's settings are per process): with argument "keep" calls
 * {@link NativeMemory#keepFreedMemory()} first and prints what it did (or what it refused, and stops). Then, on a thread of its own (as a worker), does
 * what a forward pass does 4 times: allocates and fills 6 native blocks of 20 MB (through malloc, as libtorch does;
 * more than one 64 MB heap of a thread holds), then frees them; prints the process's minor page faults for each pass:
 * "faults N N N N".
 */
public final class NativeMemoryProbe
{
	static final long BYTES = 20L << 20;

	static final int BLOCKS = 6;

	private NativeMemoryProbe()
	{}

	public static void main( final String[] args ) throws Exception
	{
		if ( args[ 0 ].equals( "keep" ) )
			try
			{
				System.out.println( NativeMemory.keepFreedMemory() );
			}
			catch ( final ModelException e )
			{
				System.out.println( "ModelException: " + e.getMessage() );
				return;
			}
		final StringBuilder line = new StringBuilder( "faults" );
		final Thread worker = new Thread( () -> {
			try
			{
				for ( int i = 0; i < 4; i++ )
					line.append( ' ' ).append( faultsOfOnePass() );
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

	private static long faultsOfOnePass() throws IOException
	{
		final long before = minorFaults();
		final Memory[] blocks = new Memory[ BLOCKS ];
		for ( int i = 0; i < BLOCKS; i++ )
		{
			blocks[ i ] = new Memory( BYTES );
			blocks[ i ].setMemory( 0, BYTES, ( byte ) 1 );
		}
		for ( final Memory block : blocks )
			block.close();
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
