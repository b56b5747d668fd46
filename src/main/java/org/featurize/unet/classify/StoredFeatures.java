package org.featurize.unet.classify;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.compute.ExtraChannels;
import org.featurize.unet.ome.OmeInput;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;

import net.imglib2.img.cell.CellGrid;

/**
 * Features that {@code bin/featurize} (or another tool) wrote before, read from their Zarr cell by cell instead of
 * computed: the seed layout {@code ([t,] [z,] y, x, c)} at the array's root, or the OME layout (a group whose
 * {@code multiscales} level 0 is {@code ([t,] c, [z,] y, x)}), float32 or float16 (read as float). A cell is one chunk's
 * area of one plane with every channel (the chunk's y and x sides), read when asked for and not kept. The run record
 * ({@code featurize} attribute) names the model, its SHA-256, the normalization, the tile and halo; a Zarr without
 * one (written by another tool) has none, and its fit is the caller's word.
 */
public final class StoredFeatures implements CellFeatures
{
	private final Path path;

	private final ZarrArray array;

	/** The channel axis in Zarr order; the others are ([t,] [z,] y, x). */
	private final int channelAxis;

	/** Zarr order, without the channel axis. */
	private final long[] shape;

	/** The stored channels, then the extra ones. */
	private final int channels, storedChannels;

	/** Channels computed from the stored ones, after them; null for none. */
	private final ExtraChannels extra;

	private final long depth, frames;

	private final CellGrid grid;

	private final FeaturesRecord record;

	private StoredFeatures( final Path path, final ZarrArray array, final int channelAxis, final FeaturesRecord record )
	{
		this( path, array, channelAxis, record, null );
	}

	private StoredFeatures( final Path path, final ZarrArray array, final int channelAxis, final FeaturesRecord record, final ExtraChannels extra )
	{
		this.extra = extra;
		this.path = path;
		this.array = array;
		this.channelAxis = channelAxis;
		this.record = record;
		final long[] all = array.shape();
		final int[] chunks = array.chunkShape();
		if ( all.length < 3 || all.length > 5 )
			throw new FeaturesException( String.format( "Features %s have %d axes %s; expected ([t,] [z,] y, x, features) as bin/featurize writes them",
					path, all.length, Arrays.toString( all ) ) );
		if ( array.dataType() != DataType.FLOAT32 && array.dataType() != DataType.FLOAT16 )
			throw new FeaturesException( String.format( "Features %s are %s; expected float32 or float16", path, array.dataType() ) );
		this.storedChannels = ( int ) all[ channelAxis ];
		this.channels = storedChannels + ( extra == null ? 0 : extra.count() );
		if ( extra != null && extra.channelsRead() > storedChannels )
			throw new FeaturesException( String.format( "Features %s have %d features; %s needs feature %d", path, storedChannels, extra,
					extra.channelsRead() - 1 ) );
		this.shape = new long[ all.length - 1 ];
		final int[] cell = new int[ all.length - 1 ];
		for ( int d = 0, e = 0; d < all.length; d++ )
			if ( d != channelAxis )
			{
				shape[ e ] = all[ d ];
				cell[ e++ ] = chunks[ d ];
			}
		final int n = shape.length;
		this.depth = n > 2 ? shape[ n - 3 ] : 1;
		this.frames = n > 3 ? shape[ 0 ] : 1;
		final long[] dims = new long[ n + 1 ];
		final int[] cellDims = new int[ n + 1 ];
		dims[ 0 ] = shape[ n - 1 ];
		dims[ 1 ] = shape[ n - 2 ];
		dims[ 2 ] = channels;
		cellDims[ 0 ] = ( int ) Math.min( cell[ n - 1 ], dims[ 0 ] );
		cellDims[ 1 ] = ( int ) Math.min( cell[ n - 2 ], dims[ 1 ] );
		cellDims[ 2 ] = channels;
		for ( int d = 3; d <= n; d++ )
		{
			dims[ d ] = shape[ n - d ];
			cellDims[ d ] = 1;
		}
		this.grid = new CellGrid( dims, cellDims );
	}

	/**
	 * The features at {@code path}: an OME-Zarr image (its level 0, the channel axis being the features), else the
	 * array at the root with the features last.
	 */
	public static StoredFeatures open( final Path path )
	{
		if ( !Files.exists( path ) )
			throw new FeaturesException( "Features " + path + " do not exist" );
		final OmeInput ome = OmeInput.probe( path, "" );
		if ( ome != null )
		{
			if ( ome.channelAxis() < 0 )
				throw new FeaturesException( "Features " + path + " are an OME-Zarr image without a channel axis; the features are its channels" );
			return new StoredFeatures( path, ome.array(), ome.channelAxis(), FeaturesRecord.of( ZarrGroup.open( path, "" ).attributes() ) );
		}
		final ZarrArray array = ZarrArray.open( path, "" );
		return new StoredFeatures( path, array, array.shape().length - 1, FeaturesRecord.of( array.attributes() ) );
	}

