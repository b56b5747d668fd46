package org.featurize.unet.io;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

import org.featurize.unet.zarr.Half;

/**
 * What happens to feature values on their way to disk: rounding, so that the output compresses, and a range check
 * for float16.
 * <p>
 * Float features barely compress as computed: their low mantissa bits are noise. Rounding zeroes them, and Blosc's
 * bit shuffle and LZ4 then store the zeroed bits in almost no bytes. The stored values are plain floats, so every
 * Zarr reader reads them without a filter. Three ways ({@link Rounding}):
 * <ul>
 * <li>{@link Rounding#BLOCK} (the default): each channel of each chunk is rounded to one step, the one that
 * {@code keepBits} mantissa bits give the channel's largest finite |value| in the chunk (block floating point;
 * round to nearest, ties to even). Every value is within 2<sup>-(keepBits + 1)</sup> of that largest value, so
 * within as much of the largest feature anywhere: with the default 13 bits, 6.1e-5, under the 1e-4 of the largest
 * feature that the model's float32 result is checked to. Values smaller than the largest keep fewer significant
 * bits: on the shipped model's features, whose median is 2 % of the channel's largest, that stores 0.49 of the
 * Python original's bytes, against 0.63 with the same bits per value.</li>
 * <li>{@link Rounding#VALUE}: each value keeps {@code keepBits} of float32's 23 mantissa bits, rounded to nearest
 * with ties to even (the {@code BitRound} of numcodecs): within 2<sup>-(keepBits + 1)</sup> of itself. All the
 * type's bits keep the values exact.</li>
 * <li>{@link Rounding#NONE}: the values as computed.</li>
 * </ul>
 * NaN and infinities pass unchanged and do not set a channel's step. float16 stores at most 65504: a feature beyond
 * that would be stored as infinity, silently losing it, so {@link #apply} and {@link #encode} refuse it with a
 * message that says what to do instead.
 */
public final class StoredValues implements Serializable
{
	private static final long serialVersionUID = 2L;

	/** The mantissa bits of float32. */
	public static final int FLOAT32_MANTISSA_BITS = 23;

	/** The largest finite float16. */
	public static final float FLOAT16_MAX = 65504f;

	/**
	 * 1.5 * 2<sup>23</sup>: adding and subtracting it rounds a float of magnitude below 2<sup>22</sup> to an integer,
	 * to nearest even (Java's float arithmetic is IEEE's, never reassociated).
	 */
	private static final float ROUNDER = 0x1.8p23f;

	/** The values one vectorized loop of {@link Rounding#BLOCK} takes; 16 kB of floats, in the first-level cache. */
	private static final int LANES = 4096;

	private final OutputType type;

	private final int keepBits;

	private final Rounding rounding;

	/**
	 * @param keepBits
	 *            1 to the type's mantissa bits; not used by {@link Rounding#NONE}
	 */
	public StoredValues( final OutputType type, final int keepBits, final Rounding rounding )
	{
		if ( keepBits < 1 || keepBits > type.mantissaBits() )
			throw new IllegalArgumentException( "keep bits must be 1 to " + type.mantissaBits() + " for " + type.label() + ", got " + keepBits );
		this.type = type;
		this.keepBits = keepBits;
		this.rounding = rounding;
	}

	/** The values as computed, in {@code type}. */
	public static StoredValues exact( final OutputType type )
	{
		return new StoredValues( type, type.mantissaBits(), Rounding.NONE );
	}

	public OutputType type()
	{
		return type;
	}

	public int keepBits()
	{
		return keepBits;
	}

	public Rounding rounding()
	{
		return rounding;
	}

	/**
	 * The largest error rounding causes beyond the type's own: relative to the value ({@link Rounding#VALUE}) or to
	 * the largest |value| of the channel in the chunk ({@link Rounding#BLOCK}); 0 when nothing is rounded.
	 */
	public double maxError()
	{
		return rounds() ? Math.scalb( 1.0, -( keepBits + 1 ) ) : 0;
	}

