package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.imglib2.img.array.ArrayImgs;

class DisplayRangesTest
{
	@Test
	void aCellGivesEvenlyStridedValuesPerChannelAndTheirPercentiles()
	{
		final int n = 2 * DisplayRanges.PER_CELL + 3; // 8195 values per channel: every 3rd is taken
		assertEquals( 3, DisplayRanges.stride( n ) );
		final float[] cell = new float[ 2 * n ];
		for ( int i = 0; i < cell.length; i++ )
			cell[ i ] = ( float ) ( ( i * 7919L ) % 10007 ) + ( i < n ? 0 : 50_000 );
		final DisplayRanges ranges = new DisplayRanges( 2 );
		ranges.addCell( cell );
		final double[][] r = ranges.ranges();
		for ( int c = 0; c < 2; c++ )
		{
			final float[] taken = new float[ ( n + 2 ) / 3 ];
			for ( int k = 0; k < taken.length; k++ )
				taken[ k ] = cell[ c * n + 3 * k ];
			assertEquals( taken.length, ranges.kept( c ) );
			Arrays.sort( taken );
			final int m = taken.length;
			assertArrayEquals( new double[] { taken[ Math.round( 0.005f * ( m - 1 ) ) ], taken[ Math.round( 0.995f * ( m - 1 ) ) ] }, r[ c ], 0,
					"channel " + c );
		}
		assertEquals( 2732, ranges.kept( 0 ) );
	}

	@Test
	void keepsABoundedUniformSampleWhoseRangeConvergesOnTheData()
	{
		final DisplayRanges ranges = new DisplayRanges( 1 );
		final java.util.Random random = new java.util.Random( 5 );
		for ( int cell = 0; cell < 40; cell++ )
		{
			final float[] values = new float[ DisplayRanges.PER_CELL ];
			for ( int i = 0; i < values.length; i++ )
				values[ i ] = random.nextFloat() * 1000; // uniform on [0, 1000): 0.5 % at 5, 99.5 % at 995
			ranges.addCell( values );
		}
		assertEquals( DisplayRanges.POOL, ranges.kept( 0 ), "40 x 4096 values offered, the pool's size kept" );
		final double[] r = ranges.ranges()[ 0 ];
		assertEquals( 5, r[ 0 ], 1.5 );
		assertEquals( 995, r[ 1 ], 1.5 );
	}

	@Test
	void skipsNaNWidensAConstantChannelAndLeavesAnEmptyOneNull()
	{
		final DisplayRanges ranges = new DisplayRanges( 3 );
		ranges.addCell( new float[] { 4, 4, 4, Float.NaN, Float.NaN, Float.NaN, 1, Float.NaN, 9 } );
		final double[][] r = ranges.ranges();
		assertArrayEquals( new double[] { 4, 5 }, r[ 0 ], 0 );
		assertNull( r[ 1 ] );
		assertArrayEquals( new double[] { 1, 9 }, r[ 2 ], 0 );
	}

	@Test
	void aPlaneIsSampledInItsCentredWindowPercentilesForRealsMinMaxForIntegers()
	{
		final int w = 1000, h = 800;
		final float[] xs = new float[ w * h ];
		final short[] counts = new short[ w * h ];
		for ( int i = 0; i < xs.length; i++ )
		{
			xs[ i ] = i % w;
			counts[ i ] = ( short ) ( i % w + 3 );
		}
		// window x 244..755, y 144..655; step ceil(sqrt(512 * 512 / 32768)) = 3: x = 244, 247, ..., 754 (171 columns)
		final float[] taken = new float[ 171 * 171 ];
		for ( int k = 0; k < taken.length; k++ )
			taken[ k ] = 244 + 3 * ( k % 171 );
		Arrays.sort( taken );
		final int m = taken.length;
		assertArrayEquals( new double[] { taken[ Math.round( 0.005f * ( m - 1 ) ) ], taken[ Math.round( 0.995f * ( m - 1 ) ) ] },
				DisplayRanges.ofPlane( ArrayImgs.floats( xs, w, h ) ), 0 );
		assertArrayEquals( new double[] { 247, 757 }, DisplayRanges.ofPlane( ArrayImgs.unsignedShorts( counts, w, h ) ), 0 );
		assertNull( DisplayRanges.ofPlane( ArrayImgs.floats( new float[] { Float.NaN, Float.NaN }, 2, 1 ) ) );
	}
}
