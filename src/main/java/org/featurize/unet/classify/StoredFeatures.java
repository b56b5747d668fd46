package org.featurize.unet.classify;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.io.FeatureOutput;
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

	private final int channels;

	private final long depth, frames;

	private final CellGrid grid;

	private final Map< String, Object > record;

	private StoredFeatures( final Path path, final ZarrArray array, final int channelAxis, final Map< String, Object > record )
	{
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
		this.channels = ( int ) all[ channelAxis ];
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
			return new StoredFeatures( path, ome.array(), ome.channelAxis(), record( ZarrGroup.open( path, "" ).attributes() ) );
		}
		final ZarrArray array = ZarrArray.open( path, "" );
		return new StoredFeatures( path, array, array.shape().length - 1, record( array.attributes() ) );
	}

	@SuppressWarnings( "unchecked" )
	private static Map< String, Object > record( final Map< String, Object > attributes )
	{
		final Object r = attributes == null ? null : attributes.get( FeatureOutput.KEY );
		return r instanceof Map ? ( Map< String, Object > ) r : null;
	}

	public Path path()
	{
		return path;
	}

	/** The run record of {@code bin/featurize} ({@code parameters}, {@code model}, {@code complete}...), or null. */
	public Map< String, Object > record()
	{
		return record;
	}

	/** The record's parameters, or an empty map. */
	@SuppressWarnings( "unchecked" )
	public Map< String, Object > parameters()
	{
		return record != null && record.get( "parameters" ) instanceof Map ? ( Map< String, Object > ) record.get( "parameters" ) : Map.of();
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
		return channelAxis != shape.length ? data : planar( data, channels, size[ 0 ] * size[ 1 ] );
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
		tile.accept( FloatBuffer.wrap( channelAxis != shape.length ? interleaved( data, channels, w * h ) : data ), w, h, w, 0 );
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
				zsize[ d ] = channels;
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
		return path + " (" + Arrays.toString( array.shape() ) + " " + array.dataType() + ( record == null ? ", no run record" : "" ) + ")";
	}

	/** Refuses an unfinished run of {@code bin/featurize} (its missing chunks would read as zeros). */
	public StoredFeatures checkComplete()
	{
		if ( record != null && !Boolean.TRUE.equals( record.get( "complete" ) ) )
			throw new FeaturesException( "Features " + path + " are an unfinished bin/featurize run (its record says \"complete\": "
					+ record.get( "complete" ) + "): run bin/featurize again to finish them" );
		return this;
	}

	/** Refuses features of another shape than the input's ([t,] [z,] y, x). */
	public void checkShape( final long[] inputShape, final Path input )
	{
		if ( !Arrays.equals( shape, inputShape ) )
			throw new FeaturesException( String.format( "Features %s are of shape %s (features %d); the input %s is of shape %s: give the features of "
					+ "that input", path, Arrays.toString( shape ), channels, input, Arrays.toString( inputShape ) ) );
	}

	/**
	 * Refuses stored features that {@code classifier} cannot classify: another number of features; where the features
	 * have a run record, another model (SHA-256) or another normalization (method, and percentiles) than the
	 * classifier was trained on.
	 */
	public static void check( final StoredFeatures stored, final PixelClassifier classifier, final Path file )
	{
		final int takes = classifier.forest().features();
		if ( takes != stored.channels() )
			throw new FeaturesException( String.format( "Classifier %s takes %d features per pixel; features %s have %d", file, takes, stored.path(),
					stored.channels() ) );
		if ( stored.record() == null )
			return;
		final Map< String, Object > f = classifier.features();
		if ( !String.valueOf( stored.modelSha256() ).equals( String.valueOf( f.get( "model_sha256" ) ) ) )
			throw new FeaturesException( String.format( "Classifier %s was trained on the features of model %s (sha256 %s); features %s are of "
					+ "model %s (sha256 %s): give features of that model, or train again", file, f.get( "model" ), f.get( "model_sha256" ),
					stored.path(), stored.modelName(), stored.modelSha256() ) );
		final String method = f.get( "normalization" ) == null ? null : String.valueOf( f.get( "normalization" ) );
		final List< Double > percentiles = PERCENTILE.equals( method ) ? numbers( f.get( "percentiles" ) ) : null;
		if ( !String.valueOf( method ).equals( String.valueOf( stored.normalizationMethod() ) )
				|| PERCENTILE.equals( method ) && !String.valueOf( percentiles ).equals( String.valueOf( stored.percentiles() ) ) )
			throw new FeaturesException( String.format( "Classifier %s was trained on features normalized by %s; features %s are normalized by %s: "
					+ "give features of that normalization, or train again", file, describe( method, percentiles ), stored.path(),
					describe( stored.normalizationMethod(), stored.percentiles() ) ) );
	}

	private static final String PERCENTILE = "percentile";

	private static String describe( final String method, final List< Double > percentiles )
	{
		return percentiles == null ? String.valueOf( method ) : method + " " + percentiles.get( 0 ) + ".." + percentiles.get( 1 );
	}

	private static List< Double > numbers( final Object list )
	{
		if ( !( list instanceof List ) )
			return null;
		return ( ( List< ? > ) list ).stream().map( v -> ( ( Number ) v ).doubleValue() ).toList();
	}

	/** The model's SHA-256 that the record names, or null. */
	public String modelSha256()
	{
		final Object sha = parameters().get( "model_sha256" );
		return sha == null ? null : sha.toString();
	}

	/** The model's name that the record gives, else its file's name; null without a record. */
	public String modelName()
	{
		if ( record == null )
			return null;
		if ( record.get( "model_description" ) instanceof Map && ( ( Map< ?, ? > ) record.get( "model_description" ) ).get( "name" ) != null )
			return String.valueOf( ( ( Map< ?, ? > ) record.get( "model_description" ) ).get( "name" ) );
		return record.get( "model" ) == null ? null : Path.of( String.valueOf( record.get( "model" ) ) ).getFileName().toString();
	}

	/** The record's normalization ({@code method}, and the percentiles' values), or null. */
	@SuppressWarnings( "unchecked" )
	public Map< String, Object > normalization()
	{
		return parameters().get( "normalization" ) instanceof Map ? ( Map< String, Object > ) parameters().get( "normalization" ) : null;
	}

	/** The normalization method the record names ("none", "percentile"), or null. */
	public String normalizationMethod()
	{
		final Map< String, Object > n = normalization();
		return n == null || n.get( "method" ) == null ? null : String.valueOf( n.get( "method" ) );
	}

	/** The record's percentiles (low, high), or null (no percentile normalization, or no record). */
	public List< Double > percentiles()
	{
		final Map< String, Object > n = normalization();
		if ( n == null || !( n.get( "low_percentile" ) instanceof Number ) || !( n.get( "high_percentile" ) instanceof Number ) )
			return null;
		return List.of( ( ( Number ) n.get( "low_percentile" ) ).doubleValue(), ( ( Number ) n.get( "high_percentile" ) ).doubleValue() );
	}

	/** The record's tile (height, width), or null. */
	public int[] tile()
	{
		final Object t = parameters().get( "tile" );
		if ( !( t instanceof List ) || ( ( List< ? > ) t ).size() != 2 )
			return null;
		final List< ? > l = ( List< ? > ) t;
		return new int[] { ( ( Number ) l.get( 0 ) ).intValue(), ( ( Number ) l.get( 1 ) ).intValue() };
	}

	/** The record's halo, or null. */
	public Integer halo()
	{
		return parameters().get( "halo" ) instanceof Number ? ( ( Number ) parameters().get( "halo" ) ).intValue() : null;
	}
}
