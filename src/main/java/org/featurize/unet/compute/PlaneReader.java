package org.featurize.unet.compute;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.featurize.unet.FeaturizeException;

import net.imglib2.Interval;
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
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * Reads float regions of the 2D planes of an input image of 2, 3 or 4 dimensions (x, y[, z[, t]]), any
 * real native type, converted to float. Pixels beyond the plane's edges are the plane mirrored there without
 * repeating the edge pixel (numpy's {@code reflect}).
 * <p>
 * The planes read may be those of a region of a larger source (a view: {@link #PlaneReader(RandomAccessibleInterval, Interval)}):
 * coordinates are then relative to the region's first pixel, and a read that reaches outside the region reads the
 * source there (a halo takes its context from outside the region, as it would in the whole source); only beyond the
 * source's edges is the plane mirrored. Several sources of one interval (the channels of an image) are read
 * together, each plane after the other.
 * Regions are copied with {@link PrimitiveBlocks}, not per-pixel cursors; thread-safe.
 */
public final class PlaneReader< T extends NativeType< T > & RealType< T > >
{
	private final RandomAccessibleInterval< T > input;

	private final RandomAccessibleInterval< T > source;

	private final List< RandomAccessibleInterval< T > > sources;

	private final List< PrimitiveBlocks< T > > blocks;

	private final long[] offset;

	private final PrimitiveType primitive;

	private final boolean unsigned;

	/** Reads the planes of a whole image. */
	public PlaneReader( final RandomAccessibleInterval< T > input )
	{
		this( List.of( input ), input );
	}

	/** Reads the planes of {@code region}, a part of {@code source}, with reads outside the region allowed within the source. */
	public PlaneReader( final RandomAccessibleInterval< T > source, final Interval region )
	{
		this( List.of( source ), region );
	}

	/**
	 * Reads the planes of {@code region} of each of {@code sources} (images of the same interval, one per channel),
	 * one after the other.
	 */
	public PlaneReader( final List< ? extends RandomAccessibleInterval< T > > sources, final Interval region )
	{
		if ( sources.isEmpty() )
			throw new IllegalArgumentException( "No source to read" );
		final RandomAccessibleInterval< T > first = sources.get( 0 );
		final int n = first.numDimensions();
		if ( n < 2 || n > 4 )
			throw new FeaturizeException( "Input must have 2, 3 or 4 dimensions ((y, x), (z, y, x) or (t, z, y, x)); got "
					+ n + " " + Arrays.toString( first.dimensionsAsLongArray() ) );
		for ( final RandomAccessibleInterval< T > s : sources )
			if ( !Intervals.equals( s, first ) )
				throw new IllegalArgumentException( "The channels' images differ: " + Intervals.toString( s ) + " and " + Intervals.toString( first ) );
		if ( region.numDimensions() != n || !Intervals.contains( first, region ) )
			throw new IllegalArgumentException( "Region " + Intervals.toString( region ) + " is not inside the input " + Intervals.toString( first ) );
		this.source = first;
		this.sources = List.copyOf( sources );
		this.input = Intervals.equals( first, region ) ? first : Views.interval( first, region );
		this.offset = new long[ n ];
		for ( int d = 0; d < n; d++ )
			offset[ d ] = region.min( d ) - first.min( d );
		final T type = first.getType();
		final List< PrimitiveBlocks< T > > b = new ArrayList<>();
		for ( final RandomAccessibleInterval< T > s : sources )
			b.add( PrimitiveBlocks.of( s, OnFallback.ACCEPT ).threadSafe() );
		this.blocks = b;
		this.primitive = type.getNativeTypeFactory().getPrimitiveType();
		this.unsigned = type instanceof UnsignedByteType || type instanceof UnsignedShortType
				|| type instanceof UnsignedIntType || type instanceof UnsignedLongType || type instanceof NativeBoolType;
	}

	/** The planes read: the region (of the first channel), with its own min. */
	public RandomAccessibleInterval< T > input()
	{
		return input;
	}

	/** The whole image whose region is read (of the first channel). */
	public RandomAccessibleInterval< T > source()
	{
		return source;
	}

	/** Where the region starts in the source, per dimension (zeros for a whole image). */
	public long[] offset()
	{
		return offset.clone();
	}

	/** The number of channels read together. */
	public int channels()
	{
		return blocks.size();
	}

	/** A reader of channel {@code c}'s whole source alone (for its statistics). */
	public PlaneReader< T > channel( final int c )
	{
		return new PlaneReader<>( sources.get( c ) );
	}

	/**
	 * Reads {@code [x0, x0 + w) x [y0, y0 + h)} of the plane at {@code (z, t)} into a new float array, x fastest,
	 * the channels one after the other. {@code x0} and {@code y0} are relative to the region and may be negative;
	 * beyond the source plane's edges it is mirrored (a plane one pixel wide or high repeats that pixel).
	 */
	public float[] read( final long x0, final long y0, final int w, final int h, final long z, final long t )
	{
		final long width = source.dimension( 0 ), height = source.dimension( 1 );
		final long sx = x0 + offset[ 0 ], sy = y0 + offset[ 1 ];
		final long sz = z + ( offset.length > 2 ? offset[ 2 ] : 0 ), st = t + ( offset.length > 3 ? offset[ 3 ] : 0 );
		final int count = w * h;
		final float[] out = new float[ count * blocks.size() ];
		if ( sx >= 0 && sy >= 0 && sx + w <= width && sy + h <= height )
		{
			for ( int c = 0; c < blocks.size(); c++ )
				readInside( blocks.get( c ), sx, sy, w, h, sz, st, out, c * count );
			return out;
		}
		// Mirror: find the source rows and columns, read their bounding box, then gather.
		final long[] xs = new long[ w ], ys = new long[ h ];
		long minX = Long.MAX_VALUE, maxX = -1, minY = Long.MAX_VALUE, maxY = -1;
		for ( int i = 0; i < w; i++ )
		{
			xs[ i ] = mirror( sx + i, width );
			minX = Math.min( minX, xs[ i ] );
			maxX = Math.max( maxX, xs[ i ] );
		}
		for ( int j = 0; j < h; j++ )
		{
			ys[ j ] = mirror( sy + j, height );
			minY = Math.min( minY, ys[ j ] );
			maxY = Math.max( maxY, ys[ j ] );
		}
		final int bw = ( int ) ( maxX - minX + 1 ), bh = ( int ) ( maxY - minY + 1 );
		final float[] box = new float[ bw * bh ];
		for ( int c = 0; c < blocks.size(); c++ )
		{
			readInside( blocks.get( c ), minX, minY, bw, bh, sz, st, box, 0 );
			for ( int j = 0; j < h; j++ )
			{
				final int row = ( int ) ( ys[ j ] - minY ) * bw;
				for ( int i = 0; i < w; i++ )
					out[ c * count + j * w + i ] = box[ row + ( int ) ( xs[ i ] - minX ) ];
			}
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

	private void readInside( final PrimitiveBlocks< T > blocks, final long x0, final long y0, final int w, final int h, final long z, final long t,
			final float[] out, final int at )
	{
		final int n = source.numDimensions();
		final long[] min = new long[ n ];
		final int[] size = new int[ n ];
		min[ 0 ] = source.min( 0 ) + x0;
		min[ 1 ] = source.min( 1 ) + y0;
		size[ 0 ] = w;
		size[ 1 ] = h;
		if ( n > 2 )
		{
			min[ 2 ] = source.min( 2 ) + z;
			size[ 2 ] = 1;
		}
		if ( n > 3 )
		{
			min[ 3 ] = source.min( 3 ) + t;
			size[ 3 ] = 1;
		}
		final int count = w * h;
		switch ( primitive )
		{
		case FLOAT:
			if ( at == 0 && out.length == count )
				blocks.copy( min, out, size );
			else
			{
				final float[] src = new float[ count ];
				blocks.copy( min, src, size );
				System.arraycopy( src, 0, out, at, count );
			}
			return;
		case DOUBLE:
		{
			final double[] src = new double[ count ];
			blocks.copy( min, src, size );
			for ( int i = 0; i < count; i++ )
				out[ at + i ] = ( float ) src[ i ];
			return;
		}
		case BYTE:
		{
			final byte[] src = new byte[ count ];
			blocks.copy( min, src, size );
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ] & 0xff;
			else
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ];
			return;
		}
		case SHORT:
		{
			final short[] src = new short[ count ];
			blocks.copy( min, src, size );
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ] & 0xffff;
			else
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ];
			return;
		}
		case INT:
		{
			final int[] src = new int[ count ];
			blocks.copy( min, src, size );
			if ( unsigned )
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ] & 0xffffffffL;
			else
				for ( int i = 0; i < count; i++ )
					out[ at + i ] = src[ i ];
			return;
		}
		case LONG:
		{
			final long[] src = new long[ count ];
			blocks.copy( min, src, size );
			for ( int i = 0; i < count; i++ )
				out[ at + i ] = unsigned ? unsignedToFloat( src[ i ] ) : src[ i ];
			return;
		}
		case BOOLEAN:
		{
			final boolean[] src = new boolean[ count ];
			blocks.copy( min, src, size );
			for ( int i = 0; i < count; i++ )
				out[ at + i ] = src[ i ] ? 1 : 0;
			return;
		}
		default:
			throw new FeaturizeException( "Input pixel type " + source.getType().getClass().getSimpleName()
					+ " cannot be converted to float" );
		}
	}

	private static float unsignedToFloat( final long v )
	{
		return v >= 0 ? v : ( ( v >>> 1 ) | ( v & 1 ) ) * 2f;
	}
}