	private boolean rounds()
	{
		return rounding == Rounding.BLOCK || rounding == Rounding.VALUE && keepBits < type.mantissaBits();
	}

	/**
	 * Rounds {@code values} in place and checks them against the output type's range.
	 *
	 * @param values
	 *            one chunk, {@code channels} interleaved (channel fastest); {@link Rounding#BLOCK} gives each channel
	 *            its own step
	 * @param where
	 *            what the values are, for the message (a chunk of an output)
	 * @return {@code values}
	 * @throws OutputException
	 *             when a finite value does not fit float16
	 */
	public float[] apply( final float[] values, final int channels, final Object where )
	{
		checkPixels( values.length, channels );
		if ( rounding == Rounding.BLOCK )
		{
			final Block block = new Block( FloatBuffer.wrap( values ), 0, values.length, values.length, 1, channels );
			for ( int s = 0; s < values.length; s += block.lanes )
				block.round( values, s, Math.min( block.lanes, values.length - s ) );
		}
		else if ( rounds() )
			round( values, keepBits );
		if ( type == OutputType.FLOAT16 )
			for ( final float v : values )
				checkHalf( v, where );
		return values;
	}

	/**
	 * What {@link #apply} and the Zarr layer's encoding make of one chunk, in one pass over the values where they
	 * lie: reads {@code rows} rows of {@code rowValues} values (whole pixels of {@code channels} interleaved
	 * channels), row {@code r} from index {@code from + r * rowStride} of {@code values}; rounds and checks them; and
	 * puts their float32 or float16 bits into {@code out} from byte {@code at + r * outRowStride}, in {@code out}'s
	 * byte order. {@link Rounding#BLOCK} takes each channel's step from these rows alone.
	 *
	 * @param where
	 *            what the values are, for the message; asked only when a value is refused
	 * @throws OutputException
	 *             when a finite value does not fit float16
	 */
	public void encode( final FloatBuffer values, final int from, final int rowStride, final int rowValues, final int rows, final int channels,
			final ByteBuffer out, final int at, final int outRowStride, final Supplier< ? > where )
	{
		checkPixels( rowValues, channels );
		if ( rounding == Rounding.BLOCK )
		{
			final Block block = new Block( values, from, rowStride, rowValues, rows, channels );
			final FloatBuffer outFloats = type == OutputType.FLOAT32 ? out.asFloatBuffer() : null;
			final ShortBuffer outHalves = block.exactHalves ? out.asShortBuffer() : null;
			final float[] buffer = block.buffer;
			for ( int r = 0; r < rows; r++ )
				for ( int s = 0; s < rowValues; s += block.lanes )
				{
					final int n = Math.min( block.lanes, rowValues - s ), o = at + r * outRowStride;
					values.get( from + r * rowStride + s, buffer, 0, n );
					block.round( buffer, 0, n );
					if ( outFloats != null )
						outFloats.put( o / 4 + s, buffer, 0, n );
					else if ( outHalves == null || !exactHalves( buffer, n, block.halves ) )
						putHalves( buffer, n, out, o + 2 * s, where ); // also where a value is beyond float16, to refuse it
					else
						outHalves.put( o / 2 + s, block.halves, 0, n );
				}
		}
		else
			for ( int r = 0; r < rows; r++ )
				encodeValues( values, from + r * rowStride, rowValues, out, at + r * outRowStride, where );
	}

	private static void checkPixels( final int values, final int channels )
	{
		if ( channels < 1 || values % channels != 0 )
			throw new IllegalArgumentException( values + " values are not whole pixels of " + channels + " channels" );
	}

