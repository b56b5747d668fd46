package org.featurize.unet.compute;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.model.FeatureModel;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;

/**
 * The lazily computed feature image of an input of 2, 3 or 4 dimensions. Axes are ImgLib2's and
 * ImageJ's: {@code (x, y, c)}, {@code (x, y, c, z)} or {@code (x, y, c, z, t)}, with {@code c} the model's
 * feature channels. Each cell is one output chunk of one plane with all channels (see {@link Geometry}); it is
 * computed when first touched from the compute tiles that cover it (each tile plus halo read from the input,
 * normalized, run through the model, cropped back; a tile that covers several cells is kept for its neighbours
 * in a small cache of its own) and kept in a cache bounded in bytes, from which it is evicted and recomputed as
 * needed. A cell that is exactly one tile goes from the model to its consumer without a copy. Thread-safe: a cell
 * (or a shared tile) touched by several threads at once is computed once.
 */
public final class FeatureImage implements CellFeatures
{
	private final PlaneReader< ? > reader;

	private final FeatureModel model;

	private final TileGrid tiles;

	private final Normalization normalization;

	/** The model's channels, then the extra ones. */
	private final int channels, modelChannels;

	/** Channels computed from the model's over each tile's region, after them; null for none. */
	private final ExtraChannels extra;

	private final long cacheBytes;

	private final long depth, frames;

	private final CellGrid cellGrid;

	private final LoadingCache< Long, Cell< FloatArray > > cache;

	private final LazyCellImg< FloatType, FloatArray > image;

	private final int cellWidth, cellHeight;

	private final CellOrder order;

	/** Tiles that cover parts of several cells, kept for the next of those cells; null when tiles nest in cells. */
	private final LoadingCache< Long, float[] > sharedTiles;

	FeatureImage( final PlaneReader< ? > reader, final FeatureModel model, final TileGrid tiles,
			final Normalization normalization, final long cacheBytes )
	{
		this( reader, model, tiles, tiles.tileWidth(), tiles.tileHeight(), normalization, cacheBytes );
	}

	FeatureImage( final PlaneReader< ? > reader, final FeatureModel model, final TileGrid tiles, final int cellWidth, final int cellHeight,
			final Normalization normalization, final long cacheBytes )
	{
		this( reader, model, tiles, cellWidth, cellHeight, normalization, cacheBytes, null );
	}

