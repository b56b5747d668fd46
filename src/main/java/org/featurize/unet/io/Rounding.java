package org.featurize.unet.io;

import java.util.Locale;

import org.featurize.unet.FeaturizeException;

/**
 * How stored features are rounded so that they compress; see {@link StoredValues}.
 */
public enum Rounding
{
	/**
	 * One step for each channel of each chunk: the step that {@code keep_bits} mantissa bits give the channel's
	 * largest finite |value| in the chunk (block floating point). Every value is within 2<sup>-(bits + 1)</sup> of
	 * that largest value; small values keep fewer bits, which is where the bytes go.
	 */
	BLOCK,
	/** Each value keeps {@code keep_bits} mantissa bits (numcodecs' {@code BitRound}): within 2<sup>-(bits + 1)</sup> of itself. */
	VALUE,
	/** Exact: values stored as computed (float16 still rounds each to its 10 bits). */
	NONE;

	/** The name users type: {@code block}, {@code value} or {@code none}. */
	public String label()
	{
		return name().toLowerCase( Locale.ROOT );
	}

	public static Rounding parse( final String name )
	{
		final String n = name == null || name.isBlank() ? "block" : name.trim().toLowerCase( Locale.ROOT );
		for ( final Rounding r : values() )
			if ( r.label().equals( n ) )
				return r;
		throw new FeaturizeException( "Unknown rounding \"" + name + "\"; expected \"block\", \"value\" or \"none\"" );
	}
}
