package org.featurize.unet.compute;

import org.featurize.unet.FeaturizeException;

/**
 * How features are computed: tile size, halo, normalization and cache size. Unset values take their
 * defaults when the image is made: the tile is the whole plane, the halo is the model's receptive field,
 * normalization is {@code none}, the cache is a quarter of the maximum heap.
 */
public final class FeatureOptions
{
	private int tileWidth = -1, tileHeight = -1, halo = -1;

	private String normalization = Normalization.NONE;

	private double lowPercentile = Normalization.DEFAULT_LOW_PERCENTILE, highPercentile = Normalization.DEFAULT_HIGH_PERCENTILE;

	private long cacheBytes = -1;

	public static FeatureOptions defaults()
	{
		return new FeatureOptions();
	}

	/** A square tile. */
	public FeatureOptions tile( final int size )
	{
		return tile( size, size );
	}

	public FeatureOptions tile( final int width, final int height )
	{
		if ( width < 1 || height < 1 )
			throw new FeaturizeException( String.format( "Tile size must be positive, got %d x %d", width, height ) );
		this.tileWidth = width;
		this.tileHeight = height;
		return this;
	}

	public FeatureOptions halo( final int pixels )
	{
		if ( pixels < 0 )
			throw new FeaturizeException( "Halo must not be negative, got " + pixels );
		this.halo = pixels;
		return this;
	}

	public FeatureOptions normalization( final String method )
	{
		this.normalization = Normalization.checkMethod( method );
		return this;
	}

	public FeatureOptions percentiles( final double low, final double high )
	{
		this.lowPercentile = low;
		this.highPercentile = high;
		return this;
	}

	public FeatureOptions cacheBytes( final long bytes )
	{
		if ( bytes < 1 )
			throw new FeaturizeException( "Cache size must be positive, got " + bytes );
		this.cacheBytes = bytes;
		return this;
	}

	boolean hasTile()
	{
		return tileWidth > 0;
	}

	int tileWidth()
	{
		return tileWidth;
	}

	int tileHeight()
	{
		return tileHeight;
	}

	boolean hasHalo()
	{
		return halo >= 0;
	}

	int halo()
	{
		return halo;
	}

	String normalization()
	{
		return normalization;
	}

	double lowPercentile()
	{
		return lowPercentile;
	}

	double highPercentile()
	{
		return highPercentile;
	}

	long cacheBytes()
	{
		return cacheBytes > 0 ? cacheBytes : Math.max( 64L << 20, Runtime.getRuntime().maxMemory() / 4 );
	}
}
