package org.featurize.unet.compute;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.featurize.unet.FeaturizeException;

/**
 * How input values are scaled before the model sees them: the same affine map for every tile of the
 * dataset, never statistics of one tile (which would make seams). {@code none} (the seed's behaviour) feeds
 * raw values; {@code percentile} maps the dataset's low percentile to 0 and its high percentile to 1, with
 * the percentiles estimated once from a sample of planes. When both percentiles are equal (a constant
 * input), values are only shifted, never divided by zero. Non-finite values pass through unchanged.
 * Several channels read together (one plane after the other, {@link PlaneReader#channels()}) have one map each
 * ({@link #perChannel}), so that each channel is scaled as it would be alone.
 * Serializable, so that statistics computed once can be sent to other machines unchanged, to the bit.
 */
public final class Normalization implements Serializable
{
	private static final long serialVersionUID = 1L;

	/** The names the command accepts. */
	public static final String NONE = "none", PERCENTILE = "percentile";

	public static final double DEFAULT_LOW_PERCENTILE = 1.0, DEFAULT_HIGH_PERCENTILE = 99.8;

	/** At most this many values are gathered from the sampled planes to estimate percentiles. */
	static final int MAX_SAMPLES = 1 << 22;

	/** At most this many planes, spread evenly over the dataset, are read to estimate percentiles. */
	static final int MAX_PLANES = 16;

	private final String method;

	private final double lowPercentile, highPercentile;

	private final float low, scale;

	private final double high;

	/** One map per channel of a read of several channels, or null: one map for every value. */
	private final Normalization[] channels;

	private Normalization( final Normalization[] channels )
	{
		this.method = channels[ 0 ].method;
		this.lowPercentile = channels[ 0 ].lowPercentile;
		this.highPercentile = channels[ 0 ].highPercentile;
		this.low = 0;
		this.high = 1;
		this.scale = 1;
		this.channels = channels.clone();
	}

	private Normalization( final String method, final double lowPercentile, final double highPercentile, final double low, final double high )
	{
		this.channels = null;
		this.method = method;
		this.lowPercentile = lowPercentile;
		this.highPercentile = highPercentile;
		this.low = ( float ) low;
		this.high = high;
		this.scale = high > low ? ( float ) ( 1.0 / ( high - low ) ) : 1f;
	}

	public static Normalization none()
	{
		return new Normalization( NONE, Double.NaN, Double.NaN, 0, 1 );
	}

	/** A fixed affine map: {@code low} to 0 and {@code high} to 1. */
	public static Normalization linear( final double low, final double high, final double lowPercentile, final double highPercentile )
	{
		if ( !Double.isFinite( low ) || !Double.isFinite( high ) )
			throw new FeaturizeException( String.format( "Normalization bounds must be finite, got %s and %s", low, high ) );
		return new Normalization( PERCENTILE, lowPercentile, highPercentile, low, high );
	}

	/**
	 * One map per channel, for reads of several channels (the values of channel {@code c} the {@code c}-th equal part
	 * of each read); the same map for all of them where every channel has none.
	 */
	public static Normalization perChannel( final java.util.List< Normalization > channels )
	{
		if ( channels.isEmpty() )
			throw new IllegalArgumentException( "No channel" );
		if ( channels.size() == 1 || channels.stream().allMatch( n -> n.method.equals( NONE ) && n.channels == null ) )
			return channels.get( 0 );
		return new Normalization( channels.toArray( new Normalization[ 0 ] ) );
	}

	/** The statistics of each channel of {@code reader} ({@link #percentile} of each), or one map when it reads one channel. */
	public static Normalization percentiles( final PlaneReader< ? > reader, final double lowPercentile, final double highPercentile )
	{
		final java.util.List< Normalization > list = new java.util.ArrayList<>();
		for ( int c = 0; c < reader.channels(); c++ )
			list.add( percentile( reader.channel( c ), lowPercentile, highPercentile ) );
		return perChannel( list );
	}

	/** Checks a method name, as typed by a user. */
	public static String checkMethod( final String method )
	{
		final String m = method == null ? NONE : method.trim().toLowerCase( Locale.ROOT );
		if ( !m.equals( NONE ) && !m.equals( PERCENTILE ) )
			throw new FeaturizeException( "Unknown normalization \"" + method + "\"; expected \"none\" or \"percentile\"" );
		return m;
	}

