package org.featurize.unet.ome;

import java.util.Arrays;

import org.featurize.unet.zarr.ZarrArray;

/**
 * Writes one level of a multiscale image from the level above it, chunk by chunk: each pixel is the mean of a
 * 2 x 2 block in y and x (of a 2 x 1, 1 x 2 or single pixel at an odd last row or column); other axes are kept.
 * Nothing is recomputed from the model. A chunk already there is skipped, so an interrupted run resumes.
 */
final class Pyramid
{
	private Pyramid()
	{}

	/** The mean of each 2 x 2 block of a {@code (h, w)} plane, x fastest; the result is {@code (ceil(h / 2), ceil(w / 2))}. */
	static float[] halve( final float[] plane, final int h, final int w )
	{
		final int oh = ( h + 1 ) / 2, ow = ( w + 1 ) / 2;
		final float[] out = new float[ oh * ow ];
		for ( int y = 0; y < oh; y++ )
			for ( int x = 0; x < ow; x++ )
			{
				double sum = 0;
				int n = 0;
				for ( int dy = 0; dy < 2 && 2 * y + dy < h; dy++ )
					for ( int dx = 0; dx < 2 && 2 * x + dx < w; dx++ )
					{
						sum += plane[ ( 2 * y + dy ) * w + 2 * x + dx ];
						n++;
					}
				out[ y * ow + x ] = ( float ) ( sum / n );
			}
		return out;
	}

	/** The number of chunks of {@code array}. */
	static long chunkCount( final ZarrArray array )
	{
		return Arrays.stream( array.gridShape() ).reduce( 1, Math::multiplyExact );
	}

	/** The grid position (C order) of chunk {@code index} of {@code array}. */
	static long[] gridPosition( final ZarrArray array, long index )
	{
		final long[] grid = array.gridShape();
		final long[] pos = new long[ grid.length ];
		for ( int d = grid.length - 1; d >= 0; d-- )
		{
			pos[ d ] = index % grid[ d ];
			index /= grid[ d ];
		}
		return pos;
	}

	/**
	 * Writes chunk {@code index} of {@code to} from {@code from} unless it exists.
	 *
	 * @return whether it was written
	 */
	static boolean writeChunk( final ZarrArray from, final ZarrArray to, final long index )
	{
		final long[] pos = gridPosition( to, index );
		if ( to.chunkExists( pos ) )
			return false;
		final int n = pos.length;
		final int[] chunks = to.chunkShape();
		final long[] shape = to.shape(), source = from.shape();
		final int ch = chunks[ n - 2 ], cw = chunks[ n - 1 ];
		final long y0 = pos[ n - 2 ] * ch, x0 = pos[ n - 1 ] * cw;
		final int h = ( int ) Math.min( ch, shape[ n - 2 ] - y0 ), w = ( int ) Math.min( cw, shape[ n - 1 ] - x0 );
		final long[] min = new long[ n ];
		final int[] size = new int[ n ];
		for ( int d = 0; d < n - 2; d++ )
		{
			if ( chunks[ d ] != 1 )
				throw new IllegalStateException( "Pyramid levels need chunks of 1 along every axis but y and x, got " + Arrays.toString( chunks ) );
			min[ d ] = pos[ d ];
			size[ d ] = 1;
		}
		min[ n - 2 ] = 2 * y0;
		min[ n - 1 ] = 2 * x0;
		size[ n - 2 ] = ( int ) Math.min( 2L * h, source[ n - 2 ] - 2 * y0 );
		size[ n - 1 ] = ( int ) Math.min( 2L * w, source[ n - 1 ] - 2 * x0 );
		final float[] block = halve( ( float[] ) from.readRegion( min, size ), size[ n - 2 ], size[ n - 1 ] );
		final float[] chunk = new float[ ch * cw ];
		for ( int y = 0; y < h; y++ )
			System.arraycopy( block, y * w, chunk, y * cw, w );
		to.writeChunk( pos, chunk );
		return true;
	}
}
