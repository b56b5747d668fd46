package org.featurize.unet.bench;

import java.nio.file.Path;
import java.util.Arrays;

import org.featurize.unet.zarr.ZarrArray;

/** How far one feature output is from another of the same shape: max |a - b| over max |a|, chunk by chunk. */
final class Accuracy
{
	private Accuracy()
	{}

	static double maxRelative( final Path reference, final Path other )
	{
		final ZarrArray a = ZarrArray.open( reference, "" ), b = ZarrArray.open( other, "" );
		if ( !Arrays.equals( a.shape(), b.shape() ) )
			throw new IllegalArgumentException( "shapes differ: " + Arrays.toString( a.shape() ) + " vs " + Arrays.toString( b.shape() ) );
		final long[] shape = a.shape();
		final int[] chunk = new int[ shape.length ];
		Arrays.fill( chunk, 1 );
		chunk[ shape.length - 3 ] = ( int ) shape[ shape.length - 3 ];
		chunk[ shape.length - 2 ] = ( int ) shape[ shape.length - 2 ];
		chunk[ shape.length - 1 ] = ( int ) shape[ shape.length - 1 ];
		double max = 0, diff = 0;
		final long[] min = new long[ shape.length ];
		final long planes = Arrays.stream( shape, 0, shape.length - 3 ).reduce( 1, Math::multiplyExact );
		for ( long p = 0; p < planes; p++ )
		{
			long rest = p;
			for ( int d = shape.length - 4; d >= 0; d-- )
			{
				min[ d ] = rest % shape[ d ];
				rest /= shape[ d ];
			}
			final float[] x = ( float[] ) a.readRegion( min, chunk ), y = ( float[] ) b.readRegion( min, chunk );
			for ( int i = 0; i < x.length; i++ )
			{
				max = Math.max( max, Math.abs( x[ i ] ) );
				diff = Math.max( diff, Math.abs( x[ i ] - y[ i ] ) );
			}
		}
		return diff / max;
	}
}
