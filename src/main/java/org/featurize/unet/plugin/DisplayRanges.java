package org.featurize.unet.plugin;

import java.util.Arrays;
import java.util.Random;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Display ranges per channel estimated from the data: the {@value #LOW_PERCENT} % and {@value #HIGH_PERCENT} %
 * percentiles of a bounded sample of values. Cells are added as they arrive; each gives at most {@link #PER_CELL}
 * evenly strided values per channel, and each channel keeps at most {@link #POOL} values (a uniform reservoir over all
 * values offered), so the ranges are those of all cells seen so far and settle as more arrive, at a cost bounded
 * per cell and per estimate. NaN is skipped. A channel whose percentiles are equal gets {@code [v, v + 1]}; one without
 * a value gets null. Thread-safe.
 */
final class DisplayRanges
{
	static final double LOW_PERCENT = 0.5, HIGH_PERCENT = 99.5;

	/** The most values one cell gives per channel. */
	static final int PER_CELL = 4096;

	/** The most values kept per channel. */
	static final int POOL = 32768;

	/** The largest width and height of the window of a plane that {@link #ofPlane} samples, centred. */
	static final int WINDOW = 512;

	private final int channels;

	private final float[][] pool;

	private final int[] size;

	private final long[] offered;

	private final Random random = new Random( 1 );

	DisplayRanges( final int channels )
	{
		this.channels = channels;
		this.pool = new float[ channels ][ 0 ];
		this.size = new int[ channels ];
		this.offered = new long[ channels ];
	}

	int channels()
	{
		return channels;
	}

	/** Adds one cell's values, channel-major: channel c holds {@code data[c * n, (c + 1) * n)}, n = length / channels. */
	synchronized void addCell( final float[] data )
	{
		final int n = data.length / channels;
		final int stride = stride( n );
		for ( int c = 0; c < channels; c++ )
			for ( int i = 0; i < n; i += stride )
				add( c, data[ c * n + i ] );
	}

	/** The step between the values taken from {@code n} values of one channel of a cell. */
	static int stride( final int n )
	{
		return Math.max( 1, ( n + PER_CELL - 1 ) / PER_CELL );
	}

	private void add( final int c, final float v )
	{
		if ( Float.isNaN( v ) )
			return;
		final long k = offered[ c ]++;
		if ( size[ c ] < POOL )
		{
			if ( size[ c ] == pool[ c ].length )
				pool[ c ] = Arrays.copyOf( pool[ c ], Math.min( POOL, Math.max( 1024, 2 * size[ c ] ) ) );
			pool[ c ][ size[ c ]++ ] = v;
		}
		else
		{
			final long j = random.nextLong( k + 1 );
			if ( j < POOL )
				pool[ c ][ ( int ) j ] = v;
		}
	}

	/** Values kept for channel {@code c}. */
	synchronized int kept( final int c )
	{
		return size[ c ];
	}

	/** {@code [min, max]} per channel from the values kept so far; null for a channel without values. */
	double[][] ranges()
	{
		final float[][] copies = new float[ channels ][];
		synchronized ( this )
		{
			for ( int c = 0; c < channels; c++ )
				copies[ c ] = Arrays.copyOf( pool[ c ], size[ c ] );
		}
		final double[][] ranges = new double[ channels ][];
		for ( int c = 0; c < channels; c++ )
			ranges[ c ] = percentiles( copies[ c ] );
		return ranges;
	}

	/** The {@value #LOW_PERCENT} % and {@value #HIGH_PERCENT} % percentiles of {@code values} (sorted in place); null if empty. */
	static double[] percentiles( final float[] values )
	{
		if ( values.length == 0 )
			return null;
		Arrays.sort( values );
		return nonEmpty( percentile( values, LOW_PERCENT ), percentile( values, HIGH_PERCENT ) );
	}

	/** The value of rank {@code round(p / 100 * (n - 1))} in sorted {@code values}. */
	static double percentile( final float[] sorted, final double percent )
	{
		return sorted[ ( int ) Math.round( percent / 100 * ( sorted.length - 1 ) ) ];
	}

	private static double[] nonEmpty( final double min, final double max )
	{
		return new double[] { min, max > min ? max : min + 1 };
	}

	/**
	 * A range for one plane (x, y) of a non-volatile image, read on the calling thread: from a centred window of at most
	 * {@value #WINDOW} x {@value #WINDOW} pixels, subsampled evenly to at most {@link #POOL} values; {@code [min, max]} for
	 * integer types (labels, counts), the percentiles for others; null when the window holds no number.
	 */
	static double[] ofPlane( final RandomAccessibleInterval< ? extends RealType< ? > > plane )
	{
		final long w = plane.dimension( 0 ), h = plane.dimension( 1 );
		final long ww = Math.min( w, WINDOW ), wh = Math.min( h, WINDOW );
		final long x0 = plane.min( 0 ) + ( w - ww ) / 2, y0 = plane.min( 1 ) + ( h - wh ) / 2;
		final long step = Math.max( 1, ( long ) Math.ceil( Math.sqrt( ( double ) ww * wh / POOL ) ) );
		final RandomAccessibleInterval< ? extends RealType< ? > > window = Views.subsample(
				Views.interval( plane, new long[] { x0, y0 }, new long[] { x0 + ww - 1, y0 + wh - 1 } ), step );
		final float[] values = new float[ ( int ) ( window.dimension( 0 ) * window.dimension( 1 ) ) ];
		int n = 0;
		for ( final Cursor< ? extends RealType< ? > > c = Views.flatIterable( window ).cursor(); c.hasNext(); )
		{
			final float v = c.next().getRealFloat();
			if ( !Float.isNaN( v ) )
				values[ n++ ] = v;
		}
		if ( n == 0 )
			return null;
		final float[] kept = Arrays.copyOf( values, n );
		if ( plane.getType() instanceof IntegerType )
		{
			Arrays.sort( kept );
			return nonEmpty( kept[ 0 ], kept[ n - 1 ] );
		}
		return percentiles( kept );
	}
}