	private FeatureImage( final PlaneReader< ? > reader, final FeatureModel model, final TileGrid tiles, final int cellWidth, final int cellHeight,
			final Normalization normalization, final long cacheBytes, final ExtraChannels extra )
	{
		if ( extra != null && extra.channelsRead() > model.description().outputChannels() )
			throw new FeaturizeException( String.format( "The model %s gives features 0-%d; %s needs feature %d", model.description().name(),
					model.description().outputChannels() - 1, extra, extra.channelsRead() - 1 ) );
		if ( extra != null && tiles.halo() < extra.margin() )
			throw new FeaturizeException( String.format( "A halo of %d pixels is less than the %d that %s reads around each pixel: give a halo of "
					+ "at least %d", tiles.halo(), extra.margin(), extra, extra.margin() ) );
		this.extra = extra;
		this.cacheBytes = cacheBytes;
		if ( cellWidth < 1 || cellHeight < 1 )
			throw new FeaturizeException( String.format( "Chunk size must be positive, got %d x %d", cellWidth, cellHeight ) );
		if ( cacheBytes < 1 )
			throw new FeaturizeException( "Cache size must be positive, got " + cacheBytes );
		this.reader = reader;
		this.model = model;
		this.tiles = tiles;
		this.normalization = normalization;
		this.modelChannels = model.description().outputChannels();
		this.channels = modelChannels + ( extra == null ? 0 : extra.count() );
		final long[] in = reader.input().dimensionsAsLongArray();
		this.depth = in.length > 2 ? in[ 2 ] : 1;
		this.frames = in.length > 3 ? in[ 3 ] : 1;
		final long[] dims = new long[ in.length + 1 ];
		final int[] cell = new int[ in.length + 1 ];
		dims[ 0 ] = in[ 0 ];
		dims[ 1 ] = in[ 1 ];
		dims[ 2 ] = channels;
		this.cellWidth = ( int ) Math.min( cellWidth, in[ 0 ] );
		this.cellHeight = ( int ) Math.min( cellHeight, in[ 1 ] );
		cell[ 0 ] = this.cellWidth;
		cell[ 1 ] = this.cellHeight;
		cell[ 2 ] = channels;
		for ( int d = 2; d < in.length; d++ )
		{
			dims[ d + 1 ] = in[ d ];
			cell[ d + 1 ] = 1;
		}
		this.cellGrid = new CellGrid( dims, cell );
		this.cache = Caffeine.newBuilder()
				.maximumWeight( cacheBytes )
				.weigher( ( final Long key, final Cell< FloatArray > value ) -> ( int ) Math.min( Integer.MAX_VALUE, 4 * value.size() + 64 ) )
				.executor( Runnable::run ) // evict on the calling thread: the bound holds without a lag
				.build( this::loadCell );
		this.image = new LazyCellImg<>( cellGrid, new FloatType(), cache::get );
		this.order = new CellOrder( in[ 0 ], in[ 1 ], this.cellWidth, this.cellHeight, tiles.tileWidth(), tiles.tileHeight(), depth * frames );
		final boolean nested = ( this.cellWidth % tiles.tileWidth() == 0 || this.cellWidth == in[ 0 ] )
				&& ( this.cellHeight % tiles.tileHeight() == 0 || this.cellHeight == in[ 1 ] );
		final long tileBytes = 4L * channels * tiles.tileWidth() * tiles.tileHeight();
		this.sharedTiles = nested ? null : Caffeine.newBuilder()
				.maximumWeight( 4 * tileBytes + 1 )
				.weigher( ( final Long key, final float[] value ) -> ( int ) Math.min( Integer.MAX_VALUE, 4L * value.length ) )
				.executor( Runnable::run )
				.build( this::loadTile );
	}

	/**
	 * This image with {@code extra} channels after the model's (null: none), computed over each tile's region: the same
	 * input, model, tiles and cells, a cache of its own. A classifier's inputs beside the features.
	 *
	 * @throws FeaturizeException
	 *             if the tiles' halo is less than the extra channels' margin (tiles would show seams)
	 */
	public FeatureImage withExtra( final ExtraChannels extra )
	{
		return new FeatureImage( reader, model, tiles, cellWidth, cellHeight, normalization, cacheBytes, extra );
	}

	/** The extra channels after the model's, or null. */
	public ExtraChannels extra()
	{
		return extra;
	}

	/** The name of channel {@code c}: the model's feature's, or the extra channel's. */
	public String channelName( final int c )
	{
		return c < modelChannels ? model.featureName( c ) : extra.name( c - modelChannels );
	}

	/** The width of a cell (an output chunk), at most the plane's. */
	public int cellWidth()
	{
		return cellWidth;
	}

	/** The height of a cell (an output chunk), at most the plane's. */
	public int cellHeight()
	{
		return cellHeight;
	}

	/** The number of groups of cells that share tiles ({@link CellOrder}): what a worker takes at a time. */
	public long cellGroups()
	{
		return order.groups();
	}

	/** The positions {@code [from, to)}, in {@link #orderedCell} order, of group {@code g}'s cells. */
	public long[] cellGroup( final long g )
	{
		return order.group( g );
	}

	/** The cell index of the {@code i}-th cell in computing order: plane by plane, cells sharing a tile together. */
	@Override
	public long orderedCell( final long i )
	{
		return order.cell( i );
	}

	/** The lazy image, axes (x, y, c[, z[, t]]). */
	public RandomAccessibleInterval< FloatType > image()
	{
		return image;
	}

	public TileGrid tiles()
	{
		return tiles;
	}

	public FeatureModel model()
	{
		return model;
	}

	public Normalization normalization()
	{
		return normalization;
	}

	@Override
	public CellGrid cellGrid()
	{
		return cellGrid;
	}

	@Override
	public int channels()
	{
		return channels;
	}

