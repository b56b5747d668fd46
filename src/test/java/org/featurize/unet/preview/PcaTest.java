package org.featurize.unet.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Principal components found by the Jacobi method, against data whose components are known. */
class PcaTest
{
	@Test
	void findsTheAxesOfDataBuiltAlongKnownAxes()
	{
		// three orthonormal axes in 5 dimensions with standard deviations 5, 2 and 0.5, plus a mean
		final double s = 1 / Math.sqrt( 2 );
		final double[][] axes = { { s, s, 0, 0, 0 }, { 0, 0, 1, 0, 0 }, { s, -s, 0, 0, 0 } };
		final double[] sd = { 5, 2, 0.5 }, mean = { 1, -2, 3, 4, 5 };
		final Pca pca = new Pca( 5 );
		final Random random = new Random( 7 );
		final float[] v = new float[ 5 ];
		for ( int n = 0; n < 200_000; n++ )
		{
			for ( int i = 0; i < 5; i++ )
				v[ i ] = ( float ) mean[ i ];
			for ( int a = 0; a < 3; a++ )
			{
				final double w = sd[ a ] * random.nextGaussian();
				for ( int i = 0; i < 5; i++ )
					v[ i ] += ( float ) ( w * axes[ a ][ i ] );
			}
			pca.add( v, 0, 1 );
		}
		v[ 2 ] = Float.NaN;
		pca.add( v, 0, 1 );
		assertEquals( 200_000, pca.count(), "a vector with NaN is left out" );
		assertArrayEquals( mean, pca.mean(), 0.05 );
		final double[][] found = pca.components( 3 );
		for ( int a = 0; a < 3; a++ )
			assertArrayEquals( axes[ a ], found[ a ], 0.01, "component " + a );
		final double[] variances = pca.variances();
		assertEquals( 25, variances[ 0 ], 0.3 );
		assertEquals( 4, variances[ 1 ], 0.05 );
		assertEquals( 0.25, variances[ 2 ], 0.01 );
		assertEquals( 0, variances[ 4 ], 1e-3 );
	}

	@Test
	void jacobiDiagonalizesASymmetricMatrix()
	{
		final Random random = new Random( 3 );
		final int n = 16;
		final double[][] m = new double[ n ][ n ];
		for ( int i = 0; i < n; i++ )
			for ( int j = i; j < n; j++ )
				m[ i ][ j ] = m[ j ][ i ] = random.nextGaussian();
		final double[][] a = new double[ n ][];
		for ( int i = 0; i < n; i++ )
			a[ i ] = m[ i ].clone();
		final double[][] v = new double[ n ][ n ];
		for ( int i = 0; i < n; i++ )
			v[ i ][ i ] = 1;
		Pca.jacobi( a, v );
		// m v_k = lambda_k v_k for every column k
		for ( int k = 0; k < n; k++ )
			for ( int i = 0; i < n; i++ )
			{
				double mv = 0;
				for ( int j = 0; j < n; j++ )
					mv += m[ i ][ j ] * v[ j ][ k ];
				assertEquals( a[ k ][ k ] * v[ i ][ k ], mv, 1e-9 );
			}
	}
}