	/**
	 * The float16 bits of {@code n} values that float16 holds exactly, without {@link Half#fromFloat}'s rounding:
	 * false, with {@code halves} unfinished, when a value is beyond float16's largest (or infinite).
	 */
	private static boolean exactHalves( final float[] values, final int n, final short[] halves )
	{
		int largest = 0;
		for ( int i = 0; i < n; i++ )
		{
			final int bits = Float.floatToRawIntBits( values[ i ] ), abs = bits & 0x7fffffff;
			largest = Math.max( largest, abs );
			// a normal float16: the exponent rebased and the 10 kept bits; below 2^-14 a multiple of 2^-24
			final int magnitude = abs >= 0x38800000 ? ( abs - 0x38000000 ) >>> 13 : ( int ) ( Float.intBitsToFloat( abs ) * 0x1p24f );
			halves[ i ] = ( short ) ( ( bits >>> 16 ) & 0x8000 | magnitude );
		}
		return largest <= Float.floatToRawIntBits( FLOAT16_MAX );
	}

	private static void putHalves( final float[] values, final int n, final ByteBuffer out, final int at, final Supplier< ? > where )
	{
		for ( int i = 0; i < n; i++ )
		{
			final float v = values[ i ];
			if ( Math.abs( v ) > FLOAT16_MAX )
				checkHalf( v, where.get() );
			out.putShort( at + 2 * i, Half.fromFloat( v ) );
		}
	}