	/** Number of 2D planes, {@code z * t}. */
	@Override
	public long planes()
	{
		return depth * frames;
	}

	@Override
	public long depth()
	{
		return depth;
	}

	public long frames()
	{
		return frames;
	}

	/** The number of cells (tiles of all planes). */
	@Override
	public long numCells()
	{
		return Arrays.stream( cellGrid.getGridDimensions() ).reduce( 1, Math::multiplyExact );
	}

	/**
	 * The features of one cell, channel-major then row-major ((c, y, x), x fastest): from the cache when
	 * present, else computed now (and not cached: a caller that sweeps the whole image, like a writer, has
	 * no use for keeping them).
	 */
	@Override
	public float[] cellData( final long index )
	{
		final Cell< FloatArray > cached = cache.getIfPresent( index );
		if ( cached != null )
			return cached.getData().getCurrentStorageArray();
		return computeCell( index );
	}

	/**
	 * The features of one cell as {@link #cellData} gives them, but kept: from the cache when present, else computed
	 * into it (within the cache's bound), so that later readers of the same cell (a classifier trained again, a
	 * viewer) find it there.
	 */
	@Override
	public float[] keptCellData( final long index )
	{
		return cache.get( index ).getData().getCurrentStorageArray();
	}

	/** The features of cell {@code index} as {@link #cellData} gives them if it is in the cache now, else null; computes nothing. */
	public float[] cachedCellData( final long index )
	{
		final Cell< FloatArray > cached = cache.getIfPresent( index );
		return cached == null ? null : cached.getData().getCurrentStorageArray();
	}

	/** Whether cell {@code index} is in the cache now; computes nothing. */
	@Override
	public boolean isCellCached( final long index )
	{
		return cache.getIfPresent( index ) != null;
	}

	/**
	 * The features of cell {@code index} interleaved, (y, x, c) with c fastest, the order of a Zarr chunk of the
	 * output: from the cache when the cell is there, else computed without entering the cache (a write touches
	 * each tile once), with the engine handing the result over in that order.
	 */
	public float[] interleavedCellData( final long index )
	{
		final float[][] out = new float[ 1 ][];
		interleavedCell( index, ( values, width, height, rowPixels, firstPixel ) -> {
			final float[] data = new float[ width * height * channels ];
			for ( int y = 0; y < height; y++ )
				values.get( ( firstPixel + y * rowPixels ) * channels, data, y * width * channels, width * channels );
			out[ 0 ] = data;
		} );
		return out[ 0 ];
	}

