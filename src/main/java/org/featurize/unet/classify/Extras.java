package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.featurize.unet.compute.ExtraChannels;

/**
 * The inputs a classifier reads after the features, in order: each a fixed operation of them ({@link Coherence},
 * {@link Minimum}), their channels one after another. A classifier file lists their records under
 * {@link PixelClassifier#EXTRA}, in this order; two sets are the same when their records are.
 */
public final class Extras implements ExtraChannels
{
	private final List< ExtraInput > inputs;

	private Extras( final List< ExtraInput > inputs )
	{
		this.inputs = List.copyOf( inputs );
	}

	/** The inputs given that are not null, in order; null where none is. */
	public static Extras of( final ExtraInput... inputs )
	{
		final List< ExtraInput > l = new ArrayList<>();
		for ( final ExtraInput i : inputs )
			if ( i != null )
				l.add( i );
		return l.isEmpty() ? null : new Extras( l );
	}

	public List< ExtraInput > inputs()
	{
		return inputs;
	}

	/** The coherence among them, or null. */
	public Coherence coherence()
	{
		return find( Coherence.class );
	}

	/** The minimum among them, or null. */
	public Minimum minimum()
	{
		return find( Minimum.class );
	}

	private < T > T find( final Class< T > type )
	{
		for ( final ExtraInput i : inputs )
			if ( type.isInstance( i ) )
				return type.cast( i );
		return null;
	}

	/** What a classifier file lists of them. */
	public List< Map< String, Object > > toRecord()
	{
		final List< Map< String, Object > > l = new ArrayList<>();
		for ( final ExtraInput i : inputs )
			l.add( i.toRecord() );
		return l;
	}

	/**
	 * The inputs a classifier file lists; refuses an operation this version does not compute (a newer file), and a
	 * malformed list, by name.
	 */
	public static Extras fromRecord( final Object record, final String file )
	{
		if ( !( record instanceof List ) || ( ( List< ? > ) record ).isEmpty() )
			throw new LabelException( "Classifier " + file + " is damaged: its extra inputs " + record + " are not a list of operations" );
		final List< ExtraInput > l = new ArrayList<>();
		for ( final Object r : ( List< ? > ) record )
		{
			final Object op = r instanceof Map ? ( ( Map< ?, ? > ) r ).get( "op" ) : null;
			if ( Coherence.OP.equals( op ) )
				l.add( Coherence.fromRecord( r, file ) );
			else if ( Minimum.OP.equals( op ) )
				l.add( Minimum.fromRecord( ( Map< ?, ? > ) r, file ) );
			else
				throw new LabelException( "Classifier " + file + " asks for an extra input this version does not compute (" + r
						+ "): update featurize-unet, or train again" );
		}
		return new Extras( l );
	}

	@Override
	public int count()
	{
		int n = 0;
		for ( final ExtraInput i : inputs )
			n += i.count();
		return n;
	}

	@Override
	public int margin()
	{
		int m = 0;
		for ( final ExtraInput i : inputs )
			m = Math.max( m, i.margin() );
		return m;
	}

	@Override
	public int channelsRead()
	{
		int c = 0;
		for ( final ExtraInput i : inputs )
			c = Math.max( c, i.channelsRead() );
		return c;
	}

	@Override
	public String name( final int c )
	{
		int k = c;
		for ( final ExtraInput i : inputs )
		{
			if ( k < i.count() )
				return i.name( k );
			k -= i.count();
		}
		throw new IndexOutOfBoundsException( "Extra channel " + c + " of " + count() );
	}

	@Override
	public void compute( final Source features, final int width, final int height, final int outX, final int outY, final int outWidth,
			final int outHeight, final float[] out )
	{
		final int n = outWidth * outHeight;
		int o = 0;
		for ( final ExtraInput i : inputs )
		{
			if ( o == 0 )
				i.compute( features, width, height, outX, outY, outWidth, outHeight, out );
			else
			{
				final float[] part = new float[ i.count() * n ];
				i.compute( features, width, height, outX, outY, outWidth, outHeight, part );
				System.arraycopy( part, 0, out, o * n, part.length );
			}
			o += i.count();
		}
	}

	@Override
	public boolean equals( final Object o )
	{
		return o instanceof Extras && toRecord().equals( ( ( Extras ) o ).toRecord() );
	}

	@Override
	public int hashCode()
	{
		return Objects.hash( toRecord() );
	}

	@Override
	public String toString()
	{
		final List< String > s = new ArrayList<>();
		for ( final ExtraInput i : inputs )
			s.add( i.toString() );
		return String.join( " and ", s );
	}

	/** The numbers of a classifier file's list (a coherence's scales, a minimum's radii); refuses another value by name. */
	static double[] numbers( final List< ? > list, final String what, final String file )
	{
		final double[] v = new double[ list.size() ];
		for ( int i = 0; i < v.length; i++ )
		{
			if ( !( list.get( i ) instanceof Number ) )
				throw new LabelException( "Classifier " + file + " is damaged: " + what + " " + list.get( i ) + " is not a number" );
			v[ i ] = ( ( Number ) list.get( i ) ).doubleValue();
		}
		return v;
	}
}
