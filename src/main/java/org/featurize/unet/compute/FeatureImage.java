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
 * feature channels. Each cell is one tile of one plane with all channels; it is computed when first touched
 * (the tile plus halo, read from the input, normalized, run through the model, cropped back) and kept in a
 * cache bounded in bytes, from which it is evicted and recomputed as needed. Thread-safe: a cell touched by
 * several threads at once is computed once.
 */
public final class FeatureImage
{
	private final PlaneReader< ? > reader;

	private final FeatureModel model;

	private final TileGrid tiles;

	private final Normalization normalization;

	private final int channels;

	private final long depth, frames;

	private final CellGrid cellGrid;

	private final LoadingCache< Long, Cell< FloatArray > > cache;

	private final LazyCellImg< FloatType, FloatArray > image;

	FeatureImage( final PlaneReader< ? > reader, final FeatureModel model, final TileGrid tiles,
			final Normalization normalization, final long cacheBytes )
	{
		if ( cacheBytes < 1 )
			throw new FeaturizeException( "Cache size must be positive, got " + cacheBytes );
		this.reader = reader;
		this.model = model;
		this.tiles = tiles;
		this.normalization = normalization;
		this.channels = model.description().outputChannels();
		final long[] in = reader.input().dimensionsAsLongArray();
		this.depth = in.length > 2 ? in[ 2 ] : 1;
		this.frames = in.length > 3 ? in[ 3 ] : 1;
		final long[] dims = new long[ in.length + 1 ];
		final int[] cell = new int[ in.length + 1 ];
		dims[ 0 ] = in[ 0 ];
		dims[ 1 ] = in[ 1 ];
		dims[ 2 ] = channels;
		cell[ 0 ] = tiles.tileWidth();
		cell[ 1 ] = tiles.tileHeight();
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

	public CellGrid cellGrid()
	{
		return cellGrid;
	}

	public int channels()
	{
		return channels;
	}

	/** Number of 2D planes, {@code z * t}. */
	public long planes()
	{
		return depth * frames;
	}

	public long depth()
	{
		return depth;
	}

	public long frames()
	{
		return frames;
	}

	/** The number of cells (tiles of all planes). */
	public long numCells()
	{
		return Arrays.stream( cellGrid.getGridDimensions() ).reduce( 1, Math::multiplyExact );
	}

	/**
	 * The features of one cell, channel-major then row-major ((c, y, x), x fastest): from the cache when
	 * present, else computed now (and not cached: a caller that sweeps the whole image, like a writer, has
	 * no use for keeping them).
	 */
	public float[] cellData( final long index )
	{
		final Cell< FloatArray > cached = cache.getIfPresent( index );
		if ( cached != null )
			return cached.getData().getCurrentStorageArray();
		final long[] pos = gridPosition( index );
		return computeTile( pos[ 0 ], pos[ 1 ], pos.length > 3 ? pos[ 3 ] : 0, pos.length > 4 ? pos[ 4 ] : 0 );
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

	/** Receives a tile's features where they lie; see {@link FeatureImage#interleavedCell}. */
	@FunctionalInterface
	public interface InterleavedTile
	{
		/**
		 * @param values
		 *            (pixel, c) with c fastest: pixel {@code (x, y)} of the tile starts at value
		 *            {@code (firstPixel + y * rowPixels + x) * channels}; valid only during this call
		 * @param width
		 *            the tile's width
		 * @param height
		 *            the tile's height
		 * @param rowPixels
		 *            pixels from one row of the tile to the next (the region's width when the halo is in the values)
		 * @param firstPixel
		 *            the pixel of the tile's first value
		 */
		void accept( FloatBuffer values, int width, int height, int rowPixels, int firstPixel );
	}

	/**
	 * Hands the features of cell {@code index}, interleaved (y, x, c), to {@code tile}: from the cache when the
	 * cell is there, else computed (without entering the cache) and handed over where the engine holds them, so
	 * that a writer can encode them without copying the whole result first.
	 */
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
		final long ix = pos[ 0 ], iy = pos[ 1 ], z = pos.length > 3 ? pos[ 3 ] : 0, t = pos.length > 4 ? pos[ 4 ] : 0;
		final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy ), rx = tiles.regionX( ix ), ry = tiles.regionY( iy );
		final int rw = ( int ) ( rx[ 1 ] - rx[ 0 ] ), rh = ( int ) ( ry[ 1 ] - ry[ 0 ] );
		final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		final int first = ( int ) ( ( ty[ 0 ] - ry[ 0 ] ) * rw + tx[ 0 ] - rx[ 0 ] );
		model.predictInterleaved( region( ix, iy, z, t ), rh, rw, values -> tile.accept( values, tw, th, rw, first ) );
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
	}

	private Cell< FloatArray > loadCell( final Long index )
	{
		final long[] pos = gridPosition( index );
		final float[] data = computeTile( pos[ 0 ], pos[ 1 ], pos.length > 3 ? pos[ 3 ] : 0, pos.length > 4 ? pos[ 4 ] : 0 );
		final long[] min = new long[ pos.length ];
		final int[] dims = new int[ pos.length ];
		cellGrid.getCellDimensions( pos, min, dims );
		return new Cell<>( dims, min, new FloatArray( data ) );
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
		final float[] features = model.predict( region( ix, iy, z, t ), rh, rw );
		final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		if ( tw == rw && th == rh )
			return features;
		final int ox = ( int ) ( tx[ 0 ] - rx[ 0 ] ), oy = ( int ) ( ty[ 0 ] - ry[ 0 ] );
		final float[] out = new float[ channels * tw * th ];
		for ( int c = 0; c < channels; c++ )
			for ( int y = 0; y < th; y++ )
				System.arraycopy( features, ( c * rh + oy + y ) * rw + ox, out, ( c * th + y ) * tw, tw );
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
