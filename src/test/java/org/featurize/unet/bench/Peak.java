package org.featurize.unet.bench;

import org.featurize.unet.model.DjlEngine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's float32 peak through libtorch (DJL's engine): the best of several 4096 x 4096 matrix products
 * with the given number of intra-op threads. Prints {@code PEAK threads=T gflops=G}.
 */
public final class Peak
{
	public static void main( final String[] args )
	{
		final int threads = Integer.parseInt( args[ 0 ] );
		DjlEngine.configure( threads );
		final int n = 4096;
		double best = 0;
		try ( NDManager manager = NDManager.newBaseManager( "PyTorch" ) )
		{
			final NDArray a = manager.randomUniform( -1, 1, new Shape( n, n ) ), b = manager.randomUniform( -1, 1, new Shape( n, n ) );
			for ( int i = 0; i < 6; i++ )
			{
				final long start = System.nanoTime();
				try ( NDArray c = a.matMul( b ) )
				{
					c.getFloat( 0, 0 ); // waits for the result
				}
				final double seconds = ( System.nanoTime() - start ) * 1e-9;
				if ( i > 0 )
					best = Math.max( best, 2.0 * n * n * n / seconds * 1e-9 );
			}
		}
		System.out.printf( "PEAK threads=%d gflops=%.1f%n", threads, best );
		System.exit( 0 );
	}
}
