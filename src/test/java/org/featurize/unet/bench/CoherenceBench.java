package org.featurize.unet.bench;

import java.util.Arrays;
import java.util.Locale;

import org.featurize.unet.classify.Coherence;

/**
 * What the classifier's coherence input costs: {@link Coherence#compute} over the region of a 1024 x 1024 tile with
 * the shipped model's halo (1280 x 1280 read, 1024 x 1024 out), per scale set, on the calling thread and the common fork-join pool (as a worker runs it); medians of 7 after 3
 * warm-ups. Run: {@code java -cp target/test-classes:target/classes:... org.featurize.unet.bench.CoherenceBench}.
 */
public final class CoherenceBench
{
	public static void main( final String[] args )
	{
		final int region = 1280, tile = 1024, o = ( region - tile ) / 2;
		final float[] plane = new float[ region * region ];
		final java.util.Random r = new java.util.Random( 1 );
		for ( int i = 0; i < plane.length; i++ )
			plane[ i ] = ( float ) ( Math.sin( i % region * 0.3 ) * Math.cos( i / region * 0.2 ) + 0.1 * r.nextGaussian() );
		for ( final String sigmas : args.length > 0 ? args : new String[] { "1.6", "1,1.6", "1,1.6,3.5" } )
		{
			final Coherence op = Coherence.parse( sigmas, 0 );
			final float[] out = new float[ op.count() * tile * tile ];
			final double[] ms = new double[ 10 ];
			for ( int k = 0; k < ms.length; k++ )
			{
				final long t0 = System.nanoTime();
				op.compute( ( c, x0, y0, w, h, dest ) -> {
					for ( int y = 0; y < h; y++ )
						System.arraycopy( plane, ( y0 + y ) * region + x0, dest, y * w, w );
				}, region, region, o, o, tile, tile, out );
				ms[ k ] = ( System.nanoTime() - t0 ) * 1e-6;
			}
			final double[] timed = Arrays.copyOfRange( ms, 3, ms.length );
			Arrays.sort( timed );
			System.out.println( String.format( Locale.ROOT, "coherence at %s: %.1f ms per 1024 x 1024 tile (the caller and the common fork-join pool)", sigmas, timed[ timed.length / 2 ] ) );
		}
	}
}
