package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** precision=bf16 (the model's bfloat16 variant) and keep_bits (rounding of the stored values), end to end. */
class PrecisionTest
{
	static final Path INPUT = ShippedModelTest.PARITY.resolve( "input.zarr" );

	static float[] all( final Path output )
	{
		final ZarrArray a = ZarrArray.open( output, "" );
		final long[] grid = a.gridShape();
		final int chunk = ( int ) ( a.chunkShape()[ 2 ] * a.chunkShape()[ 3 ] * a.chunkShape()[ 4 ] );
		final float[] out = new float[ ( int ) ( grid[ 0 ] * grid[ 1 ] ) * chunk ];
		for ( int t = 0; t < grid[ 0 ]; t++ )
			for ( int z = 0; z < grid[ 1 ]; z++ )
				System.arraycopy( a.readChunk( t, z, 0, 0, 0 ), 0, out, ( int ) ( t * grid[ 1 ] + z ) * chunk, chunk );
		return out;
	}

	@Test
	void bf16StaysWithinOnePercentOfFloat32AndIsRecorded( @TempDir final Path dir )
	{
		final Path f32 = dir.resolve( "f32.zarr" ), bf16 = dir.resolve( "bf16.zarr" );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( f32 ).rounding( "none" ).threads( 2 ) );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( bf16 ).rounding( "none" ).precision( "bf16" ).threads( 2 ) );
		final float[] a = all( f32 ), b = all( bf16 );
		double max = 0, diff = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			max = Math.max( max, Math.abs( a[ i ] ) );
			diff = Math.max( diff, Math.abs( a[ i ] - b[ i ] ) );
		}
		final double relative = diff / max;
		assertTrue( relative <= 1e-2, "bf16 vs float32: max|diff| / max|f32| = " + relative );
		assertTrue( relative > 1e-4, "the bfloat16 variant ran (it differs from float32 by more than float32 rounding): " + relative );

		final Map< String, Object > parameters = parameters( bf16 );
		assertEquals( "bf16", parameters.get( "precision" ) );
		assertEquals( Featurizer.sha256( Models.bf16Variant( Models.defaultModelFile() ) ), parameters.get( "model_sha256" ) );
		assertEquals( "float32", parameters( f32 ).get( "precision" ) );
	}

	@Test
	void aRunInTheOtherPrecisionDoesNotResumeTheOutput( @TempDir final Path dir )
	{
		final Path out = dir.resolve( "out.zarr" );
		final AtomicInteger polls = new AtomicInteger();
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( FeaturizeRequest.of( INPUT ).output( out ).threads( 1 ),
				Progress.NONE, () -> polls.incrementAndGet() > 1 ) );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).precision( "bf16" ).threads( 2 ) ) );
		assertTrue( e.getMessage().contains( "precision" ), e.getMessage() );
	}

	@Test
	void eachRoundingKeepsItsBoundAndNoneKeepsTheValuesExact( @TempDir final Path dir )
	{
		final Path exact = dir.resolve( "exact.zarr" ), block = dir.resolve( "block.zarr" ), value = dir.resolve( "value.zarr" ),
				exactByBits = dir.resolve( "exact-by-bits.zarr" );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( exact ).rounding( "none" ).threads( 2 ) );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( block ).threads( 2 ) );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( value ).rounding( "value" ).threads( 2 ) );
		FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( exactByBits ).rounding( "value" ).keepBits( 23 ).threads( 2 ) );
		final ZarrArray e = ZarrArray.open( exact, "" ), b = ZarrArray.open( block, "" ), v = ZarrArray.open( value, "" );
		final int channels = e.chunkShape()[ e.chunkShape().length - 1 ];
		final long[] grid = e.gridShape(), pos = new long[ grid.length ];
		double worstBlock = 0;
		boolean changed = false;
		long blockZeros = 0, valueZeros = 0;
		do
		{
			final float[] x = ( float[] ) e.readChunk( pos ), xb = ( float[] ) b.readChunk( pos ), xv = ( float[] ) v.readChunk( pos );
			final double[] largest = new double[ channels ];
			for ( int i = 0; i < x.length; i++ )
				largest[ i % channels ] = Math.max( largest[ i % channels ], Math.abs( x[ i ] ) );
			for ( int i = 0; i < x.length; i++ )
			{
				assertTrue( Math.abs( x[ i ] - xv[ i ] ) <= 0x1p-14 * Math.abs( x[ i ] ), "value " + i + ": " + x[ i ] + " stored as " + xv[ i ] );
				assertEquals( 0, Float.floatToRawIntBits( xv[ i ] ) & 0x3ff, "rounding=value zeroes the 10 low mantissa bits" );
				worstBlock = Math.max( worstBlock, Math.abs( x[ i ] - xb[ i ] ) / largest[ i % channels ] );
				changed |= x[ i ] != xv[ i ];
				blockZeros += Integer.numberOfTrailingZeros( Float.floatToRawIntBits( xb[ i ] ) | 1 << 23 );
				valueZeros += Integer.numberOfTrailingZeros( Float.floatToRawIntBits( xv[ i ] ) | 1 << 23 );
			}
			int d = grid.length - 1;
			while ( d >= 0 && ++pos[ d ] == grid[ d ] )
				pos[ d-- ] = 0;
			if ( d < 0 )
				break;
		}
		while ( true );
		assertTrue( changed );
		assertTrue( worstBlock <= 0x1p-14 && worstBlock > 0x1p-16, "rounding=block: within 2^-14 of the largest of the channel in the chunk: " + worstBlock );
		assertTrue( blockZeros > valueZeros * 1.2, "rounding=block zeroes more low bits than rounding=value: " + blockZeros + " vs " + valueZeros );
		assertArrayEquals( all( exact ), all( exactByBits ) );
		assertEquals( 13, parameters( block ).get( "keep_bits" ) );
		assertEquals( "block", parameters( block ).get( "rounding" ) );
		assertEquals( "value", parameters( value ).get( "rounding" ) );
		assertEquals( 23, parameters( exact ).get( "keep_bits" ) );
	}

	@Test
	void bf16IsRefusedForAModelWithoutAVariantNamingWhatIsMissing( @TempDir final Path dir ) throws Exception
	{
		final Path out = dir.resolve( "out.zarr" );
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> FeaturizerTest.run(
				FeaturizeRequest.of( Fixtures.volume( dir ) ).model( Fixtures.TINY_MODEL ).output( out ).precision( "bf16" ) ) );
		assertTrue( e.getMessage().startsWith( "precision=bf16 needs a bfloat16 variant of " + Fixtures.TINY_MODEL ), e.getMessage() );
		assertTrue( e.getMessage().contains( "export_inference.py --bf16-only" ), e.getMessage() );
		assertFalse( Files.exists( out.resolve( ".zarray" ) ) );
	}

	@Test
	void unknownPrecisionsAndKeptBitsOutsideTheTypeAreRefusedBeforeAnyCompute( @TempDir final Path dir )
	{
		final Path out = dir.resolve( "out.zarr" );
		assertEquals( "Unknown precision \"fp8\"; expected \"float32\" or \"bf16\"", assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).precision( "fp8" ) ) ).getMessage() );
		assertEquals( "keep_bits must be 1 to 23 for float32 output, got 24 (rounding=none stores the values exactly)", assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).keepBits( 24 ) ) ).getMessage() );
		assertEquals( "keep_bits must be 1 to 10 for float16 output, got 12 (rounding=none stores the values exactly)", assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).outputType( "float16" ).keepBits( 12 ) ) ).getMessage() );
		assertEquals( "Unknown rounding \"nearest\"; expected \"block\", \"value\" or \"none\"", assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).rounding( "nearest" ) ) ).getMessage() );
		assertEquals( "keep_bits=12 has no effect with rounding=none (the values stored exactly): give one of them", assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).rounding( "none" ).keepBits( 12 ) ) ).getMessage() );
		assertThrows( FeaturizeException.class, () -> FeaturizerTest.run( FeaturizeRequest.of( INPUT ).output( out ).keepBits( 0 ) ) );
		assertFalse( Files.exists( out ) );
	}

	@Test
	void float16OutputOfFeaturesBeyondItsRangeFailsWithTheWayOut( @TempDir final Path dir ) throws Exception
	{
		// the shipped model is bias-free: features scale with the input, and camera counts times 100 reach beyond 65504
		final Path input = dir.resolve( "bright.zarr" ), out = dir.resolve( "out.zarr" );
		final ZarrArray source = ZarrArray.open( INPUT, "" );
		final ZarrArray bright = ZarrArray.create( input, "", org.featurize.unet.zarr.ArraySpec.builder().shape( source.shape() )
				.chunks( source.chunkShape() ).dataType( org.featurize.unet.zarr.DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final short[] raw = ( short[] ) source.readChunk( 0, 0, 0, 0 );
		final float[] scaled = new float[ raw.length ];
		for ( int i = 0; i < raw.length; i++ )
			scaled[ i ] = ( raw[ i ] & 0xffff ) * 100f;
		for ( int t = 0; t < source.shape()[ 0 ]; t++ )
			for ( int z = 0; z < source.shape()[ 1 ]; z++ )
				bright.writeChunk( new long[] { t, z, 0, 0 }, scaled );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( input ).output( out ).outputType( "float16" ).threads( 1 ) ) );
		assertTrue( e.getMessage().contains( "beyond float16's largest value (65504)" ), e.getMessage() );
		assertFalse( ZarrArray.open( out, "" ).chunkExists( 0, 0, 0, 0, 0 ), "no overflowed chunk is stored" );
		// the way out it names works
		FeaturizerTest.run( FeaturizeRequest.of( input ).output( dir.resolve( "normalized.zarr" ) ).outputType( "float16" ).normalization( "percentile" ) );
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > parameters( final Path output )
	{
		return ( Map< String, Object > ) ( ( Map< String, Object > ) ZarrArray.open( output, "" ).attributes().get( FeatureOutput.KEY ) )
				.get( "parameters" );
	}
}
