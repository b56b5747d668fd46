package org.featurize.unet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.Models;

/**
 * libtorch's native memory per pixel of a forward pass: one predictor runs passes of growing square sizes and the
 * process's peak resident memory (VmHWM) is read after each. The growth between two sizes divided by the growth in
 * pixels is what a pixel of a tile's region costs in native memory, the figure {@code compute.Geometry} plans with.
 * Prints one line per size: {@code ACTIVATIONS side=S pixels=P peak_mb=M mb_per_mpixel=B} (B against the previous size).
 *
 * Usage: ActivationMemory [MODEL.pt [INTRA_OP_THREADS [SIDES...]]]
 */
public final class ActivationMemory
{
	public static void main( final String[] args ) throws Exception
	{
		final Path modelFile = args.length > 0 ? Paths.get( args[ 0 ] ) : Models.defaultModelFile();
		final int intra = args.length > 1 ? Integer.parseInt( args[ 1 ] ) : 2;
		final int[] sides = args.length > 2 ? java.util.Arrays.stream( args, 2, args.length ).mapToInt( Integer::parseInt ).toArray()
				: new int[] { 256, 512, 768, 1024, 1280, 1536, 2048 };
		final DjlFeatureModel model = Models.shared( modelFile, 1, intra );
		final Random random = new Random( 1 );
		long previousPeak = -1, previousPixels = 0;
		for ( final int side : sides )
		{
			final float[] plane = new float[ side * side ];
			for ( int i = 0; i < plane.length; i++ )
				plane[ i ] = random.nextFloat() * 1000;
			for ( int r = 0; r < 2; r++ )
				model.predictInterleaved( plane, side, side, values -> {} );
			final long peak = peakBytes();
			final long pixels = ( long ) side * side;
			System.out.printf( "ACTIVATIONS side=%d pixels=%d peak_mb=%.1f mb_per_mpixel=%s%n", side, pixels, peak / 1e6,
					previousPeak < 0 ? "-" : String.format( "%.1f", ( peak - previousPeak ) / 1e6 / ( ( pixels - previousPixels ) / 1e6 ) ) );
			previousPeak = peak;
			previousPixels = pixels;
		}
		System.exit( 0 );
	}

	static long peakBytes() throws Exception
	{
		for ( final String line : Files.readAllLines( Paths.get( "/proc/self/status" ) ) )
			if ( line.startsWith( "VmHWM:" ) )
				return Long.parseLong( line.replaceAll( "[^0-9]", "" ) ) * 1024;
		return -1;
	}
}
