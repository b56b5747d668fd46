package org.featurize.unet.compute;

import java.util.Arrays;

import org.featurize.unet.FeaturizeException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.blocks.PrimitiveBlocks.OnFallback;
import net.imglib2.type.NativeType;
import net.imglib2.type.PrimitiveType;
import net.imglib2.type.logic.NativeBoolType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;

/**
 * Reads float regions of the 2D planes of an input image of 2, 3 or 4 dimensions (x, y[, z[, t]]), any
 * real native type, converted to float. Pixels beyond the plane's right and bottom edges are the plane
 * mirrored there without repeating the edge pixel (numpy's {@code reflect}).
 * Regions are copied with {@link PrimitiveBlocks}, not per-pixel cursors; thread-safe.
 */
public final class PlaneReader< T extends NativeType< T > & RealType< T > >
{
	private final RandomAccessibleInterval< T > input;

	private final PrimitiveBlocks< T > blocks;

	private final PrimitiveType primitive;

	private final boolean unsigned;

	public PlaneReader( final RandomAccessibleInterval< T > input )
	{
		final int n = input.numDimensions();
		if ( n < 2 || n > 4 )
			throw new FeaturizeException( "Input must have 2, 3 or 4 dimensions ((y, x), (z, y, x) or (t, z, y, x)); got "
					+ n + " " + Arrays.toString( input.dimensionsAsLongArray() ) );
		this.input = input;
		final T type = input.getType();
		this.blocks = PrimitiveBlocks.of( input, OnFallback.ACCEPT ).threadSafe();
		this.primitive = type.getNativeTypeFactory().getPrimitiveType();
		this.unsigned = type instanceof UnsignedByteType || type instanceof UnsignedShortType
				|| type instanceof UnsignedIntType || type instanceof UnsignedLongType || type instanceof NativeBoolType;
	}

	public RandomAccessibleInterval< T > input()
	{
		return input;
	}

	/**
	 * Reads {@code [x0, x0 + w) x [y0, y0 + h)} of the plane at {@code (z, t)} into a new float array,
	 * x fastest. {@code x0} and {@code y0} must not be negative; beyond the plane's far edges the plane is
	 * mirrored (a plane one pixel wide or high repeats that pixel).
	 */
	public float[] read( final long x0, final long y0, final int w, final int h, final long z, final long t )
	{
		final long width = input.dimension( 0 ), height = input.dimension( 1 );
		if ( x0 < 0 || y0 < 0 )
			throw new IllegalArgumentException( "Region must not start before the plane: " + x0 + ", " + y0 );
		if ( x0 + w <= width && y0 + h <= height )
			return readInside( x0, y0, w, h, z, t );
		// Mirror: find the source rows and columns, read their bounding box, then gather.
		final long[] xs = new long[ w ], ys = new long[ h ];
		long minX = Long.MAX_VALUE, maxX = -1, minY = Long.MAX_VALUE, maxY = -1;
		for ( int i = 0; i < w; i++ )
		{
			xs[ i ] = mirror( x0 + i, width );
			minX = Math.min( minX, xs[ i ] );
			maxX = Math.max( maxX, xs[ i ] );
		}
		for ( int j = 0; j < h; j++ )
		{
			ys[ j ] = mirror( y0 + j, height );
			minY = Math.min( minY, ys[ j ] );
			maxY = Math.max( maxY, ys[ j ] );
		}
		final int bw = ( int ) ( maxX - minX + 1 ), bh = ( int ) ( maxY - minY + 1 );
		final float[] box = readInside( minX, minY, bw, bh, z, t );
		final float[] out = new float[ w * h ];
		for ( int j = 0; j < h; j++ )
		{
			final int row = ( int ) ( ys[ j ] - minY ) * bw;
			for ( int i = 0; i < w; i++ )
				out[ j * w + i ] = box[ row + ( int ) ( xs[ i ] - minX ) ];
		}
		return out;
	}

	/** numpy's {@code reflect}: period {@code 2 (n - 1)}, the edge pixel not repeated. */
	static long mirror( final long i, final long n )
	{
		if ( n == 1 )
			return 0;
		final long period = 2 * ( n - 1 );
		final long p = Math.floorMod( i, period );
		return p < n ? p : period - p;
	}

	private float[] readInside( final long x0, final long y0, final int w, final int h, final long z, final long t )
	{
		final int n = input.numDimensions();
		final long[] min = new long[ n ];
		final int[] size = new int[ n ];
		min[ 0 ] = input.min( 0 ) + x0;
		min[ 1 ] = input.min( 1 ) + y0;
		size[ 0 ] = w;
		size[ 1 ] = h;
		if ( n > 2 )
		{
			min[ 2 ] = input.min( 2 ) + z;
			size[ 2 ] = 1;
		}
		if ( n > 3 )
		{
			min[ 3 ] = input.min( 3 ) + t;
			size[ 3 ] = 1;
		}
		final int count = w * h;
		final float[] out;
		switch ( primitive )
		{
		case FLOAT:
			out = new float[ count ];
			blocks.copy( min, out, size );
			return out;
		case DOUBLE:
		{
			final double[] src = new double[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			for ( int i = 0; i < count; i++ )
				out[ i ] = ( float ) src[ i ];
			return out;
		}
		case BYTE:
		{
			final byte[] src = new byte[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ] & 0xff;
			else
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ];
			return out;
		}
		case SHORT:
		{
			final short[] src = new short[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ] & 0xffff;
			else
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ];
			return out;
		}
		case INT:
		{
			final int[] src = new int[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ] & 0xffffffffL;
			else
				for ( int i = 0; i < count; i++ )
					out[ i ] = src[ i ];
			return out;
		}
		case LONG:
		{
			final long[] src = new long[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			for ( int i = 0; i < count; i++ )
				out[ i ] = unsigned ? unsignedToFloat( src[ i ] ) : src[ i ];
			return out;
		}
		case BOOLEAN:
		{
			final boolean[] src = new boolean[ count ];
			blocks.copy( min, src, size );
			out = new float[ count ];
			for ( int i = 0; i < count; i++ )
				out[ i ] = src[ i ] ? 1 : 0;
			return out;
		}
		default:
			throw new FeaturizeException( "Input pixel type " + input.getType().getClass().getSimpleName()
					+ " cannot be converted to float" );
		}
	}

	private static float unsignedToFloat( final long v )
	{
		return v >= 0 ? v : ( ( v >>> 1 ) | ( v & 1 ) ) * 2f;
	}
}