	private void encodeValues( final FloatBuffer values, final int from, final int count, final ByteBuffer out, final int at, final Supplier< ? > where )
	{
		final int drop = FLOAT32_MANTISSA_BITS - keepBits, half = drop == 0 ? 0 : ( 1 << ( drop - 1 ) ) - 1, mask = -1 << drop;
		final boolean round = rounds();
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

	/** The arrays of one thread's {@link Block}s, so that encoding a chunk allocates nothing. */
	private static final ThreadLocal< Scratch > SCRATCH = ThreadLocal.withInitial( () -> new Scratch( LANES ) );

	private static final class Scratch
	{
		final float[] largest, buffer, scale, step;

		final short[] halves;

		Scratch( final int lanes )
		{
			halves = new short[ lanes ];
			largest = new float[ lanes ];
			buffer = new float[ lanes ];
			scale = new float[ lanes ];
			step = new float[ lanes ];
		}
	}

	/**
	 * The steps of one chunk under {@link Rounding#BLOCK}. The loops run over "lanes": runs of whole pixels as long
	 * as {@link #LANES} values, each lane with its channel's scale and step, which the JIT compiles to vector
	 * instructions (a 4x faster largest value and 2x faster rounding than a loop that indexes the channel).
	 */
	private final class Block
	{
		final int lanes;

		/** The scale (2^(keepBits - e)) and step (2^(e - keepBits)) of each lane's channel, in float. */
		private final float[] laneScale, laneStep;

		/** The same in double, for the channels whose steps are beyond float's normal range; null if none. */
		private final double[] scale, step;

		/** Whether a value is NaN, which the float arithmetic would not pass unchanged. */
		private boolean nan;

		/** {@link #lanes} values to copy rows into. */
		final float[] buffer;

		/**
		 * Whether every rounded value in float16's range is a float16 (each channel's step at least float16's
		 * smallest, 2^-24, at most 10 bits kept, no NaN); then {@link #halves} takes their bits.
		 */
		final boolean exactHalves;

		final short[] halves;

		Block( final FloatBuffer values, final int from, final int rowStride, final int rowValues, final int rows, final int channels )
		{
			lanes = channels * Math.max( 1, LANES / channels );
			final Scratch scratch = lanes <= LANES ? SCRATCH.get() : new Scratch( lanes );
			final float[] largest = scratch.largest;
			Arrays.fill( largest, 0, lanes, 0f );
			buffer = scratch.buffer;
			for ( int r = 0; r < rows; r++ )
				for ( int s = 0; s < rowValues; s += lanes )
				{
					final int n = Math.min( lanes, rowValues - s );
					values.get( from + r * rowStride + s, buffer, 0, n );
					for ( int j = 0; j < n; j++ )
						largest[ j ] = Math.max( largest[ j ], Math.abs( buffer[ j ] ) ); // NaN wins, infinity too
				}
			final float[] perChannel = new float[ channels ];
			boolean nonFinite = false;
			for ( int j = 0; j < lanes; j++ )
				if ( Float.isFinite( largest[ j ] ) )
					perChannel[ j % channels ] = Math.max( perChannel[ j % channels ], largest[ j ] );
				else
					nonFinite = true;
			if ( nonFinite ) // NaN or infinity: the largest finite value, again, one by one
				for ( int r = 0; r < rows; r++ )
					for ( int i = 0; i < rowValues; i++ )
					{
						final float v = values.get( from + r * rowStride + i );
						nan |= Float.isNaN( v );
						if ( Float.isFinite( v ) )
							perChannel[ i % channels ] = Math.max( perChannel[ i % channels ], Math.abs( v ) );
					}
			laneScale = scratch.scale;
			laneStep = scratch.step;
			boolean normal = keepBits <= 21; // v * scale stays below 2^(keepBits + 1), which roundFloat needs below 2^22
			final double[] s = new double[ channels ], t = new double[ channels ];
			for ( int c = 0; c < channels; c++ )
			{
				// only zeros: nothing to round (scale 1, step 1); else the largest value's binade keeps keepBits bits
				final int e = perChannel[ c ] == 0 ? keepBits : Math.getExponent( ( double ) perChannel[ c ] );
				s[ c ] = Math.scalb( 1.0, keepBits - e );
				t[ c ] = Math.scalb( 1.0, e - keepBits );
				normal &= Math.abs( keepBits - e ) <= Float.MAX_EXPONENT - 1;
			}
			for ( int j = 0; j < lanes; j++ )
			{
				laneScale[ j ] = ( float ) s[ j % channels ];
				laneStep[ j ] = ( float ) t[ j % channels ];
			}
			scale = normal && !nan ? null : s;
			step = normal && !nan ? null : t;
			boolean exact = type == OutputType.FLOAT16 && scale == null && keepBits <= Half.MANTISSA_BITS;
			for ( int c = 0; c < channels; c++ )
				exact &= t[ c ] >= 0x1p-24;
			exactHalves = exact;
			halves = exact ? scratch.halves : null;
		}

		/** Rounds {@code n} values (whole pixels) of {@code v} from index {@code at} in place. */
		void round( final float[] v, final int at, final int n )
		{
			if ( scale == null )
			{
				final float[] a = laneScale, b = laneStep;
				for ( int j = 0; j < n; j++ ) // (x * scale + 1.5 * 2^23 - 1.5 * 2^23) rounds x * scale to an integer, ties to even
					v[ at + j ] = ( v[ at + j ] * a[ j ] + ROUNDER - ROUNDER ) * b[ j ];
			}
			else
			{
				final int channels = scale.length;
				for ( int j = 0; j < n; j++ )
					if ( !Float.isNaN( v[ at + j ] ) ) // doubles hold every step and its inverse exactly
						v[ at + j ] = ( float ) ( Math.rint( v[ at + j ] * scale[ j % channels ] ) * step[ j % channels ] );
			}
		}
	}

	private static void checkHalf( final float v, final Object where )
	{
		if ( Math.abs( v ) > FLOAT16_MAX && v != Float.POSITIVE_INFINITY && v != Float.NEGATIVE_INFINITY )
			throw new OutputException( String.format( "A feature of %s is %.6g, beyond float16's largest value (65504), so it cannot be stored as "
					+ "float16 without becoming infinity. Use output_type=float32, or normalization=percentile (features then stay near "
					+ "the model's training range)", where, v ) );
	}

	/** One value as {@link Rounding#VALUE} stores it with {@code keep} of float32's mantissa bits. */
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
		return type.label() + ( !rounds() ? ", exact" : ", " + keepBits + " mantissa bits kept " + ( rounding == Rounding.BLOCK ? "per channel and chunk" : "per value" ) );
	}
}
