package org.featurize.unet.compute;

import org.featurize.unet.FeaturizeException;

/**
 * The geometry of one plane cut into tiles: for each tile, the output pixels it owns and the region of the
 * (padded) plane fed to the model. The region is the tile grown by the halo, snapped outwards to the model's
 * size multiple (so that pooling grids match the whole-plane computation), and clipped to the padded plane
 * {@code [0, ceil(size / multiple) * multiple)}. The padded plane is the plane mirrored at its far edges
 * (right and bottom); a whole-plane tile therefore sees exactly what the model sees on the whole plane.
 * <p>
 * The tiles may cover a part of a larger plane (a region of the input, {@code width x height} pixels from
 * {@code (originX, originY)} of a {@code planeWidth x planeHeight} plane): then the regions are snapped and
 * clipped in the whole plane's coordinates, so that they reach outside the part where the plane has pixels, and
 * the part's features are those of the whole plane there. Tiles and regions are given relative to the part's
 * origin (a region may start before it).
 */
public final class TileGrid
{
	private final long width, height;

	private final int tileWidth, tileHeight, halo, multiple;

	private final long paddedWidth, paddedHeight;

	private final long originX, originY;

	private final long planeWidth, planeHeight;

	private final int margin;

	/** Tiles over a whole plane of {@code width x height} pixels. */
	public TileGrid( final long width, final long height, final int tileWidth, final int tileHeight, final int halo, final int multiple )
	{
		this( width, height, tileWidth, tileHeight, halo, multiple, 0, 0, width, height );
	}

	/**
	 * Tiles over the part {@code [originX, originX + width) x [originY, originY + height)} of a plane of
	 * {@code planeWidth x planeHeight} pixels, without a margin.
	 */
	public TileGrid( final long width, final long height, final int tileWidth, final int tileHeight, final int halo, final int multiple,
			final long originX, final long originY, final long planeWidth, final long planeHeight )
	{
		this( width, height, tileWidth, tileHeight, halo, multiple, originX, originY, planeWidth, planeHeight, 0 );
	}

	/**
	 * Tiles over the part {@code [originX, originX + width) x [originY, originY + height)} of a plane of
	 * {@code planeWidth x planeHeight} pixels, the plane mirrored by {@code margin} pixels beyond each of its edges
	 * (rounded up to a multiple of {@code multiple}) before the model.
	 */
	public TileGrid( final long width, final long height, final int tileWidth, final int tileHeight, final int halo, final int multiple,
			final long originX, final long originY, final long planeWidth, final long planeHeight, final int margin )
	{
		if ( width < 1 || height < 1 )
			throw new FeaturizeException( String.format( "Plane size must be positive, got %d x %d", width, height ) );
		if ( tileWidth < 1 || tileHeight < 1 )
			throw new FeaturizeException( String.format( "Tile size must be positive, got %d x %d", tileWidth, tileHeight ) );
		if ( halo < 0 )
			throw new FeaturizeException( "Halo must not be negative, got " + halo );
		if ( multiple < 1 )
			throw new FeaturizeException( "Size multiple must be positive, got " + multiple );
		if ( margin < 0 )
			throw new FeaturizeException( "Margin must not be negative, got " + margin );
		this.margin = roundedMargin( margin, multiple );
		this.width = width;
		this.height = height;
		this.tileWidth = ( int ) Math.min( tileWidth, width );
		this.tileHeight = ( int ) Math.min( tileHeight, height );
		this.halo = halo;
		this.multiple = multiple;
		if ( originX < 0 || originY < 0 || originX + width > planeWidth || originY + height > planeHeight )
			throw new FeaturizeException( String.format( "A part of %d x %d pixels from (%d, %d) does not lie in a plane of %d x %d pixels",
					width, height, originX, originY, planeWidth, planeHeight ) );
		this.originX = originX;
		this.originY = originY;
		this.planeWidth = planeWidth;
		this.planeHeight = planeHeight;
		this.paddedWidth = ceil( planeWidth, multiple );
		this.paddedHeight = ceil( planeHeight, multiple );
		final long regionW = Math.min( paddedWidth + 2L * this.margin, ceil( this.tileWidth + 2L * halo + 2L * multiple, multiple ) );
		final long regionH = Math.min( paddedHeight + 2L * this.margin, ceil( this.tileHeight + 2L * halo + 2L * multiple, multiple ) );
		if ( regionW * regionH > Integer.MAX_VALUE / 64 )
			throw new FeaturizeException( String.format(
					"A %d x %d tile with halo %d needs a %d x %d model input, too large for one forward pass: choose a smaller tile",
					this.tileWidth, this.tileHeight, halo, regionW, regionH ) );
	}

	/** A margin as the model sees it: rounded up to the size multiple, so that the pooling grids stay where they are. */
	static int roundedMargin( final int margin, final int multiple )
	{
		return ( int ) ceil( margin, multiple );
	}

	private static long ceil( final long value, final long multiple )
	{
		return ( value + multiple - 1 ) / multiple * multiple;
	}

	private static long floor( final long value, final long multiple )
	{
		return Math.floorDiv( value, multiple ) * multiple;
	}

	public long width()
	{
		return width;
	}

	public long height()
	{
		return height;
	}

	public int tileWidth()
	{
		return tileWidth;
	}

	public int tileHeight()
	{
		return tileHeight;
	}

	/** Where the tiles' part starts in the whole plane (0 for a whole plane). */
	public long originX()
	{
		return originX;
	}

	public long originY()
	{
		return originY;
	}

	/** The width of the whole plane whose part the tiles cover. */
	public long planeWidth()
	{
		return planeWidth;
	}

	public long planeHeight()
	{
		return planeHeight;
	}

	public int halo()
	{
		return halo;
	}

	public int multiple()
	{
		return multiple;
	}

	/** How far beyond each of the whole plane's edges the model sees the plane mirrored: a multiple of {@link #multiple()}. */
	public int margin()
	{
		return margin;
	}

	public long tilesX()
	{
		return ( width + tileWidth - 1 ) / tileWidth;
	}

	public long tilesY()
	{
		return ( height + tileHeight - 1 ) / tileHeight;
	}

	/** The tile's output interval along one axis: {min, max exclusive}. */
	public long[] tileX( final long ix )
	{
		return span( ix, tileWidth, width );
	}

	public long[] tileY( final long iy )
	{
		return span( iy, tileHeight, height );
	}

	/**
	 * The model's input interval along x for tile {@code ix}: {min, max exclusive}, relative to the origin; both
	 * multiples of the size multiple in the whole plane's coordinates, and within the margin of the plane's edges.
	 */
	public long[] regionX( final long ix )
	{
		return region( tileX( ix ), originX, paddedWidth );
	}

	public long[] regionY( final long iy )
	{
		return region( tileY( iy ), originY, paddedHeight );
	}

	private static long[] span( final long i, final int tile, final long size )
	{
		final long min = i * tile;
		if ( i < 0 || min >= size )
			throw new IndexOutOfBoundsException( "Tile " + i + " outside a plane of " + size + " pixels" );
		return new long[] { min, Math.min( size, min + tile ) };
	}

	private long[] region( final long[] tile, final long origin, final long padded )
	{
		return new long[] {
				Math.max( -margin, floor( origin + tile[ 0 ] - halo, multiple ) ) - origin,
				Math.min( padded + margin, ceil( origin + tile[ 1 ] + halo, multiple ) ) - origin };
	}
}