	/**
	 * These features with {@code extra} channels after the stored ones (null: none), computed from the stored ones in
	 * a margin around each cell read with it (the plane's edges as the extra channels treat them).
	 */
	public StoredFeatures withExtra( final ExtraChannels extra )
	{
		return new StoredFeatures( path, array, channelAxis, record, extra );
	}

	/** The extra channels after the stored ones, or null. */
	public ExtraChannels extra()
	{
		return extra;
	}

	public Path path()
	{
		return path;
	}

	/** The run record of {@code bin/featurize}; {@link FeaturesRecord#exists()} is false for another tool's Zarr. */
	public FeaturesRecord record()
	{
		return record;
	}

	/** The shape of the features' image, NumPy order ([t,] [z,] y, x): the channel axis left out. */
	public long[] shape()
	{
		return shape.clone();
	}

	public DataType dataType()
	{
		return array.dataType();
	}

	@Override
	public int channels()
	{
		return channels;
	}

	@Override
	public CellGrid cellGrid()
	{
		return grid;
	}

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

	@Override
	public long numCells()
	{
		return Arrays.stream( grid.getGridDimensions() ).reduce( 1, Math::multiplyExact );
	}

	/** The cells in their own order: plane by plane, row by row. */
	@Override
	public long orderedCell( final long i )
	{
		return i;
	}

	@Override
	public float[] cellData( final long index )
	{
		final int[] size = new int[ 2 ];
		final float[] data = read( index, size );
		final float[] stored = channelAxis != shape.length ? data : planar( data, storedChannels, size[ 0 ] * size[ 1 ] );
		if ( extra == null )
			return stored;
		final float[] all = Arrays.copyOf( stored, channels * size[ 0 ] * size[ 1 ] );
		final float[] more = extraOf( index );
		System.arraycopy( more, 0, all, stored.length, more.length );
		return all;
	}

	/** Reads the cell again: stored features are not kept. */
	@Override
	public float[] keptCellData( final long index )
	{
		return cellData( index );
	}

	@Override
	public boolean isCellCached( final long index )
	{
		return false;
	}

	@Override
	public void interleavedCell( final long index, final InterleavedTile tile )
	{
		final int[] size = new int[ 2 ];
		final float[] data = read( index, size );
		final int w = size[ 0 ], h = size[ 1 ];
		final FloatBuffer values = FloatBuffer.wrap( channelAxis != shape.length ? interleaved( data, storedChannels, w * h ) : data );
		if ( extra == null )
			tile.accept( values, w, h, w, 0 );
		else
			tile.accept( values, storedChannels, extraOf( index ), w, h, w, 0 );
	}

	/** The cell's values in Zarr order; {@code size} receives its width and height. */
	private float[] read( final long index, final int[] size )
	{
		final int n = grid.numDimensions();
		final long[] pos = new long[ n ], min = new long[ n ];
		final int[] dims = new int[ n ];
		grid.getCellGridPositionFlat( index, pos );
		grid.getCellDimensions( pos, min, dims );
		size[ 0 ] = dims[ 0 ];
		size[ 1 ] = dims[ 1 ];
		return read( min, dims, 0, storedChannels );
	}

	/**
	 * The extra channels of cell {@code index}, (c, y, x): from the stored features of the cell grown by the extra
	 * channels' margin (within the plane), whose edges inside the plane lie beyond what the cell's channels read.
	 */
	private float[] extraOf( final long index )
	{
		final int n = grid.numDimensions();
		final long[] pos = new long[ n ], min = new long[ n ];
		final int[] dims = new int[ n ];
		grid.getCellGridPositionFlat( index, pos );
		grid.getCellDimensions( pos, min, dims );
		final int m = extra.margin();
		final long[] gmin = min.clone();
		final int[] gdims = dims.clone();
		for ( int d = 0; d < 2; d++ )
		{
			gmin[ d ] = Math.max( 0, min[ d ] - m );
			gdims[ d ] = ( int ) ( Math.min( grid.imgDimension( d ), min[ d ] + dims[ d ] + m ) - gmin[ d ] );
		}
		final int gw = gdims[ 0 ], gh = gdims[ 1 ];
		final float[] out = new float[ extra.count() * dims[ 0 ] * dims[ 1 ] ];
		final float[][] read = new float[ extra.channelsRead() ][]; // each channel of the grown cell read once, (y, x)
		extra.compute( ( c, x0, y0, w, h, dest ) -> {
			if ( read[ c ] == null )
				read[ c ] = read( gmin, gdims, c, 1 );
			final float[] one = read[ c ];
			for ( int y = 0; y < h; y++ )
				System.arraycopy( one, ( y0 + y ) * gw + x0, dest, y * w, w );
		}, gw, gh, ( int ) ( min[ 0 ] - gmin[ 0 ] ), ( int ) ( min[ 1 ] - gmin[ 1 ] ), dims[ 0 ], dims[ 1 ], out );
		return out;
	}

