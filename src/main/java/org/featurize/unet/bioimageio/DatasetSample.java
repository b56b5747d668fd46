package org.featurize.unet.bioimageio;

import java.util.Arrays;

import org.featurize.unet.compute.PlaneReader;

/**
 * Values drawn from a whole dataset once, for the statistics of preprocessing: up to {@value #MAX_PLANES}
 * planes spread evenly over all (t, z) planes, each read on a regular grid so that at most
 * {@value #MAX_VALUES} values are kept. Every tile of every plane is then normalized with the same numbers.
 */
final class DatasetSample
{
	static final int MAX_PLANES = 16, MAX_VALUES = 1 << 22;

	private DatasetSample()
	{}

	/** The sampled values and how many planes they came from. */
	static final class Values
	{
		final float[] values;

		final int planes;

		Values( final float[] values, final int planes )
		{
			this.values = values;
			this.planes = planes;
		}
	}

	static Values of( final PlaneReader< ? > reader )
	{
		final long[] dims = reader.input().dimensionsAsLongArray();
		final long width = dims[ 0 ], height = dims[ 1 ];
		final long depth = dims.length > 2 ? dims[ 2 ] : 1, frames = dims.length > 3 ? dims[ 3 ] : 1, planes = depth * frames;
		final int sampled = ( int ) Math.min( planes, MAX_PLANES );
		final long perPlane = Math.max( 1, MAX_VALUES / sampled );
		final int step = ( int ) Math.max( 1, Math.ceil( Math.sqrt( ( double ) width * height / perPlane ) ) );
		float[] values = new float[ 1 << 16 ];
		int count = 0;
		for ( int p = 0; p < sampled; p++ )
		{
			final long plane = sampled == 1 ? planes / 2 : p * ( planes - 1 ) / ( sampled - 1 );
			for ( long y = 0; y < height; y += step )
			{
				final float[] row = reader.read( 0, y, ( int ) width, 1, plane % depth, plane / depth );
				for ( int x = 0; x < row.length; x += step )
				{
					if ( count == values.length )
						values = Arrays.copyOf( values, values.length * 2 );
					values[ count++ ] = row[ x ];
				}
			}
		}
		return new Values( Arrays.copyOf( values, count ), sampled );
	}
}
