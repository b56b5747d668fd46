package org.featurize.unet.io;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.function.Supplier;

import org.featurize.unet.zarr.Half;

/**
 * What happens to feature values on their way to disk: rounding to fewer mantissa bits, so that the output
 * compresses, and a range check for float16.
 * <p>
 * Rounding keeps {@code keepBits} of the 23 mantissa bits of each float32 value, rounding to nearest with ties to
 * even (the {@code BitRound} of numcodecs and of the climate community): the relative error of a value is at
 * most 2<sup>-(keepBits + 1)</sup>, and the zeroed low bits are what Blosc's bit shuffle and LZ4 then store in
 * almost no bytes. The stored values are plain floats, so every Zarr reader reads them without a filter. With the
 * default 13 bits a value is within 6.2e-5 of itself, under the 1e-4 of the largest feature that the model's
 * float32 result is checked to; 23 bits keep the values exact. NaN and infinities pass unchanged.
 * <p>
 * float16 stores at most 65504: a feature beyond that would be stored as infinity, silently losing it, so
 * {@link #apply} refuses it with a message that says what to do instead.
 */
public final class StoredValues implements Serializable
{
	private static final long serialVersionUID = 1L;

	/** The mantissa bits of float32. */
	public static final int FLOAT32_MANTISSA_BITS = 23;

	/** The largest finite float16. */
	public static final float FLOAT16_MAX = 65504f;

	private final OutputType type;

	private final int keepBits;

	public StoredValues( final OutputType type, final int keepBits )
	{
		if ( keepBits < 1 || keepBits > type.mantissaBits() )
			throw new IllegalArgumentException( "keep bits must be 1 to " + type.mantissaBits() + " for " + type.label() + ", got " + keepBits );
		this.type = type;
		this.keepBits = keepBits;
	}

	public OutputType type()
	{
		return type;
	}

	public int keepBits()
	{
		return keepBits;
	}

	/** The largest relative error rounding causes (0 when nothing is rounded away beyond the type's own). */
	public double maxRelativeError()
	{
		return keepBits >= type.mantissaBits() ? 0 : Math.scalb( 1.0, -( keepBits + 1 ) );
	}

	/**
	 * Rounds {@code values} in place and checks them against the output type's range.
	 *
	 * @param where
	 *            what the values are, for the message (a chunk of an output)
	 * @return {@code values}
	 * @throws OutputException
	 *             when a finite value does not fit float16
	 */
	public float[] apply( final float[] values, final Object where )
	{
		if ( keepBits < type.mantissaBits() ) // float16's own conversion rounds to its 10 bits
			round( values, keepBits );
		if ( type == OutputType.FLOAT16 )
			for ( final float v : values )
				checkHalf( v, where );
		return values;
	}

	/**
	 * What {@link #apply} and the Zarr layer's encoding make of {@code count} values, in one pass: reads them from
	 * {@code values} at index {@code from}, rounds and checks them, and puts their float32 or float16 bits into
	 * {@code out} from byte {@code at}, in {@code out}'s byte order.
	 *
	 * @param where
	 *            what the values are, for the message; asked only when a value is refused
	 * @throws OutputException
	 *             when a finite value does not fit float16
	 */
	void encode( final FloatBuffer values, final int from, final int count, final ByteBuffer out, final int at, final Supplier< ? > where )
	{
		final int drop = FLOAT32_MANTISSA_BITS - keepBits, half = drop == 0 ? 0 : ( 1 << ( drop - 1 ) ) - 1, mask = -1 << drop;
		final boolean round = keepBits < type.mantissaBits();
		if ( type == OutputType.FLOAT32 )
			for ( int i = 0; i < count; i++ )
			{
				final int bits = Float.floatToRawIntBits( values.get( from + i ) );
				out.putInt( at + 4 * i, round ? roundBits( bits, drop, half, mask ) : bits );
			}
		else
			for ( int i = 0; i < count; i++ )
			{
				float v = values.get( from + i );
				if ( round )
					v = Float.intBitsToFloat( roundBits( Float.floatToRawIntBits( v ), drop, half, mask ) );
				if ( Math.abs( v ) > FLOAT16_MAX )
					checkHalf( v, where.get() );
				out.putShort( at + 2 * i, Half.fromFloat( v ) );
			}
	}

	private static void checkHalf( final float v, final Object where )
	{
		if ( Math.abs( v ) > FLOAT16_MAX && v != Float.POSITIVE_INFINITY && v != Float.NEGATIVE_INFINITY )
			throw new OutputException( String.format( "A feature of %s is %.6g, beyond float16's largest value (65504), so it cannot be stored as "
					+ "float16 without becoming infinity. Use output_type=float32, or normalization=percentile (features then stay near "
					+ "the model's training range)", where, v ) );
	}

	/** One value as {@link #apply} stores it with {@code keep} of float32's mantissa bits. */
	public static float rounded( final float value, final int keep )
	{
		final float[] v = { value };
		if ( keep < FLOAT32_MANTISSA_BITS )
			round( v, keep );
		return v[ 0 ];
	}

	/** Rounds each value to {@code keep} mantissa bits, to nearest with ties to even; NaN and infinities unchanged. */
	static void round( final float[] values, final int keep )
	{
		final int drop = FLOAT32_MANTISSA_BITS - keep;
		final int half = ( 1 << ( drop - 1 ) ) - 1;
		final int mask = -1 << drop;
		for ( int i = 0; i < values.length; i++ )
			values[ i ] = Float.intBitsToFloat( roundBits( Float.floatToRawIntBits( values[ i ] ), drop, half, mask ) );
	}

	/** The bits of a float rounded to {@code 23 - drop} mantissa bits; NaN and infinities unchanged. */
	private static int roundBits( final int bits, final int drop, final int half, final int mask )
	{
		if ( ( bits & 0x7f800000 ) == 0x7f800000 )
			return bits;
		// a carry out of the mantissa moves to the next binade, and from the largest float to infinity, as it must
		return ( bits + half + ( ( bits >>> drop ) & 1 ) ) & mask;
	}

	@Override
	public String toString()
	{
		return type.label() + ( keepBits < type.mantissaBits() ? ", " + keepBits + " mantissa bits kept" : "" );
	}
}