	/**
	 * Channels {@code [c0, c0 + nc)} of the area of one plane at {@code min} of size {@code dims} (ImgLib2's (x, y, c[,
	 * z[, t]]), the channel entries ignored), in Zarr order.
	 */
	private float[] read( final long[] min, final int[] dims, final int c0, final int nc )
	{
		final int n = grid.numDimensions();
		final int rank = shape.length + 1;
		final long[] zmin = new long[ rank ];
		final int[] zsize = new int[ rank ];
		// ImgLib2 (x, y, c, z, t) to Zarr (t, z, y, x) with the channel axis where it is stored
		final long[] spatialMin = new long[ shape.length ];
		final int[] spatialSize = new int[ shape.length ];
		spatialMin[ shape.length - 1 ] = min[ 0 ];
		spatialSize[ shape.length - 1 ] = dims[ 0 ];
		spatialMin[ shape.length - 2 ] = min[ 1 ];
		spatialSize[ shape.length - 2 ] = dims[ 1 ];
		for ( int d = 3; d < n; d++ )
		{
			spatialMin[ shape.length - d ] = min[ d ];
			spatialSize[ shape.length - d ] = 1;
		}
		for ( int d = 0, e = 0; d < rank; d++ )
			if ( d == channelAxis )
			{
				zmin[ d ] = c0;
				zsize[ d ] = nc;
			}
			else
			{
				zmin[ d ] = spatialMin[ e ];
				zsize[ d ] = spatialSize[ e++ ];
			}
		return ( float[] ) array.readRegion( zmin, zsize );
	}

	private static float[] planar( final float[] interleaved, final int channels, final int pixels )
	{
		final float[] out = new float[ interleaved.length ];
		for ( int p = 0; p < pixels; p++ )
			for ( int c = 0; c < channels; c++ )
				out[ c * pixels + p ] = interleaved[ p * channels + c ];
		return out;
	}

	private static float[] interleaved( final float[] planar, final int channels, final int pixels )
	{
		final float[] out = new float[ planar.length ];
		for ( int c = 0; c < channels; c++ )
			for ( int p = 0; p < pixels; p++ )
				out[ p * channels + c ] = planar[ c * pixels + p ];
		return out;
	}

	@Override
	public String toString()
	{
		return path + " (" + Arrays.toString( array.shape() ) + " " + array.dataType() + ( record.exists() ? "" : ", no run record" ) + ")";
	}

	/** Refuses an unfinished run of {@code bin/featurize} (its missing chunks would read as zeros). */
	public StoredFeatures checkComplete()
	{
		record.checkComplete( path );
		return this;
	}

	/** Refuses features of another shape than the input's ([t,] [z,] y, x). */
	public void checkShape( final long[] inputShape, final Path input )
	{
		if ( !Arrays.equals( shape, inputShape ) )
			throw new FeaturesException( String.format( "Features %s are of shape %s (features %d); the input %s is of shape %s: give the features of "
					+ "that input", path, Arrays.toString( shape ), storedChannels, input, Arrays.toString( inputShape ) ) );
	}

	/**
	 * Refuses stored features that {@code classifier} cannot classify: another number of features; where the features
	 * have a run record, another model (SHA-256) or another normalization (method, and percentiles) than the
	 * classifier was trained on.
	 */
	public void check( final PixelClassifier classifier, final Path file )
	{
		final int takes = classifier.forest().features();
		if ( takes != channels )
			throw new FeaturesException( String.format( "Classifier %s takes %d features per pixel; features %s have %d%s", file, takes, path,
					storedChannels, extra == null ? "" : " and " + extra.count() + " computed from them" ) );
		record.check( classifier, file, path );
	}
}
