package org.featurize.unet.classify;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.zarr.DataType;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A pixel classifier applied to a lazy feature image: a lazy label image {@code (x, y[, z[, t]])} holding each
 * pixel's class value, and lazy class probabilities {@code (x, y, class[, z[, t]])}. Nothing is computed until a
 * cell is looked at or written. The cells a viewer looks at keep their features in the feature image's cache, so a
 * classifier trained again on the same features recomputes only the forest there; a writer's sweep computes each
 * cell's features without keeping them. The cells are the feature image's cells (the output chunks).
 */
public final class Classification
{
	private final CellFeatures features;

	private final PixelClassifier classifier;

	private final DataType type;

	private final CellGrid grid, probabilityGrid;

	private final LoadingCache< Long, int[] > classes;

	private final long[] dims;

	/** Whether the label image's cells take their features through the feature image's cache, keeping them there. */
	private final boolean keepFeatures;

	/** Threads that walk the forest over one cell's rows (see {@link #forestThreads(int)}). */
	private volatile int forestThreads = 1;

	/**
	 * @param type
	 *            the label values' type: an unsigned integer type that holds every class value
	 * @param cacheBytes
	 *            the bound of the class cells kept for viewers
	 */
	public Classification( final CellFeatures features, final PixelClassifier classifier, final DataType type, final long cacheBytes )
	{
		this( features, classifier, type, cacheBytes, false );
	}

	/**
	 * As {@link #Classification(CellFeatures, PixelClassifier, DataType, long)}; with {@code keepFeatures} the label
	 * image's cells keep their features in the feature image's cache (within its bound), so that another classifier
	 * over the same features (trained again on more labels) computes only its forest where a viewer looked before.
	 */
	public Classification( final CellFeatures features, final PixelClassifier classifier, final DataType type, final long cacheBytes,
			final boolean keepFeatures )
	{
		this.keepFeatures = keepFeatures;
		if ( classifier.forest().features() != features.channels() )
			throw new LabelException( String.format( "The classifier takes %d features per pixel; the features have %d",
					classifier.forest().features(), features.channels() ) );
		checkType( type, classifier.values() );
		this.features = features;
		this.classifier = classifier;
		this.type = type;
		final CellGrid f = features.cellGrid();
		final long[] fd = f.getImgDimensions();
		final int[] fc = new int[ fd.length ];
		f.cellDimensions( fc );
		dims = new long[ fd.length - 1 ];
		final int[] cell = new int[ fd.length - 1 ];
		for ( int d = 0, e = 0; d < fd.length; d++ )
			if ( d != 2 )
			{
				dims[ e ] = fd[ d ];
				cell[ e++ ] = fc[ d ];
			}
		this.grid = new CellGrid( dims, cell );
		final long[] pd = fd.clone();
		final int[] pc = fc.clone();
		pd[ 2 ] = pc[ 2 ] = classifier.classes();
		this.probabilityGrid = new CellGrid( pd, pc );
		this.classes = Caffeine.newBuilder()
				.maximumWeight( Math.max( 1, cacheBytes ) )
				.weigher( ( final Long k, final int[] v ) -> 4 * v.length + 64 )
				.executor( Runnable::run )
				.build( this::computeClasses );
	}

	/** Checks that {@code type} is an unsigned integer type that holds every class value. */
	public static void checkType( final DataType type, final long[] values )
	{
		final long max = Arrays.stream( values ).max().orElse( 0 );
		final long limit;
		switch ( type )
		{
		case UINT8:
			limit = 0xff;
			break;
		case UINT16:
			limit = 0xffff;
			break;
		case UINT32:
			limit = 0xffffffffL;
			break;
		default:
			throw new LabelException( "Labels are written as uint8, uint16 or uint32; got " + type );
		}
		if ( max > limit )
			throw new LabelException( String.format( "Class value %d does not fit the output type %s (at most %d)", max, type, limit ) );
	}

	/** The smallest unsigned integer type that holds the class values. */
	public static DataType smallestType( final long[] values )
	{
		final long max = Arrays.stream( values ).max().orElse( 0 );
		return max <= 0xff ? DataType.UINT8 : max <= 0xffff ? DataType.UINT16 : DataType.UINT32;
	}

	public CellFeatures features()
	{
		return features;
	}

	public PixelClassifier classifier()
	{
		return classifier;
	}

	public DataType type()
	{
		return type;
	}

	/** The cells of the label image: the feature image's, without the channel axis. */
	public CellGrid cellGrid()
	{
		return grid;
	}

	/**
	 * Walks the forest over each cell computed by {@link #computeCell} with up to {@code threads} threads (the
	 * caller and the common fork-join pool): for a writer whose worker's forward passes use that many cores, which
	 * would otherwise wait while one walks the forest. The labels are the same whatever the number.
	 */
	public Classification forestThreads( final int threads )
	{
		if ( threads < 1 )
			throw new IllegalArgumentException( "Forest threads must be at least 1, got " + threads );
		forestThreads = threads;
		return this;
	}

	/** The class indices of a cell's pixels (row-major), from the cache or computed now. */
	public int[] cellClasses( final long index )
	{
		final int[] cached = classes.getIfPresent( index );
		return cached != null ? cached : computeClasses( index );
	}

