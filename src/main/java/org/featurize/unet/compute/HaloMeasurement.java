package org.featurize.unet.compute;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.featurize.unet.model.FeatureModel;

/**
 * How far context actually matters for a model: the smallest halo at which a tile's features equal the whole
 * plane's within {@link #TOLERANCE} of the largest feature, measured with a few forward passes. The receptive field
 * is the bound where a pixel can matter at all; a trained network's dependence on far pixels decays long before it
 * (the shipped UNet: receptive field 136, tiles within half of 1e-4 from a halo of 48 on the probes).
 * <p>
 * The procedure: on planes large enough for a tile of 4 size multiples with the receptive field on every side, four
 * inputs (uniform noise in [0, 1), the same noise as camera counts 100 + 1000 x, smooth blobs of many sizes on a
 * noisy background, and sharp-edged stripes 8 times brighter than their background, whose features reach furthest
 * in different ways), the whole plane's features are computed once;
 * then, for each candidate halo (the multiples of the size multiple up to the receptive field), the tile's region as
 * {@link TileGrid} makes it. The error of a halo is the largest |tile - whole plane| over the tile, divided by the
 * largest |whole plane| of that input, the largest over the inputs. The chosen halo is the smallest candidate from
 * which on every candidate's error is at most half the tolerance ({@link #SHARE}; the rest is a margin for content
 * unlike the probes: on the benchmark's stripes the shipped model's tiles of 1024 differ from the whole plane by
 * 7.6e-5 with a halo of 48, where the probes said 3.9e-5, and by 2.9e-5 with 64, which {@code halo=64} gives at
 * some cost in speed); the receptive field when none is.
 * Measure a model in float32: a bfloat16 variant's rounding makes every tile differ from the whole plane by more than
 * the tolerance, whatever the halo.
 */
public final class HaloMeasurement
{
	/** The tolerance the tests hold tiles to: 1e-4 of the largest feature of the whole plane. */
	public static final double TOLERANCE = 1e-4;

	/** The share of {@link #TOLERANCE} the probes may use; the rest is a margin for content unlike them. */
	public static final double SHARE = 0.5;

	/** The procedure's version: measurements kept by an earlier one are made again. */
	public static final int VERSION = 3;

	private final int halo;

	private final Map< Integer, Double > errors;

	private HaloMeasurement( final int halo, final Map< Integer, Double > errors )
	{
		this.halo = halo;
		this.errors = errors;
	}

	/** The smallest halo that keeps tiles within half the tolerance of the whole plane on the probes. */
	public int halo()
	{
		return halo;
	}

	/** The error (relative to the largest feature) of each candidate halo. */
	public Map< Integer, Double > errors()
	{
		return errors;
	}

	/** Measures {@code model}'s effective halo; a few forward passes of at most a few hundred pixels square. */
	public static HaloMeasurement of( final FeatureModel model )
	{
		final int m = model.description().sizeMultiple(), field = model.description().receptiveField();
		final int reach = ( field + m - 1 ) / m * m;
		final int tile = 4 * m;
		final int size = ( ( tile + 2 * reach + 2 * m ) + m - 1 ) / m * m;
		final int t0 = ( size - tile ) / 2 / m * m, t1 = t0 + tile;
		final float[][] inputs = inputs( size );
		final Map< Integer, Double > errors = new LinkedHashMap<>();
		final float[][] wholes = new float[ inputs.length ][];
		final double[] largest = new double[ inputs.length ];
		for ( int k = 0; k < inputs.length; k++ )
		{
			wholes[ k ] = model.predict( inputs[ k ].clone(), size, size );
			for ( final float v : wholes[ k ] )
				largest[ k ] = Math.max( largest[ k ], Math.abs( v ) );
		}
		final int channels = model.description().outputChannels();
		for ( int h = 0; h <= reach; h += m )
		{
			final int r0 = Math.max( 0, t0 - h ), r1 = Math.min( size, t1 + h ), n = r1 - r0;
			double error = 0;
			for ( int k = 0; k < inputs.length; k++ )
			{
				final float[] region = new float[ n * n ];
				for ( int y = 0; y < n; y++ )
					System.arraycopy( inputs[ k ], ( r0 + y ) * size + r0, region, y * n, n );
				final float[] out = model.predict( region, n, n );
				double diff = 0;
				for ( int c = 0; c < channels; c++ )
					for ( int y = t0; y < t1; y++ )
						for ( int x = t0; x < t1; x++ )
						{
							final double d = Math.abs( out[ ( c * n + y - r0 ) * n + x - r0 ] - wholes[ k ][ ( c * size + y ) * size + x ] );
							diff = Double.isNaN( d ) ? Double.POSITIVE_INFINITY : Math.max( diff, d );
						}
				error = Math.max( error, largest[ k ] > 0 ? diff / largest[ k ] : diff > 0 ? Double.POSITIVE_INFINITY : 0 );
			}
			errors.put( h, error );
		}
		int halo = field;
		for ( int h = reach; h >= 0; h -= m )
		{
			if ( errors.get( h ) > TOLERANCE * SHARE )
				break;
			halo = Math.min( field, h );
		}
		return new HaloMeasurement( halo, errors );
	}

	/**
	 * The probes: uniform noise, the same noise as camera counts, blobs on a noisy background, and sharp-edged
	 * high-contrast stripes (steps of 8 times the background, as membranes and filaments in camera counts), whose
	 * edges reach furthest.
	 */
	static float[][] inputs( final int size )
	{
		final Random random = new Random( 18 );
		final float[] noise = new float[ size * size ], counts = new float[ size * size ], blobs = new float[ size * size ];
		final float[] edges = new float[ size * size ];
		for ( int y = 0; y < size; y++ )
			for ( int x = 0; x < size; x++ )
				edges[ y * size + x ] = ( float ) ( 100 + 20 * Math.sin( y / 97.0 ) * Math.cos( x / 83.0 )
						+ ( Math.sin( ( y + 0.37 * x ) / 11.0 ) * Math.sin( x / 13.0 ) > 0.8 ? 800 : 0 ) + 20 * random.nextFloat() );
		for ( int i = 0; i < noise.length; i++ )
		{
			noise[ i ] = random.nextFloat();
			counts[ i ] = 100 + 1000 * noise[ i ];
		}
		for ( int b = 0; b < 60; b++ )
		{
			final double cy = random.nextDouble() * size, cx = random.nextDouble() * size, r = 3 + 27 * random.nextDouble();
			final double peak = 300 + 2700 * random.nextDouble();
			for ( int y = 0; y < size; y++ )
				for ( int x = 0; x < size; x++ )
					blobs[ y * size + x ] += ( float ) ( peak * Math.exp( -( ( y - cy ) * ( y - cy ) + ( x - cx ) * ( x - cx ) ) / ( 2 * r * r ) ) );
		}
		for ( int i = 0; i < blobs.length; i++ )
			blobs[ i ] += 100 + 10 * random.nextFloat();
		return new float[][] { noise, counts, blobs, edges };
	}

	@Override
	public String toString()
	{
		final StringBuilder s = new StringBuilder( "halo " + halo + " (error relative to the largest feature by halo:" );
		errors.forEach( ( h, e ) -> s.append( String.format( " %d: %.1e", h, e ) ) );
		return s.append( ")" ).toString();
	}
}
