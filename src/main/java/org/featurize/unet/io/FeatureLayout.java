package org.featurize.unet.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Supplier;

import org.featurize.unet.compute.FeatureImage;

/**
 * The one place that maps the feature image's axes, ImgLib2's {@code (x, y, c[, z[, t]])}, to the saved
 * array's, the seed's NumPy order {@code ([t, [z,]] y, x, c)}, and the cells of one to the chunks of the
 * other: a chunk holds one cell of the image, a rectangle of one plane ({@link FeatureImage#cellWidth()} x
 * {@link FeatureImage#cellHeight()}) with all channels, channels fastest.
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

	/** Chunk shape of the saved array: one cell, all channels. */
	public int[] chunks()
	{
		final int[] chunks = new int[ spatial + 1 ];
		Arrays.fill( chunks, 1 );
		chunks[ spatial - 2 ] = features.cellHeight();
		chunks[ spatial - 1 ] = features.cellWidth();
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

	/** The bytes of one chunk of the saved array, for {@code type}. */
	public int chunkBytes( final OutputType type )
	{
		return Math.toIntExact( ( long ) features.cellHeight() * features.cellWidth() * features.channels() * type.dataType().bytesPerElement() );
	}

	/**
	 * Computes cell {@code index} and encodes it as its chunk of the saved array, in one pass over the model's
	 * result where the engine holds it: (H, W, c) with c fastest, where (H, W) is the cell size, each value as
	 * {@code stored} says, in {@code order}; the part of an edge chunk beyond the image is zero (the fill value).
	 * The bytes that {@link org.featurize.unet.zarr.ZarrArray#writeChunk} makes of {@code stored.apply} of the
	 * chunk's values (the zero padding of an edge chunk sets no channel's step), without copying them first.
	 *
	 * @param raw
	 *            {@link #chunkBytes} bytes, overwritten
	 * @param where
	 *            what the chunk is, for messages; asked only when a value is refused
	 * @return {@code raw}
	 * @throws OutputException
	 *             when a value does not fit the output type
	 */
	public byte[] encodeChunk( final long index, final StoredValues stored, final ByteOrder order, final byte[] raw, final Supplier< ? > where )
	{
		final int channels = features.channels(), bytes = stored.type().dataType().bytesPerElement();
		final int chunkRow = features.cellWidth() * channels * bytes;
		if ( raw.length != chunkBytes( stored.type() ) )
			throw new IllegalArgumentException( "A chunk takes " + chunkBytes( stored.type() ) + " bytes, got " + raw.length );
		final ByteBuffer out = ByteBuffer.wrap( raw ).order( order );
		features.interleavedCell( index, ( values, width, height, rowPixels, firstPixel ) -> {
			final int row = width * channels;
			stored.encode( values, firstPixel * channels, rowPixels * channels, row, height, channels, out, 0, chunkRow, where );
			for ( int y = 0; y < height; y++ )
				Arrays.fill( raw, y * chunkRow + row * bytes, ( y + 1 ) * chunkRow, ( byte ) 0 );
			Arrays.fill( raw, height * chunkRow, raw.length, ( byte ) 0 );
		} );
		return raw;
	}
}
