package org.featurize.unet.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.zarr.ZarrArray;

/**
 * {@code featurize demo [--output DIR] [--shape T,Z,Y,X]}: makes a sample volume in DIR (default
 * {@code ./featurize-demo}) unless one is there, featurizes it with the shipped model, and says where the
 * output is.
 */
final class Demo
{
	private Demo()
	{}

	static int run( final String[] args, final PrintStream out, final PrintStream err )
	{
		Path dir = Paths.get( "featurize-demo" );
		int[] shape = { 2, 4, 256, 256 };
		for ( int i = 0; i < args.length; i++ )
		{
			if ( args[ i ].equals( "--output" ) && i + 1 < args.length )
				dir = Paths.get( args[ ++i ] );
			else if ( args[ i ].equals( "--shape" ) && i + 1 < args.length )
				shape = parseShape( args[ ++i ] );
			else
			{
				err.println( "featurize: error: unknown demo argument \"" + args[ i ] + "\"; expected --output DIR or --shape T,Z,Y,X" );
				return 2;
			}
		}
		final Path input = dir.resolve( "sample.zarr" ), output = dir.resolve( "features.zarr" );
		if ( !Files.exists( input ) )
		{
			err.println( "Making a sample volume " + input + " of shape (t, z, y, x) = " + java.util.Arrays.toString( shape ) );
			SampleVolume.write( input, shape[ 0 ], shape[ 1 ], shape[ 2 ], shape[ 3 ], 1 );
		}
		else
			err.println( "Using the sample volume " + input + ", shape " + java.util.Arrays.toString( ZarrArray.open( input, "" ).shape() ) );
		new Featurizer( err::println ).run( FeaturizeRequest.of( input ).output( output ).overwrite( true ),
				FeaturizeMain.consoleProgress( err ), () -> false );
		out.println( "Features: " + output.toAbsolutePath() + " (Zarr v2, (t, z, y, x, c) float32; in Python: zarr.open(\""
				+ output.toAbsolutePath() + "\"))" );
		return 0;
	}

	private static int[] parseShape( final String text )
	{
		final String[] parts = text.split( "," );
		if ( parts.length != 4 )
			throw new org.featurize.unet.FeaturizeException( "--shape must be T,Z,Y,X, got " + text );
		final int[] shape = new int[ 4 ];
		for ( int i = 0; i < 4; i++ )
		{
			shape[ i ] = Integer.parseInt( parts[ i ].trim() );
			if ( shape[ i ] < 1 )
				throw new org.featurize.unet.FeaturizeException( "--shape must be positive, got " + text );
		}
		return shape;
	}
}
