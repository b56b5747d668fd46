package org.featurize.unet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredValuesTest
{
	/** Finite floats of every magnitude and sign, plus the values where rounding carries into the exponent. */
	static float[] samples( final int n, final long seed )
	{
		final Random random = new Random( seed );
		final float[] v = new float[ n ];
		for ( int i = 0; i < n; i++ )
		{
			final int bits = random.nextInt();
			final float f = Float.intBitsToFloat( bits );
			v[ i ] = Float.isFinite( f ) ? f : ( float ) random.nextGaussian();
		}
		v[ 0 ] = 0f;
		v[ 1 ] = -0f;
		v[ 2 ] = Float.MIN_VALUE;
		v[ 3 ] = Math.nextDown( 2f ); // all mantissa bits set: rounds up to 2
		v[ 4 ] = 1f + 0x1p-14f; // a tie at 13 bits: stays at the even 1
		v[ 5 ] = 1f + 0x1p-13f + 0x1p-14f; // a tie at 13 bits with an odd last bit: up
		v[ 6 ] = Float.MAX_VALUE;
		return v;
	}

	@Test
	void roundingAgreesWithNumcodecsBitRoundForEveryKeptBitCount( @TempDir final Path tmp ) throws IOException
	{
		final float[] values = samples( 20000, 3 );
		for ( final int keep : new int[] { 1, 5, 10, 13, 16, 22 } )
		{
			final float[] expected = python( tmp, values, keep,
					"from numcodecs import BitRound\n"
							+ "v = np.fromfile(sys.argv[1], dtype='<f4')\n"
							+ "with np.errstate(over='ignore', invalid='ignore'):\n"
							+ "    BitRound(keepbits=keep).encode(v).view('<f4').tofile(sys.argv[2])\n" );
			final float[] got = values.clone();
			StoredValues.round( got, keep );
			for ( int i = 0; i < got.length; i++ )
				assertEquals( Float.floatToRawIntBits( expected[ i ] ), Float.floatToRawIntBits( got[ i ] ),
						"keep " + keep + ", value " + values[ i ] + " (bits " + Integer.toHexString( Float.floatToRawIntBits( values[ i ] ) ) + ")" );
		}
	}

	@Test
	void theRelativeErrorIsWithinHalfAUnitOfTheLastKeptBit()
	{
		final float[] values = samples( 100000, 5 );
		for ( final int keep : new int[] { 7, 10, 13 } )
		{
			final StoredValues stored = new StoredValues( OutputType.FLOAT32, keep, Rounding.VALUE );
			final float[] rounded = stored.apply( values.clone(), 1, "test" );
			double worst = 0;
			for ( int i = 0; i < values.length; i++ )
				if ( values[ i ] != 0 && Float.isFinite( rounded[ i ] ) && Math.abs( values[ i ] ) >= Float.MIN_NORMAL )
					worst = Math.max( worst, Math.abs( ( ( double ) rounded[ i ] - values[ i ] ) / values[ i ] ) );
			assertTrue( worst <= stored.maxError(), "keep " + keep + ": " + worst + " > " + stored.maxError() );
			assertTrue( worst > stored.maxError() / 2, "keep " + keep + ": the bound is tight, " + worst );
		}
		assertEquals( 0x1p-14, new StoredValues( OutputType.FLOAT32, 13, Rounding.VALUE ).maxError() );
		assertTrue( new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ).maxError() < 1e-4, "the default stays within 1e-4" );
	}

	/**
	 * Five channels that test every corner of block rounding: features of a realistic spread with NaN and
	 * infinities among them, a channel a million times smaller, one of subnormals, one of zeros, one of floats of
	 * every magnitude.
	 */
	static float[] channels( final int pixels, final long seed, final boolean nonFinite )
	{
		final Random random = new Random( seed );
		final float[] v = new float[ pixels * 5 ];
		for ( int p = 0; p < pixels; p++ )
		{
			v[ 5 * p ] = ( float ) ( random.nextGaussian() * 1000 * Math.exp( random.nextGaussian() ) );
			v[ 5 * p + 1 ] = ( float ) ( random.nextGaussian() * 1e-3 );
			v[ 5 * p + 2 ] = Float.MIN_VALUE * random.nextInt( 5000 ) * ( random.nextBoolean() ? 1 : -1 );
			v[ 5 * p + 3 ] = random.nextBoolean() ? 0f : -0f;
			final float f = Float.intBitsToFloat( random.nextInt() );
			v[ 5 * p + 4 ] = Float.isFinite( f ) ? f : 1f;
		}
		if ( nonFinite )
		{
			v[ 5 * 7 ] = Float.NaN;
			v[ 5 * 8 ] = Float.POSITIVE_INFINITY;
			v[ 5 * 9 ] = Float.NEGATIVE_INFINITY;
			v[ 5 * 10 + 4 ] = Float.intBitsToFloat( 0x7f800001 ); // a NaN with a payload
		}
		return v;
	}

	@Test
	void blockRoundingAgreesWithNumPyForEveryKeptBitCount( @TempDir final Path tmp ) throws IOException
	{
		for ( final boolean nonFinite : new boolean[] { false, true } )
		{
			final float[] values = channels( 3000, 17, nonFinite );
			for ( final int keep : new int[] { 1, 5, 10, 13, 16, 21, 22, 23 } )
			{
				// the largest finite |value| of each channel sets its step: 2^(exponent of the largest - keep)
				final float[] expected = python( tmp, values, keep,
						"v = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, 5).astype(np.float64)\n"
								+ "largest = np.where(np.isfinite(v), np.abs(v), 0).max(axis=0)\n"
								+ "exponent = np.where(largest > 0, np.frexp(largest)[1] - 1, keep)\n"
								+ "step = np.ldexp(1.0, exponent - keep)\n"
								+ "r = np.where(np.isnan(v), v, np.round(v / step) * step).astype('<f4')\n"
								+ "nan = np.isnan(v)\n"
								+ "r[nan] = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, 5)[nan]\n"
								+ "r.tofile(sys.argv[2])\n" );
				final StoredValues stored = new StoredValues( OutputType.FLOAT32, keep, Rounding.BLOCK );
				final float[] applied = stored.apply( values.clone(), 5, "test" );
				// encoded from rows with gaps between them: short rows, and rows longer than one vectorized loop
				final float[] short_ = floats( encodeInRows( stored, values, 5, 40 ) ), long_ = floats( encodeInRows( stored, values, 5, 1000 ) );
				for ( int i = 0; i < values.length; i++ )
				{
					final String what = "keep " + keep + ", value " + values[ i ] + " of channel " + i % 5;
					assertEquals( Float.floatToRawIntBits( expected[ i ] ), Float.floatToRawIntBits( applied[ i ] ), what );
					assertEquals( Float.floatToRawIntBits( expected[ i ] ), Float.floatToRawIntBits( short_[ i ] ), what + ", encoded in short rows" );
					assertEquals( Float.floatToRawIntBits( expected[ i ] ), Float.floatToRawIntBits( long_[ i ] ), what + ", encoded in long rows" );
				}
			}
		}
	}

	/**
	 * What a NumPy {@code script} makes of {@code values}: it reads them from {@code sys.argv[1]} (float32,
	 * little-endian), finds {@code keep} set, and writes its floats to {@code sys.argv[2]}.
	 */
	static float[] python( final Path tmp, final float[] values, final int keep, final String script ) throws IOException
	{
		final Path in = tmp.resolve( "values.f4" ), out = tmp.resolve( "result.f4" );
		Files.write( in, bytes( values ) );
		External.run( List.of( External.python().toString(), "-c", "import sys, numpy as np\nkeep = int(sys.argv[3])\n" + script, in.toString(),
				out.toString(), Integer.toString( keep ) ), null, Duration.ofSeconds( 60 ) );
		return floats( Files.readAllBytes( out ) );
	}

	/** {@code values} encoded as float32, little-endian, {@code rowPixels} pixels a row, from a buffer with a gap between rows. */
	static byte[] encodeInRows( final StoredValues stored, final float[] values, final int channels, final int rowPixels )
	{
		final int row = rowPixels * channels, rows = values.length / row, stride = row + 3 * channels;
		final java.nio.FloatBuffer source = ByteBuffer.allocateDirect( 4 * ( 11 + rows * stride ) ).order( ByteOrder.nativeOrder() ).asFloatBuffer();
		for ( int r = 0; r < rows; r++ )
			source.put( 11 + r * stride, values, r * row, row );
		final int bytes = stored.type().dataType().bytesPerElement();
		final byte[] out = new byte[ values.length * bytes ];
		stored.encode( source, 11, stride, row, rows, channels, ByteBuffer.wrap( out ).order( ByteOrder.LITTLE_ENDIAN ), 0, row * bytes, () -> "test" );
		return out;
	}

	@Test
	void blockRoundingKeepsEachValueWithinHalfAStepOfItsChannelsLargest()
	{
		final float[] values = channels( 20000, 23, true );
		for ( final int keep : new int[] { 4, 10, 13 } )
		{
			final StoredValues stored = new StoredValues( OutputType.FLOAT32, keep, Rounding.BLOCK );
			final float[] rounded = stored.apply( values.clone(), 5, "test" );
			final double[] largest = new double[ 5 ], worst = new double[ 5 ];
			for ( int i = 0; i < values.length; i++ )
				if ( Float.isFinite( values[ i ] ) )
					largest[ i % 5 ] = Math.max( largest[ i % 5 ], Math.abs( values[ i ] ) );
			for ( int i = 0; i < values.length; i++ )
				if ( Float.isFinite( values[ i ] ) && Float.isFinite( rounded[ i ] ) ) // near the largest float a carry overflows, as in rounding each value
					worst[ i % 5 ] = Math.max( worst[ i % 5 ], Math.abs( ( double ) rounded[ i ] - values[ i ] ) );
				else if ( !Float.isFinite( values[ i ] ) )
					assertEquals( Float.floatToRawIntBits( values[ i ] ), Float.floatToRawIntBits( rounded[ i ] ), "non-finite values pass unchanged" );
			for ( final int c : new int[] { 0, 1, 4 } )
			{
				assertTrue( worst[ c ] <= stored.maxError() * largest[ c ], "keep " + keep + ", channel " + c + ": " + worst[ c ] / largest[ c ] );
				assertTrue( worst[ c ] > stored.maxError() * largest[ c ] / 4, "keep " + keep + ", channel " + c + ": the bound is near, " + worst[ c ] / largest[ c ] );
			}
			assertEquals( 0, worst[ 3 ], "zeros stay zeros" );
			// the largest value's binade keeps the bits that rounding per value keeps
			final float[] top = { values[ 0 ] };
			for ( int i = 0; i < values.length; i += 5 )
				if ( Float.isFinite( values[ i ] ) && Math.abs( values[ i ] ) > Math.abs( top[ 0 ] ) )
					top[ 0 ] = values[ i ];
			final float[] alone = { top[ 0 ], top[ 0 ] / 3 };
			assertEquals( StoredValues.rounded( top[ 0 ], keep ), stored.apply( alone, 1, "test" )[ 0 ] );
		}
		assertEquals( 0x1p-14, new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ).maxError() );
	}

	@Test
	void blockRoundingOfFloat16IsExactInFloat16AndSmallerThanRoundingEachValue( @TempDir final Path tmp ) throws IOException
	{
		final Random random = new Random( 5 );
		final float[] values = new float[ 16 * 10000 ];
		for ( int i = 0; i < values.length; i++ )
			values[ i ] = ( float ) ( random.nextGaussian() * ( 1 + i % 16 ) * Math.exp( random.nextGaussian() ) );
		final StoredValues block = new StoredValues( OutputType.FLOAT16, 10, Rounding.BLOCK );
		final float[] rounded = block.apply( values.clone(), 16, "test" );
		final byte[] encoded = encodeInRows( block, values, 16, 100 );
		final ByteBuffer halves = ByteBuffer.wrap( encoded ).order( ByteOrder.LITTLE_ENDIAN );
		for ( int i = 0; i < values.length; i++ )
			assertEquals( rounded[ i ], org.featurize.unet.zarr.Half.toFloat( halves.getShort( 2 * i ) ), "value " + i + " is a float16 as rounded" );
		final StoredValues value = new StoredValues( OutputType.FLOAT16, 10, Rounding.VALUE );
		final byte[] each = encodeInRows( value, values, 16, 100 );
		final long blockBytes = compressed( tmp.resolve( "block" ), encoded ), valueBytes = compressed( tmp.resolve( "value" ), each );
		assertTrue( blockBytes < 0.85 * valueBytes, "block rounding is what makes float16 compress: " + blockBytes + " vs " + valueBytes );
	}

	/** The bytes of float16 {@code raw} as one chunk compressed with Blosc LZ4 and bit shuffle. */
	private static long compressed( final Path dir, final byte[] raw ) throws IOException
	{
		final org.featurize.unet.zarr.ZarrArray array = org.featurize.unet.zarr.ZarrArray.create( dir, "", org.featurize.unet.zarr.ArraySpec.builder()
				.shape( new long[] { raw.length / 2 } ).chunks( new int[] { raw.length / 2 } ).dataType( org.featurize.unet.zarr.DataType.FLOAT16 )
				.byteOrder( ByteOrder.LITTLE_ENDIAN ).compressor( org.featurize.unet.zarr.Compressor.blosc( "lz4", 5, org.featurize.unet.zarr.Shuffle.BIT ) )
				.zarrFormat( 2 ).build() );
		array.writeChunkBytes( new long[] { 0 }, raw );
		return Files.size( dir.resolve( "0" ) );
	}

	@Test
	void float16EncodingIsTheConversionOfTheRoundedValues()
	{
		final Random random = new Random( 31 );
		// channels whose float16 values are normal and subnormal, one whose step is below float16's smallest (2^-24),
		// one of zeros; then the same with an infinity, and with a NaN, which take the slower paths
		final float[] scales = { 100f, 0x1p-6f, 0x1p-16f, 0f };
		for ( final float special : new float[] { 0f, Float.POSITIVE_INFINITY, Float.NaN } )
			for ( final int keep : new int[] { 10, 7, 3 } )
			{
				final float[] values = new float[ 4 * 3000 ];
				for ( int i = 0; i < values.length; i++ )
					values[ i ] = ( float ) ( random.nextGaussian() * scales[ i % 4 ] );
				values[ 4 * 1234 + 1 ] = special == 0f ? values[ 4 * 1234 + 1 ] : special;
				final StoredValues stored = new StoredValues( OutputType.FLOAT16, keep, Rounding.BLOCK );
				final float[] rounded = stored.apply( values.clone(), 4, "test" );
				final ByteBuffer halves = ByteBuffer.wrap( encodeInRows( stored, values, 4, 1500 ) ).order( ByteOrder.LITTLE_ENDIAN );
				int subnormals = 0;
				for ( int i = 0; i < values.length; i++ )
				{
					final short h = halves.getShort( 2 * i );
					assertEquals( org.featurize.unet.zarr.Half.fromFloat( rounded[ i ] ), h, "keep " + keep + ", " + special + ", value " + i + ": " + values[ i ] );
					subnormals += ( h & 0x7c00 ) == 0 && ( h & 0x3ff ) != 0 ? 1 : 0;
				}
				assertTrue( subnormals > 100, "float16 subnormals were encoded: " + subnormals );
			}
	}

	@Test
	void nonFiniteValuesPassUnchangedAndAllBitsKeepEverything()
	{
		final float nanWithPayload = Float.intBitsToFloat( 0x7f800001 );
		final float[] v = { Float.NaN, nanWithPayload, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.2345678f };
		for ( final Rounding rounding : new Rounding[] { Rounding.VALUE, Rounding.BLOCK } )
		{
			final float[] r = new StoredValues( OutputType.FLOAT32, 3, rounding ).apply( v.clone(), 1, "test" );
			for ( int i = 0; i < 4; i++ )
				assertEquals( Float.floatToRawIntBits( v[ i ] ), Float.floatToRawIntBits( r[ i ] ), rounding + ", value " + i );
			assertEquals( 1.25f, r[ 4 ], rounding.label() );
		}
		final float[] exact = samples( 1000, 9 );
		assertArrayEquals( exact, new StoredValues( OutputType.FLOAT32, 23, Rounding.VALUE ).apply( exact.clone(), 1, "test" ) );
		assertArrayEquals( exact, StoredValues.exact( OutputType.FLOAT32 ).apply( exact.clone(), 1, "test" ) );
		assertArrayEquals( exact, new StoredValues( OutputType.FLOAT32, 13, Rounding.NONE ).apply( exact.clone(), 1, "test" ) );
	}

	@Test
	void float16RefusesAFeatureItCannotHoldAndNamesTheWayOut()
	{
		for ( final Rounding rounding : Rounding.values() )
		{
			final StoredValues half = new StoredValues( OutputType.FLOAT16, 10, rounding );
			final float[] fine = { 65504f, -65504f, 0f, Float.NaN, Float.POSITIVE_INFINITY };
			assertArrayEquals( fine, half.apply( fine.clone(), 1, "chunk [0]" ), rounding.label() );
			final OutputException e = assertThrows( OutputException.class, () -> half.apply( new float[] { 1f, -70000f }, 1, "chunk [0, 3] of out.zarr" ) );
			assertTrue( e.getMessage().startsWith( "A feature of chunk [0, 3] of out.zarr is -7" ) && e.getMessage().contains( "beyond float16's largest value (65504)" ),
					e.getMessage() );
			assertTrue( e.getMessage().contains( "output_type=float32" ) && e.getMessage().contains( "normalization=percentile" ), e.getMessage() );
			final OutputException encoded = assertThrows( OutputException.class, () -> encodeInRows( half, new float[] { 1f, 2f, 3f, 70000f }, 1, 2 ) );
			assertTrue( encoded.getMessage().startsWith( "A feature of test is 7" ), encoded.getMessage() );
		}
	}

	@Test
	void keptBitsOutsideTheTypeAreRefused()
	{
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT32, 0, Rounding.BLOCK ) );
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT32, 24, Rounding.VALUE ) );
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT16, 11, Rounding.BLOCK ) );
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ).apply( new float[ 7 ], 2, "test" ) );
		assertEquals( 13, OutputType.FLOAT32.defaultKeepBits() );
		assertEquals( 10, OutputType.FLOAT16.defaultKeepBits() );
	}

	static byte[] bytes( final float[] v )
	{
		final ByteBuffer b = ByteBuffer.allocate( v.length * 4 ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( v );
		return b.array();
	}

	static float[] floats( final byte[] bytes )
	{
		final float[] v = new float[ bytes.length / 4 ];
		ByteBuffer.wrap( bytes ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( v );
		return v;
	}
}
