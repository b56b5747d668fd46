package org.featurize.unet.ome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;

/**
 * The geometry of an OME-Zarr feature output: its axes (the input's, NumPy order, with a channel axis {@code c}
 * after the time axis, as NGFF orders them: {@code ([t,] c, [z,] y, x)}), the shape and chunks of each level,
 * and where the cells of the feature image go. Level 0 has one chunk per tile, plane and channel (a viewer that
 * shows one channel reads only that channel); level k halves level k - 1 in y and x, rounding up.
 */
public final class OmeLayout
{
	private final FeatureImage features;

	private final List< OmeAxis > axes;

	private final int channelIndex;

	private final int levels;

	/**
	 * @param inputAxes
	 *            the input's axes, NumPy order, without channel: ([t,] [z,] y, x)
	 * @param levels
	 *            the number of levels, at least 1
	 */
	public OmeLayout( final FeatureImage features, final List< OmeAxis > inputAxes, final int levels )
	{
		final int rank = features.image().numDimensions() - 1;
		if ( inputAxes.size() != rank )
			throw new IllegalArgumentException( "Input axes " + inputAxes + " do not match the feature image's " + rank + " input dimensions" );
		this.features = features;
		this.channelIndex = !inputAxes.isEmpty() && OmeAxis.TIME.equals( inputAxes.get( 0 ).type() ) ? 1 : 0;
		this.axes = new ArrayList<>( inputAxes );
		this.axes.add( channelIndex, OmeAxis.plain( "c", OmeAxis.CHANNEL ) );
		this.levels = levels;
		checkLevels( levels, height(), width() );
	}

	/** The axes of plain Zarr input: (y, x), (z, y, x) or (t, z, y, x), without units. */
	public static List< OmeAxis > defaultAxes( final int rank )
	{
		final List< OmeAxis > axes = new ArrayList<>();
		if ( rank == 4 )
			axes.add( OmeAxis.plain( "t", OmeAxis.TIME ) );
		if ( rank >= 3 )
			axes.add( OmeAxis.plain( "z", OmeAxis.SPACE ) );
		axes.add( OmeAxis.plain( "y", OmeAxis.SPACE ) );
		axes.add( OmeAxis.plain( "x", OmeAxis.SPACE ) );
		return axes;
	}

	/** Refuses a number of levels below 1, or one whose coarsest level would halve a single pixel. */
	public static void checkLevels( final int levels, final long height, final long width )
	{
		if ( levels < 1 )
			throw new FeaturizeException( "levels must be at least 1 (level 0 only), got " + levels );
		long h = height, w = width;
		for ( int k = 1; k < levels; k++ )
		{
			if ( h == 1 && w == 1 )
				throw new FeaturizeException( String.format(
						"levels=%d is too many for planes of %d x %d pixels: level %d is already 1 x 1; at most %d", levels, width, height, k - 1, k ) );
			h = ( h + 1 ) / 2;
			w = ( w + 1 ) / 2;
		}
	}

	public List< OmeAxis > axes()
	{
		return axes;
	}

	public int levels()
	{
		return levels;
	}

	public FeatureImage features()
	{
		return features;
	}

	/** Index of the channel axis, NumPy order. */
	public int channelAxis()
	{
		return channelIndex;
	}

	long width()
	{
		return features.image().dimension( 0 );
	}

	long height()
	{
		return features.image().dimension( 1 );
	}

	/** The shape of level {@code k}, NumPy order. */
	public long[] shape( final int level )
	{
		final long[] dims = features.image().dimensionsAsLongArray(); // x, y, c[, d2[, d3]]
		final long[] shape = new long[ dims.length - 1 ];
		int i = 0;
		for ( int d = dims.length - 1; d >= 3; d-- )
			shape[ i++ ] = dims[ d ];
		shape[ i++ ] = dims[ 1 ];
		shape[ i ] = dims[ 0 ];
		for ( int k = 0; k < level; k++ )
		{
			shape[ i - 1 ] = ( shape[ i - 1 ] + 1 ) / 2;
			shape[ i ] = ( shape[ i ] + 1 ) / 2;
		}
		return insert( shape, channelIndex, dims[ 2 ] );
	}

	/** The chunk shape of level {@code k}: one cell (output chunk) of one plane of one channel, no larger than the level. */
	public int[] chunks( final int level )
	{
		final long[] shape = shape( level );
		final int[] chunks = new int[ shape.length ];
		Arrays.fill( chunks, 1 );
		final int n = shape.length;
		chunks[ n - 2 ] = ( int ) Math.min( features.cellHeight(), shape[ n - 2 ] );
		chunks[ n - 1 ] = ( int ) Math.min( features.cellWidth(), shape[ n - 1 ] );
		return chunks;
	}

	/** The level-0 chunk of cell {@code index} of the feature image, for one channel. */
	public long[] chunkPosition( final long index, final int channel )
	{
		final long[] cell = features.gridPosition( index ); // tx, ty, 0[, d2[, d3]]
		final long[] chunk = new long[ cell.length - 1 ];
		int i = 0;
		for ( int d = cell.length - 1; d >= 3; d-- )
			chunk[ i++ ] = cell[ d ];
		chunk[ i++ ] = cell[ 1 ];
		chunk[ i ] = cell[ 0 ];
		return insert( chunk, channelIndex, channel );
	}

	/** The plane (index along the third input axis + its size * index along the fourth) of cell {@code index}. */
	public long plane( final long index )
	{
		final long[] cell = features.gridPosition( index );
		final long a = cell.length > 3 ? cell[ 3 ] : 0, b = cell.length > 4 ? cell[ 4 ] : 0;
		return a + features.depth() * b;
	}

	/**
	 * One channel of one cell's features ((c, h, w), x fastest) as a full level-0 chunk (cell height x cell
	 * width): the part of an edge chunk beyond the image stays zero.
	 */
	public float[] toChunk( final float[] cell, final long index, final int channel )
	{
		final long[] pos = features.gridPosition( index );
		final long x0 = pos[ 0 ] * features.cellWidth(), y0 = pos[ 1 ] * features.cellHeight();
		final int w = ( int ) ( Math.min( features.tiles().width(), x0 + features.cellWidth() ) - x0 );
		final int h = ( int ) ( Math.min( features.tiles().height(), y0 + features.cellHeight() ) - y0 );
		final int[] chunks = chunks( 0 );
		final int ch = chunks[ chunks.length - 2 ], cw = chunks[ chunks.length - 1 ];
		final float[] chunk = new float[ ch * cw ];
		final int offset = channel * w * h;
		for ( int y = 0; y < h; y++ )
			System.arraycopy( cell, offset + y * w, chunk, y * cw, w );
		return chunk;
	}

	private static long[] insert( final long[] values, final int at, final long value )
	{
		final long[] out = new long[ values.length + 1 ];
		System.arraycopy( values, 0, out, 0, at );
		out[ at ] = value;
		System.arraycopy( values, at, out, at + 1, values.length - at );
		return out;
	}
}
