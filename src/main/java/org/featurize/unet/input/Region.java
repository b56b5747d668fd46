package org.featurize.unet.input;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A sub-volume of the input, as the {@code region} parameter gives it: one part per axis of the input (channel
 * axis left out), in NumPy's order {@code (t, z, y, x)} (fewer axes for 3D and 2D input), separated by commas.
 * A part is {@code start:stop} (pixels {@code start} to {@code stop - 1}, as a NumPy slice), with either end left
 * out for that edge of the axis; an empty part (or {@code :}) is the whole axis; one number {@code i} is the
 * single plane {@code i:i+1}. Example: {@code 0:2,10:20,0:512,256:768}. Parsed here; checked against the input's
 * shape by {@link #resolve}.
 */
public final class Region
{
	/** How the parameter is written, for messages. */
	public static final String SYNTAX = "one start:stop per axis of the input, in (t, z, y, x) order (fewer axes for 3D and 2D input), "
			+ "e.g. region=0:2,10:20,0:512,256:768 (start or stop left out: that edge of the axis; an empty part or \":\": the whole axis; "
			+ "one number i: the plane i:i+1)";

	private final String text;

	/** Per part, {start, stop}, each -1 where left out. */
	private final long[][] parts;

	private Region( final String text, final long[][] parts )
	{
		this.text = text;
		this.parts = parts;
	}

	/** The region that {@code text} gives, or null for none (null or blank: the whole input); refuses bad syntax. */
	public static Region parse( final String text )
	{
		if ( text == null || text.isBlank() )
			return null;
		final String t = text.trim();
		final String[] split = t.split( ",", -1 );
		final long[][] parts = new long[ split.length ][];
		for ( int i = 0; i < split.length; i++ )
		{
			final String part = split[ i ].trim();
			try
			{
				parts[ i ] = part( part );
			}
			catch ( final NumberFormatException e )
			{
				throw new InputException( String.format( Locale.ROOT, "region \"%s\" is not valid: part %d, \"%s\", is not start:stop with "
						+ "whole numbers from 0; expected %s", t, i + 1, part, SYNTAX ) );
			}
		}
		return new Region( t, parts );
	}

	private static long[] part( final String part )
	{
		if ( part.isEmpty() || part.equals( ":" ) )
			return new long[] { -1, -1 };
		final int colon = part.indexOf( ':' );
		if ( colon < 0 )
		{
			final long i = number( part );
			return new long[] { i, i + 1 };
		}
		final String a = part.substring( 0, colon ).trim(), b = part.substring( colon + 1 ).trim();
		return new long[] { a.isEmpty() ? -1 : number( a ), b.isEmpty() ? -1 : number( b ) };
	}

	private static long number( final String s )
	{
		if ( !s.matches( "[0-9]+" ) )
			throw new NumberFormatException( s );
		return Long.parseLong( s );
	}

	/** The region as the user wrote it. */
	public String text()
	{
		return text;
	}

	/** The number of parts (axes) given. */
	public int rank()
	{
		return parts.length;
	}

	/**
	 * The region in an input of {@code shape} (NumPy order, channel axis left out) whose axes are {@code names}:
	 * per axis {start, stop}. Refuses a region with another number of parts than the input has axes, an empty one,
	 * and one that reaches beyond the input.
	 */
	public long[][] resolve( final long[] shape, final List< String > names )
	{
		if ( parts.length != shape.length )
			throw new InputException( String.format( Locale.ROOT, "region \"%s\" has %d part%s, but the input has %d axes %s of shape %s: "
					+ "give %s", text, parts.length, parts.length == 1 ? "" : "s", shape.length, axes( names ), Arrays.toString( shape ), SYNTAX ) );
		final long[][] out = new long[ shape.length ][];
		for ( int d = 0; d < shape.length; d++ )
		{
			final long start = parts[ d ][ 0 ] < 0 ? 0 : parts[ d ][ 0 ], stop = parts[ d ][ 1 ] < 0 ? shape[ d ] : parts[ d ][ 1 ];
			if ( start >= stop )
				throw new InputException( String.format( Locale.ROOT, "region \"%s\" is empty along %s: %d:%d (start must be below stop)",
						text, names.get( d ), start, stop ) );
			if ( stop > shape[ d ] )
				throw new InputException( String.format( Locale.ROOT, "region \"%s\" reaches beyond the input along %s: %d:%d, but %s has %d "
						+ "pixel%s (0:%d); the input's shape is %s %s", text, names.get( d ), start, stop, names.get( d ), shape[ d ],
						shape[ d ] == 1 ? "" : "s", shape[ d ], axes( names ), Arrays.toString( shape ) ) );
			out[ d ] = new long[] { start, stop };
		}
		return out;
	}

	/** The bounds as a list of [start, stop] lists, as the run record stores them. */
	public static List< List< Long > > toList( final long[][] bounds )
	{
		final List< List< Long > > list = new ArrayList<>();
		for ( final long[] b : bounds )
			list.add( List.of( b[ 0 ], b[ 1 ] ) );
		return list;
	}

	/** The bounds written as the parameter writes them: {@code 0:2,10:20,...}. */
	public static String format( final long[][] bounds )
	{
		final StringBuilder s = new StringBuilder();
		for ( final long[] b : bounds )
			s.append( s.length() == 0 ? "" : "," ).append( b[ 0 ] ).append( ':' ).append( b[ 1 ] );
		return s.toString();
	}

	private static String axes( final List< String > names )
	{
		return "(" + String.join( ", ", names ) + ")";
	}

	@Override
	public String toString()
	{
		return text;
	}
}
