package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;

/** The headless core on small volumes with the tiny test model: saving, layout, resume, refusals. */
class FeaturizerTest
{
	static final Path TINY = Fixtures.TINY_MODEL;

	static Path volume( final Path dir )
	{
		return Fixtures.volume( dir );
	}

	static Featurizer.Result run( final FeaturizeRequest request )
	{
		return new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void savesTheSeedLayoutEqualToTheLazyImage( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), output = dir.resolve( "out.zarr" );
		final Featurizer.Result result = run( FeaturizeRequest.of( input ).output( output ).model( TINY ).threads( 2 ).tile( 12 ).chunk( 12 ).rounding( "value" ) );
		final ZarrArray out = ZarrArray.open( output, "" );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 4 }, out.shape() );
		assertArrayEquals( new int[] { 1, 1, 12, 12, 4 }, out.chunkShape() );
		assertEquals( DataType.FLOAT32, out.dataType() );
		assertEquals( 2 * 3 * 2 * 3, result.written().chunksWritten );
		assertArrayEquals( new long[] { 28, 20, 4, 3, 2 }, result.image().dimensionsAsLongArray() );
		// every saved value is the lazy image's at the mapped position, (t, z, y, x, c) <-> (x, y, c, z, t), as stored:
		// rounded to 13 mantissa bits
		final RandomAccess< FloatType > lazy = result.image().randomAccess();
		for ( final long[] tz : new long[][] { { 0, 0 }, { 1, 2 }, { 0, 1 } } )
			for ( final long[] tile : new long[][] { { 0, 0 }, { 1, 2 } } )
			{
				final float[] chunk = ( float[] ) out.readChunk( tz[ 0 ], tz[ 1 ], tile[ 0 ], tile[ 1 ], 0 );
				for ( int y = 0; y < 12; y++ )
					for ( int x = 0; x < 12; x++ )
					{
						final long gy = tile[ 0 ] * 12 + y, gx = tile[ 1 ] * 12 + x;
						if ( gy >= 20 || gx >= 28 )
							continue;
						for ( int c = 0; c < 4; c++ )
							assertEquals( StoredValues.rounded( lazy.setPositionAndGet( gx, gy, c, tz[ 1 ], tz[ 0 ] ).get(), 13 ), chunk[ ( y * 12 + x ) * 4 + c ], 0 );
					}
			}
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > record = ( Map< String, Object > ) out.attributes().get( FeatureOutput.KEY );
		assertEquals( true, record.get( "complete" ) );
		assertEquals( java.util.List.of( "t", "z", "y", "x", "c" ), out.attributes().get( "_ARRAY_DIMENSIONS" ) );
	}

	@Test
	void theDefaultRoundsEachChannelOfEachChunkToOneStep( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), rounded = dir.resolve( "rounded.zarr" ), exact = dir.resolve( "exact.zarr" );
		run( FeaturizeRequest.of( input ).output( rounded ).model( TINY ).threads( 2 ).tile( 12 ).chunk( 12 ) );
		run( FeaturizeRequest.of( input ).output( exact ).model( TINY ).threads( 2 ).tile( 12 ).chunk( 12 ).rounding( "none" ) );
		final ZarrArray r = ZarrArray.open( rounded, "" ), e = ZarrArray.open( exact, "" );
		final StoredValues block = new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK );
		double worst = 0;
		for ( long t = 0; t < 2; t++ )
			for ( long z = 0; z < 3; z++ )
				for ( long ty = 0; ty < 2; ty++ )
					for ( long tx = 0; tx < 3; tx++ )
					{
						final float[] exactChunk = ( float[] ) e.readChunk( t, z, ty, tx, 0 ), stored = ( float[] ) r.readChunk( t, z, ty, tx, 0 );
						assertArrayEquals( block.apply( exactChunk.clone(), 4, "chunk" ), stored, 0f );
						final double[] largest = new double[ 4 ];
						for ( int i = 0; i < stored.length; i++ )
							largest[ i % 4 ] = Math.max( largest[ i % 4 ], Math.abs( exactChunk[ i ] ) );
						for ( int i = 0; i < stored.length; i++ )
							worst = Math.max( worst, Math.abs( stored[ i ] - exactChunk[ i ] ) / largest[ i % 4 ] );
					}
		assertTrue( worst <= 0x1p-14 && worst > 0x1p-16, "within 2^-14 of the largest of the channel in the chunk, and rounded: " + worst );
		assertEquals( "block", parameters( rounded ).get( "rounding" ) );
		assertEquals( "none", parameters( exact ).get( "rounding" ) );
		assertEquals( 23, parameters( exact ).get( "keep_bits" ) );
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > parameters( final Path output )
	{
		return ( Map< String, Object > ) ( ( Map< String, Object > ) ZarrArray.open( output, "" ).attributes().get( FeatureOutput.KEY ) ).get( "parameters" );
	}

	@Test
	void float16OutputRoundsTheFloat32Output( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "f32.zarr" ) ).model( TINY ).rounding( "none" ) );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "f16.zarr" ) ).model( TINY ).outputType( "float16" ) );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "f16-value.zarr" ) ).model( TINY ).outputType( "float16" ).rounding( "value" ) );
		final ZarrArray f32 = ZarrArray.open( dir.resolve( "f32.zarr" ), "" ), f16 = ZarrArray.open( dir.resolve( "f16.zarr" ), "" ),
				f16Value = ZarrArray.open( dir.resolve( "f16-value.zarr" ), "" );
		assertEquals( DataType.FLOAT16, f16.dataType() );
		assertEquals( Featurizer.FLOAT16_COMPRESSOR, f16.compressor() );
		assertEquals( Featurizer.FLOAT32_COMPRESSOR, f32.compressor() );
		final float[] a = ( float[] ) f32.readChunk( 1, 1, 0, 0, 0 ), b = ( float[] ) f16.readChunk( 1, 1, 0, 0, 0 ),
				c = ( float[] ) f16Value.readChunk( 1, 1, 0, 0, 0 );
		final double[] largest = new double[ 4 ];
		for ( int i = 0; i < a.length; i++ )
			largest[ i % 4 ] = Math.max( largest[ i % 4 ], Math.abs( a[ i ] ) );
		for ( int i = 0; i < a.length; i++ )
		{
			// by default within float16's precision at the largest of the channel in the chunk; per value, at the value
			assertEquals( a[ i ], b[ i ], largest[ i % 4 ] / 2048, "at " + i );
			assertEquals( a[ i ], c[ i ], Math.abs( a[ i ] ) / 2048 + 0x1p-25, "at " + i );
		}
	}

	@Test
	void blockedTiledAndPlaneChunkedInputsGiveTheSameBytes( @TempDir final Path dir ) throws Exception
	{
		// the same values chunked as planes, as 2D tiles, as 3D blocks spanning planes and times, and oddly
		final int[][] chunkings = { { 1, 1, 20, 28 }, { 1, 1, 8, 8 }, { 2, 2, 8, 8 }, { 1, 3, 7, 9 } };
		for ( final Integer tile : new Integer[] { null, 8 } )
		{
			Path first = null;
			for ( final int[] c : chunkings )
			{
				final String name = "in-" + c[ 0 ] + "-" + c[ 1 ] + "-" + c[ 2 ] + "-" + c[ 3 ] + ".zarr";
				final Path input = Files.exists( dir.resolve( name ) ) ? dir.resolve( name ) : Fixtures.volume( dir, name, c );
				final Path output = dir.resolve( "out-" + tile + "-" + name );
				final List< String > log = new ArrayList<>();
				new Featurizer( log::add ).run( FeaturizeRequest.of( input ).output( output ).model( TINY ).tile( tile ), Progress.NONE, () -> false );
				assertArrayEquals( new int[] { 1, 1, 20, 28, 4 }, ZarrArray.open( output, "" ).chunkShape(), "whole planes, whatever the input" );
				// each input chunk decoded once, also a block that spans planes
				final String done = log.stream().filter( l -> l.startsWith( "Done: " ) ).findFirst().orElseThrow();
				assertTrue( done.endsWith( "(1.00 each)" ), done );
				if ( first == null )
					first = output;
				else
					Fixtures.assertSameChunks( first, output );
			}
		}
		// 8 x 8 tiles (the tiny model's measured halo) within the tolerance of whole planes
		final ZarrArray whole = ZarrArray.open( dir.resolve( "out-null-in-1-1-20-28.zarr" ), "" ), tiled = ZarrArray.open( dir.resolve( "out-8-in-2-2-8-8.zarr" ), "" );
		final float[] a = ( float[] ) whole.readRegion( new long[ 5 ], new int[] { 2, 3, 20, 28, 4 } );
		final float[] b = ( float[] ) tiled.readRegion( new long[ 5 ], new int[] { 2, 3, 20, 28, 4 } );
		float max = 0, diff = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			max = Math.max( max, Math.abs( a[ i ] ) );
			diff = Math.max( diff, Math.abs( a[ i ] - b[ i ] ) );
		}
		assertTrue( diff <= 1e-4 * max + 2 * Math.scalb( max, -14 ), "tiles vs whole planes: " + diff / max + " of the largest" );
	}

	@Test
	void aCancelledRunResumesToTheSameOutput( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), whole = dir.resolve( "whole.zarr" ), resumed = dir.resolve( "resumed.zarr" );
		run( FeaturizeRequest.of( input ).output( whole ).model( TINY ).tile( 12 ).chunk( 12 ) );
		final AtomicInteger polls = new AtomicInteger();
		final FeaturizeRequest request = FeaturizeRequest.of( input ).output( resumed ).model( TINY ).tile( 12 ).chunk( 12 ).threads( 1 );
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( request, Progress.NONE, () -> polls.incrementAndGet() > 10 ) );
		assertThrows( OutputException.class, () -> run( FeaturizeRequest.of( input ).output( resumed ).model( TINY ).tile( 8 ).chunk( 8 ) ),
				"other parameters are refused" );
		final Featurizer.Result second = run( request );
		assertEquals( 10, second.written().chunksSkipped );
		assertEquals( 36 - 10, second.written().chunksWritten );
		final ZarrArray a = ZarrArray.open( whole, "" ), b = ZarrArray.open( resumed, "" );
		for ( long t = 0; t < 2; t++ )
			for ( long z = 0; z < 3; z++ )
				for ( long y = 0; y < 2; y++ )
					for ( long x = 0; x < 3; x++ )
						assertArrayEquals( ( float[] ) a.readChunk( t, z, y, x, 0 ), ( float[] ) b.readChunk( t, z, y, x, 0 ) );
	}

	/** The "Writing ..." line of a run of {@code request}, in either layout. */
	static String writingLine( final FeaturizeRequest request )
	{
		final List< String > log = new ArrayList<>();
		new Featurizer( log::add ).run( request, Progress.NONE, () -> false );
		return log.stream().filter( l -> l.startsWith( "Writing " ) ).findFirst().orElseThrow( () -> new AssertionError( "no Writing line in " + log ) );
	}

	@Test
	void theLogSaysWhichReadersReadFloat16( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir );
		final String note = " (float16 Zarr is read by Python zarr, zarrita and tensorstore; Fiji's N5 readers (N5 has no float16) "
				+ "open it as bytes without an error: write float32 to open the features there)";
		final String seed = writingLine( FeaturizeRequest.of( input ).output( dir.resolve( "f16.zarr" ) ).model( TINY ).outputType( "float16" ) );
		assertTrue( seed.endsWith( ", float16" + note ), "expected the readers after the type, found: " + seed );
		final String ome = writingLine( FeaturizeRequest.of( input ).output( dir.resolve( "f16.ome.zarr" ) ).model( TINY ).outputType( "float16" )
				.layout( "ome" ) );
		assertTrue( ome.endsWith( ", float16" + note ), "expected the readers after the type, found: " + ome );
		final String f32 = writingLine( FeaturizeRequest.of( input ).output( dir.resolve( "f32.zarr" ) ).model( TINY ) );
		assertTrue( f32.endsWith( ", float32" ), "float32: no note expected, found: " + f32 );
	}

	@Test
	void theLogStatesTheResidentMemoryBound( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir );
		final List< String > log = new ArrayList<>();
		new Featurizer( log::add ).run( FeaturizeRequest.of( input ).output( dir.resolve( "out.zarr" ) ).model( TINY ).tile( 12 ), Progress.NONE, () -> false );
		final String line = log.stream().filter( l -> l.startsWith( "Memory: " ) ).findFirst().orElseThrow( () -> new AssertionError( "no Memory line in " + log ) );
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile( "Memory: at most about (\\d+) MB resident \\(Java heap up to (\\d+) MB, "
				+ "forward passes (\\d+) MB, an input chunk (\\d+) MB, runtime (\\d+) MB\\)" ).matcher( line );
		assertTrue( m.matches(), line );
		final long[] mb = new long[ 5 ];
		for ( int i = 0; i < 5; i++ )
			mb[ i ] = Long.parseLong( m.group( i + 1 ) );
		assertEquals( Runtime.getRuntime().maxMemory() >> 20, mb[ 1 ], line );
		assertEquals( 256, mb[ 4 ], line );
		assertEquals( 0, mb[ 3 ], line ); // the fixture's chunks are 20 x 28 uint16
		assertTrue( Math.abs( mb[ 0 ] - ( mb[ 1 ] + mb[ 2 ] + mb[ 3 ] + mb[ 4 ] ) ) <= 3, line );
	}

	@Test
	void refusesAnExistingOutputUnlessOverwrite( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), output = dir.resolve( "out.zarr" );
		run( FeaturizeRequest.of( input ).output( output ).model( TINY ) );
		final OutputException e = assertThrows( OutputException.class, () -> run( FeaturizeRequest.of( input ).output( output ).model( TINY ) ) );
		assertTrue( e.getMessage().contains( "already exists and is complete" ) && e.getMessage().contains( "overwrite=true" ), e.getMessage() );
		run( FeaturizeRequest.of( input ).output( output ).model( TINY ).overwrite( true ).outputType( "float16" ) );
		assertEquals( DataType.FLOAT16, ZarrArray.open( output, "" ).dataType() );

		final Path folder = Files.createDirectories( dir.resolve( "notes" ) );
		Files.writeString( folder.resolve( "keep.txt" ), "precious" );
		final OutputException notOurs = assertThrows( OutputException.class,
				() -> run( FeaturizeRequest.of( input ).output( folder ).model( TINY ).overwrite( true ) ) );
		assertTrue( notOurs.getMessage().contains( "is not a Zarr array or group" ), notOurs.getMessage() );
		assertEquals( "precious", Files.readString( folder.resolve( "keep.txt" ) ) );
	}

	@Test
	void refusesAnOutputInsideTheInput( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir );
		final OutputException e = assertThrows( OutputException.class,
				() -> run( FeaturizeRequest.of( input ).output( input.resolve( "features" ) ).model( TINY ) ) );
		assertTrue( e.getMessage().contains( "lies inside the input" ), e.getMessage() );
		assertFalse( Files.exists( input.resolve( "features" ) ) );
	}

	@Test
	void percentileNormalizationIsRecordedAndChangesTheFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "raw.zarr" ) ).model( TINY ) );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "norm.zarr" ) ).model( TINY ).normalization( "percentile" ) );
		final ZarrArray norm = ZarrArray.open( dir.resolve( "norm.zarr" ), "" );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > params = ( Map< String, Object > ) ( ( Map< String, Object > ) norm.attributes().get( FeatureOutput.KEY ) ).get( "parameters" );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > n = ( Map< String, Object > ) params.get( "normalization" );
		assertEquals( "percentile", n.get( "method" ) );
		assertTrue( ( ( Number ) n.get( "high" ) ).doubleValue() > ( ( Number ) n.get( "low" ) ).doubleValue() );
		assertNotEquals( ( ( float[] ) ZarrArray.open( dir.resolve( "raw.zarr" ), "" ).readChunk( 0, 0, 0, 0, 0 ) )[ 0 ],
				( ( float[] ) norm.readChunk( 0, 0, 0, 0, 0 ) )[ 0 ] );
	}

	@Test
	void twoAndThreeDimensionalInputs( @TempDir final Path dir ) throws Exception
	{
		final Path in2 = dir.resolve( "in2.zarr" ), in3 = dir.resolve( "in3.zarr" );
		final ZarrArray a2 = ZarrArray.create( in2, "", ArraySpec.builder().shape( 21, 30 ).chunks( 21, 30 ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final ZarrArray a3 = ZarrArray.create( in3, "", ArraySpec.builder().shape( 2, 21, 30 ).chunks( 2, 21, 30 ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final float[] plane = new float[ 21 * 30 ];
		for ( int i = 0; i < plane.length; i++ )
			plane[ i ] = ( float ) Math.sin( i * 0.37 ) * 100;
		final float[] both = new float[ 2 * plane.length ];
		System.arraycopy( plane, 0, both, plane.length, plane.length );
		a2.writeChunk( new long[] { 0, 0 }, plane );
		a3.writeChunk( new long[] { 0, 0, 0 }, both );
		run( FeaturizeRequest.of( in2 ).output( dir.resolve( "o2.zarr" ) ).model( TINY ) );
		run( FeaturizeRequest.of( in3 ).output( dir.resolve( "o3.zarr" ) ).model( TINY ) );
		final ZarrArray o2 = ZarrArray.open( dir.resolve( "o2.zarr" ), "" ), o3 = ZarrArray.open( dir.resolve( "o3.zarr" ), "" );
		assertArrayEquals( new long[] { 21, 30, 4 }, o2.shape() );
		assertArrayEquals( new long[] { 2, 21, 30, 4 }, o3.shape() );
		assertArrayEquals( new int[] { 1, 21, 30, 4 }, o3.chunkShape(), "one plane per chunk even when the input chunk holds two" );
		assertArrayEquals( ( float[] ) o2.readChunk( 0, 0, 0 ), ( float[] ) o3.readChunk( 1, 0, 0, 0 ) );
	}

	@Test
	void aRunIsRefusedWhileAnotherHoldsTheOutputAndTheLockGoesWithIt( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), output = dir.resolve( "out.zarr" );
		try ( org.featurize.unet.io.OutputLock held = org.featurize.unet.io.OutputLock.acquire( output ) )
		{
			final OutputException e = assertThrows( OutputException.class, () -> run( FeaturizeRequest.of( input ).output( output ).model( TINY ) ) );
			assertTrue( e.getMessage().contains( "is being written by another run (pid " + ProcessHandle.current().pid() ), e.getMessage() );
		}
		run( FeaturizeRequest.of( input ).output( output ).model( TINY ) );
		assertFalse( Files.exists( org.featurize.unet.io.OutputLock.lockFile( output ) ), "the lock file is removed after the run" );
	}

	@Test
	void resumingRemovesWhatInterruptedWritesLeft( @TempDir final Path dir ) throws Exception
	{
		final Path input = volume( dir ), output = dir.resolve( "out.zarr" );
		final FeaturizeRequest request = FeaturizeRequest.of( input ).output( output ).model( TINY ).threads( 1 );
		final AtomicInteger polls = new AtomicInteger();
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( request, Progress.NONE, () -> polls.incrementAndGet() > 2 ) );
		final Path partial = Files.write( output.resolve( ".0.0.0.0.0.4711.partial" ), new byte[] { 1, 2, 3 } );
		run( request );
		assertFalse( Files.exists( partial ) );
	}

	@Test
	void nonFiniteValuesAreReadAsZeroAndTheirFeaturesAreNaNAndConstantPlanesAreFine( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "odd.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 4, 64, 64 ).chunks( 1, 64, 64 )
				.dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final float[] nan = new float[ 64 * 64 ], inf = new float[ 64 * 64 ], constant = new float[ 64 * 64 ], zero = new float[ 64 * 64 ];
		for ( int i = 0; i < nan.length; i++ )
		{
			nan[ i ] = inf[ i ] = zero[ i ] = ( float ) Math.sin( i * 0.01 ) * 100;
			constant[ i ] = 42;
		}
		final int gap = 5 * 64 + 5;
		nan[ gap ] = Float.NaN;
		inf[ gap ] = Float.POSITIVE_INFINITY;
		zero[ gap ] = 0;
		a.writeChunk( new long[] { 0, 0, 0 }, nan );
		a.writeChunk( new long[] { 1, 0, 0 }, inf );
		a.writeChunk( new long[] { 2, 0, 0 }, constant );
		a.writeChunk( new long[] { 3, 0, 0 }, zero );
		for ( final String normalization : new String[] { "none", "percentile" } )
		{
			final Path output = dir.resolve( normalization + ".zarr" );
			// unrounded: the default rounding is relative to each chunk's largest value
			run( FeaturizeRequest.of( input ).output( output ).model( TINY ).normalization( normalization ).rounding( "none" ) );
			final ZarrArray out = ZarrArray.open( output, "" );
			final float[] read = ( float[] ) out.readChunk( 3, 0, 0, 0 );
			for ( int z = 0; z < 2; z++ )
			{
				final float[] f = ( float[] ) out.readChunk( z, 0, 0, 0 );
				for ( int i = 0; i < 64 * 64; i++ )
					for ( int c = 0; c < 4; c++ )
					{
						final float v = f[ i * 4 + c ];
						if ( i == gap )
							assertTrue( Float.isNaN( v ), "a non-finite input pixel gives NaN features there (" + normalization + ")" );
						else if ( normalization.equals( "none" ) ) // read as 0: the features of the plane with 0 there
							assertEquals( read[ i * 4 + c ], v, "pixel " + i + " channel " + c + " of plane " + z );
						else
							assertTrue( Float.isFinite( v ), "finite wherever the input is, at " + i + " of plane " + z );
					}
			}
			for ( final float v : ( float[] ) out.readChunk( 2, 0, 0, 0 ) )
				assertTrue( Float.isFinite( v ), "a constant plane gives finite features (" + normalization + ")" );
		}
	}
}
