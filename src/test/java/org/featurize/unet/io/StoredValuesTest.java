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
		final Path python = External.python();
		final float[] values = samples( 20000, 3 );
		final Path in = tmp.resolve( "values.f4" );
		Files.write( in, bytes( values ) );
		for ( final int keep : new int[] { 1, 5, 10, 13, 16, 22 } )
		{
			final Path out = tmp.resolve( "rounded" + keep + ".f4" );
			External.run( List.of( python.toString(), "-c",
					"import sys, numpy as np\n"
							+ "from numcodecs import BitRound\n"
							+ "v = np.fromfile(sys.argv[1], dtype='<f4')\n"
							+ "with np.errstate(over='ignore', invalid='ignore'):\n"
							+ "    BitRound(keepbits=int(sys.argv[3])).encode(v).view('<f4').tofile(sys.argv[2])\n",
					in.toString(), out.toString(), Integer.toString( keep ) ), null, Duration.ofSeconds( 60 ) );
			final float[] expected = floats( Files.readAllBytes( out ) );
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
			final StoredValues stored = new StoredValues( OutputType.FLOAT32, keep );
			final float[] rounded = stored.apply( values.clone(), "test" );
			double worst = 0;
			for ( int i = 0; i < values.length; i++ )
				if ( values[ i ] != 0 && Float.isFinite( rounded[ i ] ) && Math.abs( values[ i ] ) >= Float.MIN_NORMAL )
					worst = Math.max( worst, Math.abs( ( ( double ) rounded[ i ] - values[ i ] ) / values[ i ] ) );
			assertTrue( worst <= stored.maxRelativeError(), "keep " + keep + ": " + worst + " > " + stored.maxRelativeError() );
			assertTrue( worst > stored.maxRelativeError() / 2, "keep " + keep + ": the bound is tight, " + worst );
		}
		assertEquals( 0x1p-14, new StoredValues( OutputType.FLOAT32, 13 ).maxRelativeError() );
		assertTrue( new StoredValues( OutputType.FLOAT32, 13 ).maxRelativeError() < 1e-4, "the default stays within 1e-4" );
	}

	@Test
	void nonFiniteValuesPassUnchangedAndAllBitsKeepEverything()
	{
		final float nanWithPayload = Float.intBitsToFloat( 0x7f800001 );
		final float[] v = { Float.NaN, nanWithPayload, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.2345678f };
		final float[] r = new StoredValues( OutputType.FLOAT32, 3 ).apply( v.clone(), "test" );
		for ( int i = 0; i < 4; i++ )
			assertEquals( Float.floatToRawIntBits( v[ i ] ), Float.floatToRawIntBits( r[ i ] ), "value " + i );
		assertEquals( 1.25f, r[ 4 ] );
		final float[] exact = samples( 1000, 9 );
		assertArrayEquals( exact, new StoredValues( OutputType.FLOAT32, 23 ).apply( exact.clone(), "test" ) );
	}

	@Test
	void float16RefusesAFeatureItCannotHoldAndNamesTheWayOut()
	{
		final StoredValues half = new StoredValues( OutputType.FLOAT16, 10 );
		final float[] fine = { 65504f, -65504f, 1e-8f, Float.NaN, Float.POSITIVE_INFINITY };
		assertArrayEquals( fine, half.apply( fine.clone(), "chunk [0]" ) );
		final OutputException e = assertThrows( OutputException.class, () -> half.apply( new float[] { 1f, -70000f }, "chunk [0, 3] of out.zarr" ) );
		assertTrue( e.getMessage().startsWith( "A feature of chunk [0, 3] of out.zarr is -70000.0, beyond float16's largest value (65504)" ), e.getMessage() );
		assertTrue( e.getMessage().contains( "output_type=float32" ) && e.getMessage().contains( "normalization=percentile" ), e.getMessage() );
	}

	@Test
	void keptBitsOutsideTheTypeAreRefused()
	{
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT32, 0 ) );
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT32, 24 ) );
		assertThrows( IllegalArgumentException.class, () -> new StoredValues( OutputType.FLOAT16, 11 ) );
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
