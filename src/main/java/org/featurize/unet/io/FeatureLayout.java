package org.featurize.unet.io;

import org.featurize.unet.compute.FeatureImage;

/**
 * The one place that maps the feature image's axes, ImgLib2's {@code (x, y, c[, z[, t]])}, to the saved
 * array's, the seed's NumPy order {@code ([t, [z,]] y, x, c)}, and the cells of one to the chunks of the
 * other: a chunk holds one tile of one plane with all channels, channels fastest.
 */
public final class FeatureLayout
{
	private final FeatureImage features;

	private final int spatial;

	public FeatureLayout( final FeatureImage features )
	{
		this.features = features;
		this.spatial = features.image().numDimensions() - 1;
	}

	/** Axis names of the saved array, NumPy order. */
	public String[] axes()
	{
		switch ( spatial )
		{
		case 2:
			return new String[] { "y", "x", "c" };
		case 3:
			return new String[] { "z", "y", "x", "c" };
		default:
			return new String[] { "t", "z", "y", "x", "c" };
		}
	}

	/** Shape of the saved array. */
	public long[] shape()
	{
		final long[] dims = features.image().dimensionsAsLongArray(); // x, y, c[, z[, t]]
		final long[] shape = new long[ dims.length ];
		int i = 0;
		for ( int d = dims.length - 1; d >= 3; d-- )
			shape[ i++ ] = dims[ d ];
		shape[ i++ ] = dims[ 1 ];
		shape[ i++ ] = dims[ 0 ];
		shape[ i ] = dims[ 2 ];
		return shape;
	}

	/** Chunk shape of the saved array: one tile, all channels. */
	public int[] chunks()
	{
		final int[] chunks = new int[ spatial + 1 ];
		java.util.Arrays.fill( chunks, 1 );
		chunks[ spatial - 2 ] = features.tiles().tileHeight();
		chunks[ spatial - 1 ] = features.tiles().tileWidth();
		chunks[ spatial ] = features.channels();
		return chunks;
	}

	/** The chunk grid position of cell {@code index} of the feature image. */
	public long[] chunkPosition( final long index )
	{
		final long[] cell = features.gridPosition( index ); // tx, ty, 0[, z[, t]]
		final long[] chunk = new long[ cell.length ];
		int i = 0;
		for ( int d = cell.length - 1; d >= 3; d-- )
			chunk[ i++ ] = cell[ d ];
		chunk[ i++ ] = cell[ 1 ];
		chunk[ i++ ] = cell[ 0 ];
		chunk[ i ] = 0;
		return chunk;
	}

	/** The plane (z + depth * t) that cell {@code index} belongs to. */
	public long plane( final long index )
	{
		final long[] cell = features.gridPosition( index );
		final long z = cell.length > 3 ? cell[ 3 ] : 0, t = cell.length > 4 ? cell[ 4 ] : 0;
		return z + features.depth() * t;
	}

	/**
	 * Turns one cell's features, (c, h, w) with x fastest, into one full chunk, (H, W, c) with c fastest,
	 * where (H, W) is the tile size: the part of an edge chunk beyond the image stays zero.
	 */
	/**
	 * A full chunk from {@link FeatureImage#interleavedCellData}: the same array when the tile fills its chunk,
	 * else its rows in a zeroed chunk (the part of an edge chunk beyond the image).
	 */
	public float[] interleavedToChunk( final float[] tile, final long index )
	{
		final int tileH = features.tiles().tileHeight(), tileW = features.tiles().tileWidth(), channels = features.channels();
		final long[] pos = features.gridPosition( index );
		final int w = ( int ) ( features.tiles().tileX( pos[ 0 ] )[ 1 ] - features.tiles().tileX( pos[ 0 ] )[ 0 ] );
		final int h = ( int ) ( features.tiles().tileY( pos[ 1 ] )[ 1 ] - features.tiles().tileY( pos[ 1 ] )[ 0 ] );
		if ( w == tileW && h == tileH )
			return tile;
		final float[] chunk = new float[ tileH * tileW * channels ];
		for ( int y = 0; y < h; y++ )
			System.arraycopy( tile, y * w * channels, chunk, y * tileW * channels, w * channels );
		return chunk;
	}
}
