package org.featurize.unet.classify;

import java.util.Arrays;
import java.util.Random;

import org.featurize.unet.FeaturizeException;

/**
 * Labelled pixels for training: each one's features (row-major, {@code features} values per pixel) and its class
 * index. Grows as pixels are added; {@link #capped} draws a bounded subset, class by class, so that a few large
 * scribbles cannot crowd out the small ones nor make training slow.
 */
public final class Samples
{
	private final int features;

	private float[] values;

	private int[] classes;

	private int size;

	public Samples( final int features )
	{
		if ( features < 1 )
			throw new IllegalArgumentException( "Samples need at least one feature, got " + features );
		this.features = features;
		this.values = new float[ 1024 * features ];
		this.classes = new int[ 1024 ];
	}

	public int features()
	{
		return features;
	}

	public int size()
	{
		return size;
	}

	public float value( final int sample, final int feature )
	{
		return values[ sample * features + feature ];
	}

	public int classIndex( final int sample )
	{
		return classes[ sample ];
	}

	/** Adds one pixel: feature f at {@code data[offset + f * stride]}. Pixels with a non-finite feature are left out. */
	public void add( final float[] data, final int offset, final int stride, final int classIndex )
	{
		if ( size == classes.length )
		{
			if ( size > Integer.MAX_VALUE / 2 / features )
				throw new FeaturizeException( "Too many labelled pixels to hold: " + size );
			values = Arrays.copyOf( values, 2 * size * features );
			classes = Arrays.copyOf( classes, 2 * size );
		}
		for ( int f = 0; f < features; f++ )
		{
			final float v = data[ offset + f * stride ];
			if ( !Float.isFinite( v ) )
				return;
			values[ size * features + f ] = v;
		}
		classes[ size++ ] = classIndex;
	}

	/** Adds every sample of {@code other}. */
	public void addAll( final Samples other )
	{
		if ( other.features != features )
			throw new IllegalArgumentException( "Samples of " + other.features + " features added to samples of " + features );
		for ( int i = 0; i < other.size; i++ )
			add( other.values, i * features, 1, other.classes[ i ] );
	}

	/** How many samples each class index below {@code classes} has. */
	public long[] counts( final int classes )
	{
		final long[] counts = new long[ classes ];
		for ( int i = 0; i < size; i++ )
			counts[ this.classes[ i ] ]++;
		return counts;
	}

	/**
	 * At most {@code max} samples: all of them when there are no more; else each class keeps all its samples up to
	 * an equal share of {@code max} (the share of classes with fewer going to the others), drawn at random with
	 * {@code seed}.
	 */
	public Samples capped( final int max, final int classCount, final long seed )
	{
		if ( size <= max )
			return this;
		final long[] counts = counts( classCount );
		final long[] keep = new long[ classCount ];
		long left = max;
		int open = 0;
		for ( final long c : counts )
			if ( c > 0 )
				open++;
		final Integer[] order = new Integer[ classCount ];
		for ( int c = 0; c < classCount; c++ )
			order[ c ] = c;
		Arrays.sort( order, ( a, b ) -> Long.compare( counts[ a ], counts[ b ] ) );
		for ( final int c : order )
		{
			if ( counts[ c ] == 0 )
				continue;
			keep[ c ] = Math.min( counts[ c ], left / open );
			left -= keep[ c ];
			open--;
		}
		// a random subset of each class: a partial Fisher-Yates shuffle of its sample indices
		final Random random = new Random( seed );
		final Samples out = new Samples( features );
		for ( int c = 0; c < classCount; c++ )
		{
			final int[] members = new int[ ( int ) counts[ c ] ];
			int m = 0;
			for ( int i = 0; i < size; i++ )
				if ( classes[ i ] == c )
					members[ m++ ] = i;
			for ( int k = 0; k < keep[ c ]; k++ )
			{
				final int j = k + random.nextInt( m - k );
				final int chosen = members[ j ];
				members[ j ] = members[ k ];
				members[ k ] = chosen;
				out.add( values, chosen * features, 1, c );
			}
		}
		return out;
	}
}
