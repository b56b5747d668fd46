package org.featurize.unet.preview;

import java.util.Arrays;

/**
 * Principal components of vectors of a fixed length, accumulated one vector at a time (mean and covariance
 * in double precision), then found by the Jacobi eigenvalue method, which for the small symmetric matrices
 * here (16 x 16) is exact to rounding and needs no library. Vectors with a non-finite value are left out.
 */
public final class Pca
{
	private final int n;

	private final double[] sum;

	private final double[][] products;

	private long count;

	public Pca( final int dimensions )
	{
		this.n = dimensions;
		this.sum = new double[ n ];
		this.products = new double[ n ][ n ];
	}

	/** Adds one vector, {@code values[offset + i * stride]} for i in 0..n-1. */
	public void add( final float[] values, final int offset, final int stride )
	{
		for ( int i = 0; i < n; i++ )
			if ( !Float.isFinite( values[ offset + i * stride ] ) )
				return;
		for ( int i = 0; i < n; i++ )
		{
			final double a = values[ offset + i * stride ];
			sum[ i ] += a;
			for ( int j = i; j < n; j++ )
				products[ i ][ j ] += a * values[ offset + j * stride ];
		}
		count++;
	}

	public long count()
	{
		return count;
	}

	public double[] mean()
	{
		final double[] mean = new double[ n ];
		for ( int i = 0; i < n; i++ )
			mean[ i ] = count == 0 ? 0 : sum[ i ] / count;
		return mean;
	}

	/** The covariance matrix (population, divided by the count). */
	public double[][] covariance()
	{
		final double[] mean = mean();
		final double[][] c = new double[ n ][ n ];
		for ( int i = 0; i < n; i++ )
			for ( int j = i; j < n; j++ )
				c[ i ][ j ] = c[ j ][ i ] = count == 0 ? 0 : products[ i ][ j ] / count - mean[ i ] * mean[ j ];
		return c;
	}

	/**
	 * The first {@code k} principal axes, by decreasing variance, as rows; each has unit length and its
	 * largest entry (in magnitude) positive, so that the result does not depend on the solver's signs.
	 */
	public double[][] components( final int k )
	{
		final double[][] a = covariance();
		final double[][] v = new double[ n ][ n ];
		for ( int i = 0; i < n; i++ )
			v[ i ][ i ] = 1;
		jacobi( a, v );
		final Integer[] order = new Integer[ n ];
		for ( int i = 0; i < n; i++ )
			order[ i ] = i;
		Arrays.sort( order, ( x, y ) -> Double.compare( a[ y ][ y ], a[ x ][ x ] ) );
		final double[][] out = new double[ Math.min( k, n ) ][ n ];
		for ( int r = 0; r < out.length; r++ )
		{
			int largest = 0;
			for ( int i = 0; i < n; i++ )
			{
				out[ r ][ i ] = v[ i ][ order[ r ] ];
				if ( Math.abs( out[ r ][ i ] ) > Math.abs( out[ r ][ largest ] ) )
					largest = i;
			}
			if ( out[ r ][ largest ] < 0 )
				for ( int i = 0; i < n; i++ )
					out[ r ][ i ] = -out[ r ][ i ];
		}
		return out;
	}

	/** The variances along the axes {@link #components} returns, decreasing. */
	public double[] variances()
	{
		final double[][] a = covariance();
		jacobi( a, new double[ n ][ n ] );
		final double[] d = new double[ n ];
		for ( int i = 0; i < n; i++ )
			d[ i ] = a[ i ][ i ];
		Arrays.sort( d );
		for ( int i = 0; i < n / 2; i++ )
		{
			final double t = d[ i ];
			d[ i ] = d[ n - 1 - i ];
			d[ n - 1 - i ] = t;
		}
		return d;
	}

	/**
	 * Cyclic Jacobi rotations: diagonalizes the symmetric {@code a} in place (its diagonal becomes the
	 * eigenvalues) and accumulates the rotations in {@code v} (its columns become the eigenvectors).
	 */
	static void jacobi( final double[][] a, final double[][] v )
	{
		final int n = a.length;
		for ( int sweep = 0; sweep < 100; sweep++ )
		{
			double off = 0, diagonal = 0;
			for ( int p = 0; p < n; p++ )
			{
				diagonal += a[ p ][ p ] * a[ p ][ p ];
				for ( int q = p + 1; q < n; q++ )
					off += a[ p ][ q ] * a[ p ][ q ];
			}
			if ( off <= 1e-30 * Math.max( diagonal, Double.MIN_NORMAL ) )
				return;
			for ( int p = 0; p < n; p++ )
				for ( int q = p + 1; q < n; q++ )
				{
					if ( a[ p ][ q ] == 0 )
						continue;
					final double theta = ( a[ q ][ q ] - a[ p ][ p ] ) / ( 2 * a[ p ][ q ] );
					final double t = Math.signum( theta == 0 ? 1 : theta ) / ( Math.abs( theta ) + Math.sqrt( theta * theta + 1 ) );
					final double c = 1 / Math.sqrt( t * t + 1 ), s = t * c;
					for ( int k = 0; k < n; k++ )
					{
						final double akp = a[ k ][ p ], akq = a[ k ][ q ];
						a[ k ][ p ] = c * akp - s * akq;
						a[ k ][ q ] = s * akp + c * akq;
					}
					for ( int k = 0; k < n; k++ )
					{
						final double apk = a[ p ][ k ], aqk = a[ q ][ k ];
						a[ p ][ k ] = c * apk - s * aqk;
						a[ q ][ k ] = s * apk + c * aqk;
					}
					for ( int k = 0; k < n; k++ )
					{
						final double vkp = v[ k ][ p ], vkq = v[ k ][ q ];
						v[ k ][ p ] = c * vkp - s * vkq;
						v[ k ][ q ] = s * vkp + c * vkq;
					}
				}
		}
	}
}
