package org.featurize.unet.bench;

import org.featurize.unet.model.DjlEngine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The machine's float32 peak through libtorch (DJL's engine): the best of several square matrix products (2048
 * and 4096) and 3 x 3 convolutions (256 to 256 channels on 128 x 128), with the given number of intra-op threads.
 * Prints one line per kind and {@code PEAK threads=T gflops=G}, the best of all.
 */
public final class Peak
{
	/** The best rate of {@code reps} runs after one warm-up. */
	static double best( final int reps, final double flops, final java.util.function.Supplier< NDArray > op )
	{
		double best = 0;
		for ( int i = 0; i <= reps; i++ )
		{
			final long start = System.nanoTime();
			try ( NDArray c = op.get() )
			{
				c.flatten().getFloat( 0 ); // waits for the result
			}
			final double seconds = ( System.nanoTime() - start ) * 1e-9;
			if ( i > 0 )
				best = Math.max( best, flops / seconds * 1e-9 );
		}
		return best;
	}

	public static void main( final String[] args )
	{
		final int threads = Integer.parseInt( args[ 0 ] );
		DjlEngine.configure( threads );
		double best = 0;
		try ( NDManager manager = NDManager.newBaseManager( "PyTorch" ) )
		{
			for ( final int n : new int[] { 2048, 4096 } )
			{
				final NDArray a = manager.randomUniform( -1, 1, new Shape( n, n ) ), b = manager.randomUniform( -1, 1, new Shape( n, n ) );
				final double g = best( 8, 2.0 * n * n * n, () -> a.matMul( b ) );
				System.out.printf( "matmul %d: %.1f GFLOP/s%n", n, g );
				best = Math.max( best, g );
			}
			final NDArray x = manager.randomUniform( -1, 1, new Shape( 1, 256, 128, 128 ) ), w = manager.randomUniform( -1, 1, new Shape( 256, 256, 3, 3 ) );
			final double g = best( 8, 2.0 * 256 * 256 * 9 * 128 * 128, () -> Conv2d.conv2d( x, w, null, new Shape( 1, 1 ), new Shape( 1, 1 ), new Shape( 1, 1 ), 1 ).singletonOrThrow() );
			System.out.printf( "conv3x3 256->256 on 128x128: %.1f GFLOP/s%n", g );
			best = Math.max( best, g );
		}
		System.out.printf( "PEAK threads=%d gflops=%.1f%n", threads, best );
		System.exit( 0 );
	}
}
