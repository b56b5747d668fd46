package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The labelled pixels of a sparse label image: 0 is unlabelled, each positive value a class. Kept as positions
 * {@code (plane, y, x)} (plane = t * Z + z) per class, at most {@code maxPerClass} of each (a uniform random choice,
 * seeded, among more), so a densely labelled volume costs no more than a scribbled one.
 */
public final class Labels
{
	private final long width, height, planes;

	/** Class value -> positions (plane * height + y) * width + x; a class's count of labelled pixels. */
	private final TreeMap< Long, long[] > positions;

	private final TreeMap< Long, Long > counts;

	Labels( final long width, final long height, final long planes, final TreeMap< Long, long[] > positions, final TreeMap< Long, Long > counts )
	{
		this.width = width;
		this.height = height;
		this.planes = planes;
		this.positions = positions;
		this.counts = counts;
	}

	/** The class values present, ascending. */
	public long[] values()
	{
		return positions.keySet().stream().mapToLong( Long::longValue ).toArray();
	}

	/** How many pixels carry class {@code value} (all of them, not only those kept). */
	public long count( final long value )
	{
		return counts.getOrDefault( value, 0L );
	}

	/** The kept positions of class {@code value}, {@code (plane * height + y) * width + x}, ascending. */
	public long[] positions( final long value )
	{
		return positions.get( value );
	}

	public long width()
	{
		return width;
	}

	public long height()
	{
		return height;
	}

	public long planes()
	{
		return planes;
	}

	/** All kept positions with the index of their class among {@link #values()}, as [position, class] pairs sorted by position. */
	long[][] byPosition()
	{
		final List< long[] > all = new ArrayList<>();
		int c = 0;
		for ( final long[] p : positions.values() )
		{
			for ( final long q : p )
				all.add( new long[] { q, c } );
			c++;
		}
		all.sort( ( a, b ) -> Long.compare( a[ 0 ], b[ 0 ] ) );
		return all.toArray( new long[ 0 ][] );
	}

	/**
	 * Reads a label array: integers, of the input's shape (numpy order; leading axes of length 1 on either side do
	 * not count). Only stored chunks are read (a missing chunk is unlabelled when the fill value is 0).
	 *
	 * @param inputShape
	 *            the input's shape, (t, z, y, x), (z, y, x) or (y, x)
	 * @throws LabelException
	 *             for labels of another shape, a float type, negative values, no labels, or a single class
	 */
	public static Labels read( final ZarrArray labels, final long[] inputShape, final int maxPerClass, final long seed )
	{
		return read( labels, inputShape, "the input", maxPerClass, seed );
	}

	/**
	 * As {@link #read(ZarrArray, long[], int, long)}, of the shape of a part of the input ({@code part} names it in
	 * messages: "the input", "region 0:2,0:64,0:64 of the input", "level 1 of the input").
	 */
	public static Labels read( final ZarrArray labels, final long[] inputShape, final String part, final int maxPerClass, final long seed )
	{
		final DataType type = labels.dataType();
		if ( type.isFloat() || type == DataType.BOOL )
			throw new LabelException( String.format( "Labels %s hold %s values; expected integers (0 unlabelled, 1, 2, ... the classes)",
					labels.path(), type ) );
		final long[] shape = labels.shape();
		if ( !Arrays.equals( squeeze( shape ), squeeze( inputShape ) ) )
			throw new LabelException( String.format( "Labels %s have shape %s; %s has shape %s", labels.path(),
					Arrays.toString( shape ), part, Arrays.toString( inputShape ) ) );
		if ( shape.length < 2 )
			throw new LabelException( "Labels " + labels.path() + " have " + shape.length + " dimension(s); expected 2 to 4" );
		final Object fill = labels.fillValue();
		if ( fill instanceof Number && ( ( Number ) fill ).longValue() != 0 )
			throw new LabelException( String.format( "Labels %s have fill value %s; expected 0 (unlabelled) where nothing is stored",
					labels.path(), fill ) );
		final int n = shape.length;
		final long width = shape[ n - 1 ], height = shape[ n - 2 ];
		long planes = 1;
		for ( int d = 0; d < n - 2; d++ )
			planes *= shape[ d ];
		final int[] chunk = labels.chunkShape();
		final long[] grid = labels.gridShape();
		final TreeMap< Long, Reservoir > kept = new TreeMap<>();
		final Random random = new Random( seed );
		final long[] pos = new long[ n ];
		final long[] at = new long[ n ];
		final long chunks = Arrays.stream( grid ).reduce( 1, Math::multiplyExact );
		for ( long g = 0; g < chunks; g++ )
		{
			long rest = g;
			for ( int d = n - 1; d >= 0; d-- )
			{
				pos[ d ] = rest % grid[ d ];
				rest /= grid[ d ];
			}
			if ( !labels.chunkExists( pos ) )
				continue;
			final Object data = labels.readChunk( pos );
			final int elements = Arrays.stream( chunk ).reduce( 1, Math::multiplyExact );
			for ( int i = 0; i < elements; i++ )
			{
				final long v = value( data, i, type );
				if ( v == 0 )
					continue;
				int r = i;
				boolean inside = true;
				for ( int d = n - 1; d >= 0; d-- )
				{
					at[ d ] = pos[ d ] * chunk[ d ] + r % chunk[ d ];
					r /= chunk[ d ];
					inside &= at[ d ] < shape[ d ];
				}
				if ( !inside )
					continue;
				if ( v < 0 )
					throw new LabelException( String.format( "Labels %s hold %d at %s; expected 0 (unlabelled) or a positive class value",
							labels.path(), v, Arrays.toString( at ) ) );
				long plane = 0;
				for ( int d = 0; d < n - 2; d++ )
					plane = plane * shape[ d ] + at[ d ];
				kept.computeIfAbsent( v, k -> new Reservoir( maxPerClass ) ).offer( ( plane * height + at[ n - 2 ] ) * width + at[ n - 1 ], random );
			}
		}
		if ( kept.isEmpty() )
			throw new LabelException( "Labels " + labels.path() + " hold no labelled pixel (every value is 0)" );
		if ( kept.size() < 2 )
			throw new LabelException( "Labels " + labels.path() + " hold a single class (" + kept.firstKey()
					+ "); label at least two classes to train a classifier" );
		final TreeMap< Long, long[] > positions = new TreeMap<>();
		final TreeMap< Long, Long > counts = new TreeMap<>();
		for ( final Map.Entry< Long, Reservoir > e : kept.entrySet() )
		{
			positions.put( e.getKey(), e.getValue().sorted() );
			counts.put( e.getKey(), e.getValue().seen );
		}
		return new Labels( width, height, planes, positions, counts );
	}