	/**
	 * Hands the features of cell {@code index}, interleaved (y, x, c), to {@code tile}: from the cache when the
	 * cell is there, else computed (without entering the cache) and handed over where the engine holds them, so
	 * that a writer can encode them without copying the whole result first.
	 */
	@Override
	public void interleavedCell( final long index, final InterleavedTile tile )
	{
		final Cell< FloatArray > cached = cache.getIfPresent( index );
		if ( cached != null )
		{
			final int w = ( int ) cached.dimension( 0 ), h = ( int ) cached.dimension( 1 );
			tile.accept( FloatBuffer.wrap( FeatureModel.interleave( cached.getData().getCurrentStorageArray(), channels, w * h ) ), w, h, w, 0 );
			return;
		}
		final long[] pos = gridPosition( index );
		final long[] single = singleTile( pos );
		if ( single == null ) // assembled from tiles: handed over as one copy
		{
			final int w = cellDimension( pos, 0 ), h = cellDimension( pos, 1 );
			tile.accept( FloatBuffer.wrap( FeatureModel.interleave( computeCell( index ), channels, w * h ) ), w, h, w, 0 );
			return;
		}
		final long ix = single[ 0 ], iy = single[ 1 ], z = pos.length > 3 ? pos[ 3 ] : 0, t = pos.length > 4 ? pos[ 4 ] : 0;
		final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy ), rx = tiles.regionX( ix ), ry = tiles.regionY( iy );
		final int rw = ( int ) ( rx[ 1 ] - rx[ 0 ] ), rh = ( int ) ( ry[ 1 ] - ry[ 0 ] );
		final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		final int first = ( int ) ( ( ty[ 0 ] - ry[ 0 ] ) * rw + tx[ 0 ] - rx[ 0 ] );
		final float[] input = region( ix, iy, z, t );
		final int[] missing = zeroNonFinite( input );
		model.predictInterleaved( input, rh, rw, values -> {
			if ( extra == null )
			{
				tile.accept( missing == null ? values : markMissing( values, missing, modelChannels ), tw, th, rw, first );
				return;
			}
			final int mc = modelChannels;
			// from the model's values where the input has none too (computed from 0 there), as the neighbours see them
			final float[] more = extraOfRegion( ix, iy, rw, rh, ( c, x0, y0, w, h, dest ) -> {
				for ( int y = 0; y < h; y++ )
					for ( int x = 0, i = ( ( y0 + y ) * rw + x0 ) * mc + c; x < w; x++, i += mc )
						dest[ y * w + x ] = values.get( i );
			}, missing );
			tile.accept( missing == null ? values : markMissing( values, missing, mc ), mc, more, tw, th, rw, first );
		} );
	}

	/**
	 * The extra channels of tile {@code (ix, iy)}, (c, y, x) cropped to the tile, from the model's features over the
	 * tile's region ({@code rw x rh}, read by {@code source} in the region's coordinates): computed over the part of
	 * the region inside the plane (not its mirrored padding or margin).
	 */
	private float[] extraOfRegion( final long ix, final long iy, final int rw, final int rh, final ExtraChannels.Source source,
			final int[] missing )
	{
		final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy ), rx = tiles.regionX( ix ), ry = tiles.regionY( iy );
		// the window: the region's part inside the plane, from (wx, wy) of the region
		final int wx = ( int ) Math.max( 0, -tiles.originX() - rx[ 0 ] ), wy = ( int ) Math.max( 0, -tiles.originY() - ry[ 0 ] );
		final int ww = ( int ) Math.min( rw - wx, tiles.planeWidth() - tiles.originX() - rx[ 0 ] - wx );
		final int wh = ( int ) Math.min( rh - wy, tiles.planeHeight() - tiles.originY() - ry[ 0 ] - wy );
		final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		final int ox = ( int ) ( tx[ 0 ] - rx[ 0 ] ) - wx, oy = ( int ) ( ty[ 0 ] - ry[ 0 ] ) - wy;
		final float[] out = new float[ extra.count() * tw * th ];
		final ExtraChannels.Source window = wx == 0 && wy == 0 ? source
				: ( c, x0, y0, w, h, dest ) -> source.channel( c, x0 + wx, y0 + wy, w, h, dest );
		extra.compute( window, ww, wh, ox, oy, tw, th, out );
		if ( missing != null ) // the pixels without a value have no extra channels either
			for ( final int i : missing )
			{
				final int x = i % rw - wx - ox, y = i / rw - wy - oy;
				if ( x >= 0 && y >= 0 && x < tw && y < th )
					for ( int c = 0; c < extra.count(); c++ )
						out[ ( c * th + y ) * tw + x ] = Float.NaN;
			}
		return out;
	}

	/** The position of a cell in the grid (tile x, tile y, 0[, z[, t]]). */
	public long[] gridPosition( final long index )
	{
		final long[] pos = new long[ cellGrid.numDimensions() ];
		cellGrid.getCellGridPositionFlat( index, pos );
		return pos;
	}

	/** A cell if it is in the cache, else null; computes nothing. */
	Cell< FloatArray > cachedCell( final long index )
	{
		return cache.getIfPresent( index );
	}

	/** A cell from the cache, computed into it first if needed. */
	Cell< FloatArray > loadedCell( final long index )
	{
		return cache.get( index );
	}

	private VolatileFeatures volatileFeatures;

	/**
	 * A volatile view of this image's cache, for viewers that must not wait: cells not yet computed read
	 * as invalid while {@code threads} background threads compute them. Made once, on first request.
	 */
	public synchronized VolatileFeatures volatileView( final int threads )
	{
		if ( volatileFeatures == null )
			volatileFeatures = new VolatileFeatures( this, threads );
		return volatileFeatures;
	}

	/** Drops every cached cell. */
	public void invalidateAll()
	{
		cache.invalidateAll();
		if ( sharedTiles != null )
			sharedTiles.invalidateAll();
	}

	private Cell< FloatArray > loadCell( final Long index )
	{
		final long[] pos = gridPosition( index );
		final float[] data = computeCell( index );
		final long[] min = new long[ pos.length ];
		final int[] dims = new int[ pos.length ];
		cellGrid.getCellDimensions( pos, min, dims );
		return new Cell<>( dims, min, new FloatArray( data ) );
	}

	private int cellDimension( final long[] pos, final int d )
	{
		final long min = pos[ d ] * ( d == 0 ? cellWidth : cellHeight );
		return ( int ) ( Math.min( cellGrid.imgDimension( d ), min + ( d == 0 ? cellWidth : cellHeight ) ) - min );
	}

	/** The tile {ix, iy} that is exactly the cell at grid position {@code pos}, or null when the cell is made of parts of tiles. */
	private long[] singleTile( final long[] pos )
	{
		final long x0 = pos[ 0 ] * cellWidth, y0 = pos[ 1 ] * cellHeight;
		if ( x0 % tiles.tileWidth() != 0 || y0 % tiles.tileHeight() != 0 )
			return null;
		final long ix = x0 / tiles.tileWidth(), iy = y0 / tiles.tileHeight();
		final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy );
		return tx[ 1 ] - tx[ 0 ] == cellDimension( pos, 0 ) && ty[ 1 ] - ty[ 0 ] == cellDimension( pos, 1 ) ? new long[] { ix, iy } : null;
	}

	/**
	 * Computes the features of cell {@code index}: (c, y, x) with x fastest, from the tiles that cover it (a tile that
	 * covers other cells too comes from, and stays in, the shared tiles' cache).
	 */
	public float[] computeCell( final long index )
	{
		final long[] pos = gridPosition( index );
		final long z = pos.length > 3 ? pos[ 3 ] : 0, t = pos.length > 4 ? pos[ 4 ] : 0;
		final long[] single = singleTile( pos );
		if ( single != null )
			return computeTile( single[ 0 ], single[ 1 ], z, t );
		final long x0 = pos[ 0 ] * cellWidth, y0 = pos[ 1 ] * cellHeight;
		final int w = cellDimension( pos, 0 ), h = cellDimension( pos, 1 );
		final float[] out = new float[ channels * w * h ];
		final int tw = tiles.tileWidth(), th = tiles.tileHeight();
		for ( long iy = y0 / th; iy <= ( y0 + h - 1 ) / th; iy++ )
			for ( long ix = x0 / tw; ix <= ( x0 + w - 1 ) / tw; ix++ )
			{
				final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy );
				final int tileW = ( int ) ( tx[ 1 ] - tx[ 0 ] ), tileH = ( int ) ( ty[ 1 ] - ty[ 0 ] );
				final float[] data = sharedTiles != null ? sharedTiles.get( tileKey( ix, iy, z, t ) ) : computeTile( ix, iy, z, t );
				// the part of the tile inside the cell
				final long fx = Math.max( x0, tx[ 0 ] ), tox = Math.min( x0 + w, tx[ 1 ] );
				final long fy = Math.max( y0, ty[ 0 ] ), toy = Math.min( y0 + h, ty[ 1 ] );
				final int n = ( int ) ( tox - fx );
				for ( int c = 0; c < channels; c++ )
					for ( long y = fy; y < toy; y++ )
						System.arraycopy( data, ( int ) ( ( c * tileH + ( y - ty[ 0 ] ) ) * tileW + ( fx - tx[ 0 ] ) ),
								out, ( int ) ( ( c * h + ( y - y0 ) ) * w + ( fx - x0 ) ), n );
			}
		return out;
	}

	private long tileKey( final long ix, final long iy, final long z, final long t )
	{
		return ix + tiles.tilesX() * ( iy + tiles.tilesY() * ( z + depth * t ) );
	}

	private float[] loadTile( final Long key )
	{
		final long ix = key % tiles.tilesX(), rest = key / tiles.tilesX();
		final long iy = rest % tiles.tilesY(), plane = rest / tiles.tilesY();
		return computeTile( ix, iy, plane % depth, plane / depth );
	}

	/**
	 * Computes the features of tile {@code (ix, iy)} of plane {@code (z, t)}: (c, y, x) with x fastest,
	 * cropped to the tile.
	 */
	public float[] computeTile( final long ix, final long iy, final long z, final long t )
	{
		final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy );
		final long[] rx = tiles.regionX( ix ), ry = tiles.regionY( iy );
		final int rw = ( int ) ( rx[ 1 ] - rx[ 0 ] ), rh = ( int ) ( ry[ 1 ] - ry[ 0 ] );
		final float[] input = region( ix, iy, z, t );
		final int[] missing = zeroNonFinite( input );
		final float[] features = model.predict( input, rh, rw );
		// from the model's values where the input has none too (computed from 0 there), as the neighbours see them
		final float[] more = extra == null ? null : extraOfRegion( ix, iy, rw, rh, ( c, x0, y0, w, h, dest ) -> {
			for ( int y = 0; y < h; y++ )
				System.arraycopy( features, ( c * rh + y0 + y ) * rw + x0, dest, y * w, w );
		}, missing );
		if ( missing != null )
			for ( int c = 0, pixels = rw * rh; c < modelChannels; c++ )
				for ( final int i : missing )
					features[ c * pixels + i ] = Float.NaN;
		final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		if ( tw == rw && th == rh && extra == null )
			return features;
		final int ox = ( int ) ( tx[ 0 ] - rx[ 0 ] ), oy = ( int ) ( ty[ 0 ] - ry[ 0 ] );
		final float[] out = new float[ channels * tw * th ];
		for ( int c = 0; c < modelChannels; c++ )
			for ( int y = 0; y < th; y++ )
				System.arraycopy( features, ( c * rh + oy + y ) * rw + ox, out, ( c * th + y ) * tw, tw );
		if ( more != null )
			System.arraycopy( more, 0, out, modelChannels * tw * th, more.length );
		return out;
	}

	/**
	 * The positions of the values of {@code plane} that are not finite (NaN or infinite: no data there, as outside a
	 * registered or fused field of view), each set to 0; null when all are finite. The model reads such a pixel as 0,
	 * so that it does not carry NaN into every feature within its receptive field, and the pixel's own features are
	 * then NaN ({@link #markMissing}): where the input has no value, neither have its features.
	 */
	static int[] zeroNonFinite( final float[] plane )
	{
		int n = 0;
		for ( final float v : plane )
			if ( !Float.isFinite( v ) )
				n++;
		if ( n == 0 )
			return null;
		final int[] missing = new int[ n ];
		for ( int i = 0, k = 0; k < n; i++ )
			if ( !Float.isFinite( plane[ i ] ) )
			{
				plane[ i ] = 0;
				missing[ k++ ] = i;
			}
		return missing;
	}

	/**
	 * Sets every channel of the pixels {@code missing} of interleaved features ((pixel, c), c fastest) to NaN, in
	 * {@code values} or, where that is read-only, in a copy.
	 */
	static FloatBuffer markMissing( final FloatBuffer values, final int[] missing, final int channels )
	{
		FloatBuffer out = values;
		if ( values.isReadOnly() )
		{
			final FloatBuffer all = values.duplicate();
			all.clear();
			out = FloatBuffer.allocate( all.capacity() );
			out.put( all ).clear();
		}
		for ( final int i : missing )
			for ( int c = 0; c < channels; c++ )
				out.put( i * channels + c, Float.NaN );
		return out;
	}

	/** The normalized input of a tile's region (the tile and its halo), row-major. */
	private float[] region( final long ix, final long iy, final long z, final long t )
	{
		final long[] rx = tiles.regionX( ix ), ry = tiles.regionY( iy );
		final float[] plane = reader.read( rx[ 0 ], ry[ 0 ], ( int ) ( rx[ 1 ] - rx[ 0 ] ), ( int ) ( ry[ 1 ] - ry[ 0 ] ), z, t );
		normalization.apply( plane );
		return plane;
	}
}
