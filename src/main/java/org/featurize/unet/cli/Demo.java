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
 * {@code ./featurize-demo}) unless one is there, featurizes it with the shipped model, says where the output is,
 * and classifies it from a few scribbles ({@link #classify}).
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
		classify( dir, input, out, err );
		return 0;
	}

	/**
	 * Pixel classification of the sample: scribbles of its three classes (background, blobs, filaments) on plane
	 * (0, 0), drawn from the sample's truth as short strokes; a classifier trained on them and applied to the whole
	 * volume; the IoU of each class on the planes without scribbles, and a picture of the scribbled plane.
	 */
	static void classify( final Path dir, final Path input, final PrintStream out, final PrintStream err )
	{
		final long[] s = ZarrArray.open( input, "" ).shape();
		final int frames = ( int ) s[ 0 ], depth = ( int ) s[ 1 ], h = ( int ) s[ 2 ], w = ( int ) s[ 3 ];
		final byte[] truth = new byte[ frames * depth * h * w ];
		SampleVolume.write( null, frames, depth, h, w, 1, truth );
		final byte[] scribbles = scribbles( truth, w, h );
		final Path labels = dir.resolve( "scribbles.zarr" ), classes = dir.resolve( "classes.zarr" ), file = dir.resolve( "sample.classifier.json" );
		final ZarrArray l = ZarrArray.create( labels, "", org.featurize.unet.zarr.ArraySpec.builder().shape( s ).chunks( 1, 1, h, w )
				.dataType( org.featurize.unet.zarr.DataType.UINT8 ).compressor( org.featurize.unet.zarr.Compressor.zstd( 3 ) ).zarrFormat( 2 )
				.overwrite( true ).build() );
		l.writeChunk( new long[] { 0, 0, 0, 0 }, scribbles );
		final org.featurize.unet.classify.ClassifyJob.Result r = new org.featurize.unet.classify.ClassifyJob( err::println ).run(
				org.featurize.unet.classify.ClassifyRequest.of( FeaturizeRequest.of( input ) ).labels( labels, "" ).output( classes )
						.saveClassifier( file ).overwrite( true ), FeaturizeMain.consoleProgress( err ), () -> false );
		final byte[] predicted = new byte[ truth.length ];
		final ZarrArray c = ZarrArray.open( classes, "" );
		for ( int p = 0; p < frames * depth; p++ )
			System.arraycopy( ( byte[] ) c.readChunk( p / depth, p % depth, 0, 0 ), 0, predicted, p * w * h, w * h );
		final StringBuilder ious = new StringBuilder();
		final String[] names = { "background", "blobs", "filaments" };
		for ( int k = 1; k <= 3; k++ )
		{
			long inter = 0, union = 0;
			for ( int i = w * h; i < truth.length; i++ ) // the planes without scribbles
			{
				inter += truth[ i ] == k && predicted[ i ] == k ? 1 : 0;
				union += truth[ i ] == k || predicted[ i ] == k ? 1 : 0;
			}
			ious.append( k == 1 ? "" : ", " ).append( names[ k - 1 ] ).append( String.format( " %.2f", union == 0 ? 1.0 : inter / ( double ) union ) );
		}
		final Path picture = dir.resolve( "classified.png" );
		final short[] plane = ( short[] ) ZarrArray.open( input, "" ).readChunk( 0, 0, 0, 0 );
		final float[] grey = new float[ w * h ];
		final long[] scribbled = new long[ w * h ], result = new long[ w * h ];
		for ( int i = 0; i < w * h; i++ )
		{
			grey[ i ] = plane[ i ] & 0xffff;
			scribbled[ i ] = scribbles[ i ];
			result[ i ] = predicted[ i ];
		}
		final java.util.Map< Long, Integer > colors = new java.util.HashMap<>();
		for ( int k = 0; k < r.classifier.classes(); k++ )
			colors.put( r.classifier.value( k ), r.classifier.color( k ) );
		org.featurize.unet.preview.ClassPicture.write( picture, grey, w, h, scribbled, result, colors );
		out.println( "Classes: " + classes.toAbsolutePath() + " (1 background, 2 blobs, 3 filaments; trained on the scribbles in "
				+ labels.getFileName() + ", plane (0, 0); IoU on the other planes: " + ious + "); classifier " + file.toAbsolutePath()
				+ "; picture (input, scribbles, classes) " + picture.toAbsolutePath() );
	}

	/**
	 * Short horizontal strokes (up to 6 pixels) inside each class of plane 0 (pixels whose 3 x 3 neighbourhood is
	 * all of that class), on every 6th row, spread over the plane, at most about 120 pixels a class.
	 */
	static byte[] scribbles( final byte[] truth, final int w, final int h )
	{
		final byte[] out = new byte[ w * h ];
		for ( int k = 1; k <= 3; k++ )
		{
			final java.util.List< Integer > core = new java.util.ArrayList<>();
			for ( int y = 3; y < h - 1; y += 6 )
				for ( int x = 1; x < w - 1; x++ )
				{
					boolean inside = true;
					for ( int dy = -1; dy <= 1 && inside; dy++ )
						for ( int dx = -1; dx <= 1 && inside; dx++ )
							inside = truth[ ( y + dy ) * w + x + dx ] == k;
					if ( inside )
						core.add( y * w + x );
				}
			final int strokes = Math.max( 1, Math.min( 20, core.size() / 6 ) ), stride = Math.max( 1, core.size() / strokes );
			for ( int s = 0; s < strokes; s++ )
			{
				final int start = core.get( s * stride );
				for ( int i = start; i < start + 6 && i % w < w - 1 && truth[ i ] == k && core.contains( i ); i++ )
					out[ i ] = ( byte ) k;
			}
		}
		return out;
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
