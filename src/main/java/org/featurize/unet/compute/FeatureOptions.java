package org.featurize.unet.compute;

import org.featurize.unet.FeaturizeException;

/**
 * How features are computed: tile size, halo, cell (output chunk) size, normalization and cache size. Unset values
 * take their defaults when the image is made: tile and cell as {@link Geometry#choose} makes them for this machine
 * (a cell is the tile when only the tile is given), the halo is the model's ({@link
 * org.featurize.unet.model.ModelDescription#defaultHalo()}), normalization is {@code none}, no margin, the cache is a
 * quarter of the maximum heap.
 */
public final class FeatureOptions
{
	private int tileWidth = -1, tileHeight = -1, halo = -1, chunkWidth = -1, chunkHeight = -1, margin = 0;

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

	/** The cells of the lazy image, which are the chunks of a saved output. */
	public FeatureOptions chunk( final int width, final int height )
	{
		if ( width < 1 || height < 1 )
			throw new FeaturizeException( String.format( "Chunk size must be positive, got %d x %d", width, height ) );
		this.chunkWidth = width;
		this.chunkHeight = height;
		return this;
	}

	/** Tile, halo and chunk as {@code geometry} chose them. */
	public FeatureOptions geometry( final Geometry geometry )
	{
		return tile( geometry.tileWidth(), geometry.tileHeight() ).halo( geometry.halo() ).chunk( geometry.chunkWidth(), geometry.chunkHeight() );
	}

	public FeatureOptions halo( final int pixels )
	{
		if ( pixels < 0 )
			throw new FeaturizeException( "Halo must not be negative, got " + pixels );
		this.halo = pixels;
		return this;
	}

	/**
	 * How many pixels beyond each of a plane's edges the model sees the plane mirrored (numpy's {@code reflect}),
	 * rounded up to the model's size multiple; 0 (the default): the model's own zero padding meets the plane's edges.
	 */
	public FeatureOptions margin( final int pixels )
	{
		if ( pixels < 0 )
			throw new FeaturizeException( "Margin must not be negative, got " + pixels );
		this.margin = pixels;
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

	boolean hasChunk()
	{
		return chunkWidth > 0;
	}

	int chunkWidth()
	{
		return chunkWidth;
	}

	int chunkHeight()
	{
		return chunkHeight;
	}

	boolean hasHalo()
	{
		return halo >= 0;
	}

	int halo()
	{
		return halo;
	}

	int margin()
	{
		return margin;
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