	/** A cell's classes for viewers: its features kept in the feature image's cache, for a classifier trained again. */
	private int[] computeClasses( final Long index )
	{
		final float[] data = keepFeatures ? features.keptCellData( index ) : features.cellData( index );
		final int n = data.length / features.channels();
		final int[] out = new int[ n ];
		classifier.forest().classify( data, n, out, null );
		return out;
	}

	/**
	 * A cell's class indices and probabilities ({@code pixel * classes + class}), computed now: its features are
	 * classified where the model hands them over (interleaved, no copy of the cell), and not kept.
	 */
	public int[] computeCell( final long index, final float[] probabilities )
	{
		final int[][] out = new int[ 1 ][];
		features.interleavedCell( index, new CellFeatures.InterleavedTile()
		{
			@Override
			public void accept( final FloatBuffer values, final int width, final int height, final int rowPixels, final int firstPixel )
			{
				out[ 0 ] = new int[ width * height ];
				classifier.forest().classifyInterleaved( values, width, height, rowPixels, firstPixel, out[ 0 ], probabilities, forestThreads );
			}

			@Override
			public void accept( final FloatBuffer values, final int valueChannels, final float[] extra, final int width, final int height,
					final int rowPixels, final int firstPixel )
			{
				out[ 0 ] = new int[ width * height ];
				classifier.forest().classifyInterleaved( values, valueChannels, extra, width, height, rowPixels, firstPixel, out[ 0 ], probabilities,
						forestThreads );
			}
		} );
		return out[ 0 ];
	}

	/** The label value of class index {@code c}: 0, unlabelled, for {@link Forest#NO_CLASS}. */
	private long label( final int c )
	{
		return c == Forest.NO_CLASS ? 0 : classifier.value( c );
	}

	/**
	 * The label values of class indices, as a primitive array of the label type (byte[], short[] or int[]); 0 for
	 * pixels without a class (where the input has no value).
	 */
	public Object values( final int[] classIndices )
	{
		final int n = classIndices.length;
		switch ( type )
		{
		case UINT8:
		{
			final byte[] v = new byte[ n ];
			for ( int i = 0; i < n; i++ )
				v[ i ] = ( byte ) label( classIndices[ i ] );
			return v;
		}
		case UINT16:
		{
			final short[] v = new short[ n ];
			for ( int i = 0; i < n; i++ )
				v[ i ] = ( short ) label( classIndices[ i ] );
			return v;
		}
		default:
		{
			final int[] v = new int[ n ];
			for ( int i = 0; i < n; i++ )
				v[ i ] = ( int ) label( classIndices[ i ] );
			return v;
		}
		}
	}

	/**
	 * The lazy label image {@code (x, y[, z[, t]])}: {@link UnsignedByteType}, {@link UnsignedShortType} or
	 * {@link UnsignedIntType} as the label type says.
	 */
	public RandomAccessibleInterval< ? > labels()
	{
		switch ( type )
		{
		case UINT8:
			return new LazyCellImg<>( grid, new UnsignedByteType(), i -> new Cell<>( size( i ), min( i ), new ByteArray( ( byte[] ) values( cellClasses( i ) ) ) ) );
		case UINT16:
			return new LazyCellImg<>( grid, new UnsignedShortType(), i -> new Cell<>( size( i ), min( i ), new ShortArray( ( short[] ) values( cellClasses( i ) ) ) ) );
		default:
			return new LazyCellImg<>( grid, new UnsignedIntType(), i -> new Cell<>( size( i ), min( i ), new IntArray( ( int[] ) values( cellClasses( i ) ) ) ) );
		}
	}

	/** The lazy class probabilities {@code (x, y, class[, z[, t]])}. */
	public RandomAccessibleInterval< FloatType > probabilities()
	{
		final int k = classifier.classes();
		return new LazyCellImg<>( probabilityGrid, new FloatType(), i -> {
			final long[] min = new long[ probabilityGrid.numDimensions() ];
			final int[] size = new int[ min.length ];
			probabilityGrid.getCellDimensions( i, min, size );
			final int n = size[ 0 ] * size[ 1 ];
			final float[] interleaved = new float[ n * k ];
			computeCell( i, interleaved );
			final float[] planar = new float[ n * k ]; // (class, y, x)
			for ( int p = 0; p < n; p++ )
				for ( int c = 0; c < k; c++ )
					planar[ c * n + p ] = interleaved[ p * k + c ];
			return new Cell<>( size, min, new FloatArray( planar ) );
		} );
	}

	private long[] min( final long index )
	{
		final long[] min = new long[ grid.numDimensions() ];
		final int[] size = new int[ min.length ];
		grid.getCellDimensions( index, min, size );
		return min;
	}

	private int[] size( final long index )
	{
		final long[] min = new long[ grid.numDimensions() ];
		final int[] size = new int[ min.length ];
		grid.getCellDimensions( index, min, size );
		return size;
	}

	/** The image's dimensions, (x, y[, z[, t]]). */
	public long[] dimensions()
	{
		return dims.clone();
	}
}