	/**
	 * Estimates the percentiles of a dataset from up to {@link #MAX_PLANES} planes spread evenly over it,
	 * each subsampled on a regular grid so that at most {@link #MAX_SAMPLES} values are sorted.
	 */
	public static Normalization percentile( final PlaneReader< ? > reader, final double lowPercentile, final double highPercentile )
	{
		if ( !( lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100 ) )
			throw new FeaturizeException( String.format(
					"Percentiles must satisfy 0 <= low < high <= 100, got low %s and high %s", lowPercentile, highPercentile ) );
		final long[] dims = reader.input().dimensionsAsLongArray();
		final long width = dims[ 0 ], height = dims[ 1 ];
		final long depth = dims.length > 2 ? dims[ 2 ] : 1, frames = dims.length > 3 ? dims[ 3 ] : 1;
		final long planes = depth * frames;
		final int sampledPlanes = ( int ) Math.min( planes, MAX_PLANES );
		final long perPlane = Math.max( 1, MAX_SAMPLES / sampledPlanes );
		final int step = ( int ) Math.max( 1, Math.ceil( Math.sqrt( ( double ) width * height / perPlane ) ) );
		float[] values = new float[ 1 << 16 ];
		int count = 0;
		final int rows = ( int ) Math.min( height, Integer.MAX_VALUE );
		for ( int p = 0; p < sampledPlanes; p++ )
		{
			final long plane = sampledPlanes == 1 ? planes / 2 : p * ( planes - 1 ) / ( sampledPlanes - 1 );
			final long z = plane % depth, t = plane / depth;
			for ( int y = 0; y < rows; y += step )
			{
				final float[] row = reader.read( 0, y, ( int ) width, 1, z, t );
				for ( int x = 0; x < row.length; x += step )
				{
					if ( !Float.isFinite( row[ x ] ) )
						continue;
					if ( count == values.length )
						values = Arrays.copyOf( values, values.length * 2 );
					values[ count++ ] = row[ x ];
				}
			}
		}
		if ( count == 0 )
			throw new FeaturizeException( "Cannot normalize by percentiles: the sampled planes hold no finite value" );
		Arrays.sort( values, 0, count );
		return linear( quantile( values, count, lowPercentile ), quantile( values, count, highPercentile ), lowPercentile, highPercentile );
	}

	/** Linear interpolation between order statistics, as numpy's default percentile. */
	static double quantile( final float[] sorted, final int count, final double percentile )
	{
		final double pos = percentile / 100 * ( count - 1 );
		final int i = ( int ) Math.floor( pos );
		final int j = Math.min( count - 1, i + 1 );
		return sorted[ i ] + ( pos - i ) * ( ( double ) sorted[ j ] - sorted[ i ] );
	}

	/** Applies the map in place (per channel: to each channel's equal part of the values). */
	public void apply( final float[] values )
	{
		if ( channels != null )
		{
			final int n = values.length / channels.length;
			for ( int c = 0; c < channels.length; c++ )
				channels[ c ].apply( values, c * n, ( c + 1 ) * n );
			return;
		}
		apply( values, 0, values.length );
	}

	private void apply( final float[] values, final int from, final int to )
	{
		if ( method.equals( NONE ) )
			return;
		final float l = low, s = scale;
		for ( int i = from; i < to; i++ )
			values[ i ] = ( values[ i ] - l ) * s;
	}

	public String method()
	{
		return method;
	}

	/** What was used, for the output's attributes. */
	public Map< String, Object > toMap()
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		map.put( "method", method );
		if ( channels != null )
		{
			final java.util.List< Object > list = new java.util.ArrayList<>();
			for ( final Normalization c : channels )
				list.add( c.toMap() );
			map.put( "channels", list );
		}
		else if ( method.equals( PERCENTILE ) )
		{
			map.put( "low_percentile", lowPercentile );
			map.put( "high_percentile", highPercentile );
			map.put( "low", ( double ) low );
			map.put( "high", high );
		}
		return map;
	}

	@Override
	public String toString()
	{
		if ( channels != null )
			return "per channel " + Arrays.toString( channels );
		return method.equals( NONE ) ? NONE
				: String.format( Locale.ROOT, "percentile %.3g%% = %.6g .. %.3g%% = %.6g", lowPercentile, low, highPercentile, high );
	}
}