	/** Labels given as positions per class value (what ImageJ's ROIs give). */
	public static Labels of( final long width, final long height, final long planes, final Map< Long, long[] > positions )
	{
		final TreeMap< Long, long[] > p = new TreeMap<>();
		final TreeMap< Long, Long > counts = new TreeMap<>();
		for ( final Map.Entry< Long, long[] > e : positions.entrySet() )
		{
			if ( e.getKey() < 1 )
				throw new LabelException( "Class values are positive; got " + e.getKey() );
			final long[] sorted = Arrays.stream( e.getValue() ).distinct().sorted().toArray();
			if ( sorted.length == 0 )
				continue;
			if ( sorted[ 0 ] < 0 || sorted[ sorted.length - 1 ] >= width * height * planes )
				throw new LabelException( "A labelled pixel of class " + e.getKey() + " lies outside the image" );
			p.put( e.getKey(), sorted );
			counts.put( e.getKey(), ( long ) sorted.length );
		}
		if ( p.isEmpty() )
			throw new LabelException( "No labelled pixel" );
		if ( p.size() < 2 )
			throw new LabelException( "A single class is labelled (" + p.firstKey() + "); label at least two classes to train a classifier" );
		return new Labels( width, height, planes, p, counts );
	}

	/** The shape without its leading axes of length 1. */
	static long[] squeeze( final long[] shape )
	{
		int d = 0;
		while ( d < shape.length - 2 && shape[ d ] == 1 )
			d++;
		return Arrays.copyOfRange( shape, d, shape.length );
	}

	static long value( final Object data, final int i, final DataType type )
	{
		switch ( type )
		{
		case UINT8:
			return ( ( byte[] ) data )[ i ] & 0xff;
		case INT8:
			return ( ( byte[] ) data )[ i ];
		case UINT16:
			return ( ( short[] ) data )[ i ] & 0xffff;
		case INT16:
			return ( ( short[] ) data )[ i ];
		case UINT32:
			return ( ( int[] ) data )[ i ] & 0xffffffffL;
		case INT32:
			return ( ( int[] ) data )[ i ];
		case UINT64:
		{
			final long v = ( ( long[] ) data )[ i ];
			if ( v < 0 )
				throw new LabelException( "A label value exceeds 2^63 - 1" );
			return v;
		}
		case INT64:
			return ( ( long[] ) data )[ i ];
		default:
			throw new LabelException( "Labels of type " + type + " are not integers" );
		}
	}

	/** A uniform random choice of at most {@code capacity} of the values offered (Algorithm R). */
	private static final class Reservoir
	{
		private final int capacity;

		private long[] store;

		private int size;

		long seen;

		Reservoir( final int capacity )
		{
			this.capacity = capacity;
			this.store = new long[ Math.min( capacity, 1 << 12 ) ];
		}

		void offer( final long value, final Random random )
		{
			seen++;
			if ( size < capacity )
			{
				if ( size == store.length )
					store = Arrays.copyOf( store, ( int ) Math.min( capacity, 2L * store.length ) );
				store[ size++ ] = value;
				return;
			}
			final long j = ( long ) ( random.nextDouble() * seen );
			if ( j < capacity )
				store[ ( int ) j ] = value;
		}

		long[] sorted()
		{
			final long[] out = Arrays.copyOf( store, size );
			Arrays.sort( out );
			return out;
		}
	}
}
