package org.featurize.unet.compute;

import java.nio.FloatBuffer;

import net.imglib2.img.cell.CellGrid;

/**
 * Features of an image by cells, as a classifier reads them: a cell grid over {@code (x, y, c[, z[, t]])}, each cell
 * one area of one plane with all channels, numbered plane by plane. {@link FeatureImage} computes its cells from the
 * input through the model; {@link org.featurize.unet.io.StoredFeatures} reads them from a features Zarr written
 * before.
 */
public interface CellFeatures
{
	/** Features per pixel. */
	int channels();

	/** The cells over {@code (x, y, c[, z[, t]])}; a cell holds every channel. */
	CellGrid cellGrid();

	/** Planes (z times t). */
	long planes();

	/** The z planes of one time point. */
	long depth();

	/** The number of cells (areas of all planes). */
	long numCells();

	/** The cell to visit {@code i}-th in a sweep over all cells (the order in which they are cheapest to make). */
	long orderedCell( long i );

	/** The features of one cell, channel-major then row-major ((c, y, x), x fastest). */
	float[] cellData( long index );

	/** As {@link #cellData}, kept for later readers where the implementation keeps cells. */
	float[] keptCellData( long index );

	/** Whether cell {@code index} is kept now; reads or computes nothing. */
	boolean isCellCached( long index );

	/** Hands the features of cell {@code index}, interleaved (y, x, c), to {@code tile}. */
	void interleavedCell( long index, InterleavedTile tile );

	/** Receives a tile's features where they lie; see {@link CellFeatures#interleavedCell}. */
	@FunctionalInterface
	interface InterleavedTile
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

		/**
		 * A tile whose first {@code valueChannels} channels lie in {@code values} as {@link #accept(FloatBuffer, int,
		 * int, int, int)} says and whose others, {@code extra}, were computed after them: (c, y, x) over the tile
		 * alone. This implementation puts them together, interleaved, and hands them to that method; a consumer that
		 * can read the two apart saves the copy.
		 */
		default void accept( final FloatBuffer values, final int valueChannels, final float[] extra, final int width, final int height,
				final int rowPixels, final int firstPixel )
		{
			final int pixels = width * height, more = extra.length / pixels, all = valueChannels + more;
			final float[] merged = new float[ pixels * all ];
			final float[] row = new float[ width * valueChannels ];
			for ( int y = 0; y < height; y++ )
			{
				values.get( ( firstPixel + y * rowPixels ) * valueChannels, row, 0, row.length );
				for ( int x = 0; x < width; x++ )
				{
					final int p = y * width + x;
					System.arraycopy( row, x * valueChannels, merged, p * all, valueChannels );
					for ( int c = 0; c < more; c++ )
						merged[ p * all + valueChannels + c ] = extra[ c * pixels + p ];
				}
			}
			accept( FloatBuffer.wrap( merged ), width, height, width, 0 );
		}
	}
}
