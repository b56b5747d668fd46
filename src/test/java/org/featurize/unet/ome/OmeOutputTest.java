package org.featurize.unet.ome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;

/** layout=ome: OME-NGFF 0.4 output, its levels, its metadata against the schema, zarrita reading it, resume and refusals. */
class OmeOutputTest
{
	static final ObjectMapper JSON = new ObjectMapper();

	static Featurizer.Result run( final FeaturizeRequest request )
	{
		return new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	static FeaturizeRequest ome( final Path input, final Path output, final int levels )
	{
		return FeaturizeRequest.of( input ).output( output ).model( Fixtures.TINY_MODEL ).tile( 12 ).chunk( 12 ).threads( 2 ).layout( "ome" ).levels( levels );
	}

	static JsonNode attributes( final Path output ) throws Exception
	{
		return JSON.readTree( output.resolve( ".zattrs" ).toFile() );
	}

	/** The 2 x 2 mean in the last two axes of a C-order array, written here independently of Pyramid. */
	static float[] halved( final float[] data, final long[] shape )
	{
		final int n = shape.length, h = ( int ) shape[ n - 2 ], w = ( int ) shape[ n - 1 ];
		final int oh = ( h + 1 ) / 2, ow = ( w + 1 ) / 2, planes = data.length / ( h * w );
		final float[] out = new float[ planes * oh * ow ];
		for ( int p = 0; p < planes; p++ )
			for ( int y = 0; y < oh; y++ )
				for ( int x = 0; x < ow; x++ )
				{
					final List< Float > block = new ArrayList<>();
					for ( final int yy : new int[] { 2 * y, 2 * y + 1 } )
						for ( final int xx : new int[] { 2 * x, 2 * x + 1 } )
							if ( yy < h && xx < w )
								block.add( data[ p * h * w + yy * w + xx ] );
					out[ p * oh * ow + y * ow + x ] = ( float ) block.stream().mapToDouble( Float::doubleValue ).average().getAsDouble();
				}
		return out;
	}

	static float[] all( final ZarrArray array )
	{
		final long[] shape = array.shape();
		final int[] size = new int[ shape.length ];
		for ( int d = 0; d < shape.length; d++ )
			size[ d ] = ( int ) shape[ d ];
		return ( float[] ) array.readRegion( new long[ shape.length ], size );
	}

	@Test
	void writesLevelZeroAsTheFeaturesAndEachLevelAsTheMeanOfTheLevelAbove( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.ome.zarr" );
		final Featurizer.Result result = run( ome( input, output, 3 ).rounding( "value" ) );
		assertNull( result.written() );
		assertEquals( 2 * 3 * 2 * 3, result.writtenOme().cellsWritten );
		assertArrayEquals( new long[] { 2 * 3 * 2 * 3 * 4, 2 * 4 * 3 * 1 * 2, 2 * 4 * 3 }, result.writtenOme().chunksWritten );
		assertTrue( Files.isRegularFile( output.resolve( ".zgroup" ) ) );

		final ZarrArray l0 = ZarrArray.open( output, "0" ), l1 = ZarrArray.open( output, "1" ), l2 = ZarrArray.open( output, "2" );
		assertArrayEquals( new long[] { 2, 4, 3, 20, 28 }, l0.shape() );
		assertArrayEquals( new long[] { 2, 4, 3, 10, 14 }, l1.shape() );
		assertArrayEquals( new long[] { 2, 4, 3, 5, 7 }, l2.shape() );
		assertArrayEquals( new int[] { 1, 1, 1, 12, 12 }, l0.chunkShape() );
		assertArrayEquals( new int[] { 1, 1, 1, 10, 12 }, l1.chunkShape() );
		assertArrayEquals( new int[] { 1, 1, 1, 5, 7 }, l2.chunkShape() );
		assertEquals( DataType.FLOAT32, l0.dataType() );

		// level 0 is the lazy image as stored (each value rounded to 13 mantissa bits): (t, c, z, y, x) <-> (x, y, c, z, t)
		final float[] v0 = all( l0 );
		final RandomAccess< FloatType > lazy = result.image().randomAccess();
		for ( int t = 0; t < 2; t++ )
			for ( int c = 0; c < 4; c++ )
				for ( int z = 0; z < 3; z++ )
					for ( int y = 0; y < 20; y++ )
						for ( int x = 0; x < 28; x++ )
							assertEquals( StoredValues.rounded( lazy.setPositionAndGet( x, y, c, z, t ).get(), 13 ), v0[ ( ( ( t * 4 + c ) * 3 + z ) * 20 + y ) * 28 + x ], 0,
									"level 0 at t " + t + ", c " + c + ", z " + z + ", y " + y + ", x " + x );
		final float[] v1 = all( l1 ), v2 = all( l2 );
		assertArrayEquals( halved( v0, l0.shape() ), v1, 1e-6f );
		assertArrayEquals( halved( v1, l1.shape() ), v2, 1e-6f );
		// for the 20 x 28 plane both halvings divide evenly in y up to level 1: level 2's first row is the 4 x 4 mean
		double sum = 0;
		for ( int y = 0; y < 4; y++ )
			for ( int x = 0; x < 4; x++ )
				sum += v0[ y * 28 + x ];
		assertEquals( sum / 16, v2[ 0 ], 1e-5 );
	}

	@Test
	void levelZeroChunksAreRoundedPerChunkByDefault( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), rounded = dir.resolve( "rounded.ome.zarr" ), exact = dir.resolve( "exact.ome.zarr" );
		run( ome( input, rounded, 1 ) );
		run( ome( input, exact, 1 ).rounding( "none" ) );
		final ZarrArray r = ZarrArray.open( rounded, "0" ), e = ZarrArray.open( exact, "0" );
		final StoredValues block = new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK );
		int differ = 0;
		for ( long t = 0; t < 2; t++ )
			for ( long c = 0; c < 4; c++ )
				for ( long z = 0; z < 3; z++ )
					for ( long ty = 0; ty < 2; ty++ )
						for ( long tx = 0; tx < 3; tx++ )
						{
							final float[] exactChunk = ( float[] ) e.readChunk( t, c, z, ty, tx ), stored = ( float[] ) r.readChunk( t, c, z, ty, tx );
							assertArrayEquals( block.apply( exactChunk.clone(), 1, "chunk" ), stored, 0f, "chunk " + t + ", " + c + ", " + z + ", " + ty + ", " + tx );
							differ += Arrays.equals( exactChunk, stored ) ? 0 : 1;
						}
		assertTrue( differ > 100, "rounding changed the values: " + differ + " of 144 chunks" );
	}

	@Test
	void metadataIsNgff04AndValidatesAgainstTheSchemas( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		run( ome( input, output, 2 ) );
		final JsonNode attributes = attributes( output );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.IMAGE, attributes ).toString() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, attributes ).toString() );

		final JsonNode multiscale = attributes.get( "multiscales" ).get( 0 );
		assertEquals( "0.4", multiscale.get( "version" ).asText() );
		assertEquals( "[{\"name\":\"t\",\"type\":\"time\"},{\"name\":\"c\",\"type\":\"channel\"},{\"name\":\"z\",\"type\":\"space\"},"
				+ "{\"name\":\"y\",\"type\":\"space\"},{\"name\":\"x\",\"type\":\"space\"}]", multiscale.get( "axes" ).toString() );
		assertEquals( "[{\"path\":\"0\",\"coordinateTransformations\":[{\"type\":\"scale\",\"scale\":[1.0,1.0,1.0,1.0,1.0]}]},"
				+ "{\"path\":\"1\",\"coordinateTransformations\":[{\"type\":\"scale\",\"scale\":[1.0,1.0,1.0,2.0,2.0]},"
				+ "{\"type\":\"translation\",\"translation\":[0.0,0.0,0.0,0.5,0.5]}]}]", multiscale.get( "datasets" ).toString() );
		final JsonNode channels = attributes.get( "omero" ).get( "channels" );
		assertEquals( 4, channels.size() );
		for ( int c = 0; c < 4; c++ )
		{
			assertEquals( String.format( "feature_%02d", c ), channels.get( c ).get( "label" ).asText() );
			final JsonNode w = channels.get( c ).get( "window" );
			assertTrue( w.get( "min" ).asDouble() <= w.get( "start" ).asDouble() && w.get( "start" ).asDouble() < w.get( "end" ).asDouble(), w.toString() );
		}
		final JsonNode record = attributes.get( "featurize" );
		assertTrue( record.get( "complete" ).asBoolean() );
		assertEquals( "ome", record.get( "parameters" ).get( "layout" ).asText() );
		assertEquals( 2, record.get( "parameters" ).get( "levels" ).asInt() );
		assertEquals( "/", JSON.readTree( output.resolve( "0/.zarray" ).toFile() ).get( "dimension_separator" ).asText() );
		assertTrue( Files.isRegularFile( output.resolve( "0/1/3/2/1/2" ) ), "chunk keys are nested with '/'" );
	}

	@Test
	void theSchemasRefuseWhatNgff04Forbids() throws Exception
	{
		final ObjectNode good = ( ObjectNode ) JSON.readTree( "{\"multiscales\":[{\"version\":\"0.4\",\"name\":\"n\",\"type\":\"local_mean\","
				+ "\"metadata\":{},\"axes\":[{\"name\":\"c\",\"type\":\"channel\"},{\"name\":\"y\",\"type\":\"space\",\"unit\":\"micrometer\"},"
				+ "{\"name\":\"x\",\"type\":\"space\",\"unit\":\"micrometer\"}],"
				+ "\"datasets\":[{\"path\":\"0\",\"coordinateTransformations\":[{\"type\":\"scale\",\"scale\":[1,0.5,0.5]}]}]}]}" );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, good ).toString() );
		final Map< String, String > bad = new LinkedHashMap<>();
		bad.put( "no axes", "/multiscales/0/axes" );
		bad.put( "one space axis", "/multiscales/0/axes/2" );
		bad.put( "translation first", "/multiscales/0/datasets/0/coordinateTransformations" );
		bad.put( "version 0.3", "/multiscales/0/version" );
		bad.put( "unit parsecs", "/multiscales/0/axes/1/unit" );
		for ( final String what : bad.keySet() )
		{
			final ObjectNode b = good.deepCopy();
			final ObjectNode m = ( ObjectNode ) b.get( "multiscales" ).get( 0 );
			switch ( what )
			{
			case "no axes":
				m.remove( "axes" );
				break;
			case "one space axis":
				( ( ArrayNode ) m.get( "axes" ) ).remove( 2 );
				break;
			case "translation first":
				( ( ArrayNode ) m.get( "datasets" ).get( 0 ).get( "coordinateTransformations" ) ).insert( 0,
						JSON.readTree( "{\"type\":\"translation\",\"translation\":[0,0,0]}" ) );
				break;
			case "version 0.3":
				m.put( "version", "0.3" );
				break;
			default:
				( ( ObjectNode ) m.get( "axes" ).get( 1 ) ).put( "unit", "parsecs" );
			}
			final String schema = what.startsWith( "unit" ) ? NgffSchemas.STRICT_IMAGE : NgffSchemas.IMAGE;
			assertFalse( NgffSchemas.validate( schema, b ).isEmpty(), what + " must not validate against " + schema );
		}
	}

	@Test
	void zarritaReadsEveryLevelWithItsShapeAndValues( @TempDir final Path dir ) throws Exception
	{
		final Path js = External.zarritaDir();
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		run( ome( input, output, 3 ) );
		final Path out = dir.resolve( "read-by-zarrita" );
		final String stdout = External.run( List.of( External.node().toString(), "ome_read.mjs", output.toString(), out.toString() ), js,
				Duration.ofMinutes( 1 ) );
		final List< JsonNode > lines = new ArrayList<>();
		for ( final String line : stdout.split( "\n" ) )
			if ( line.startsWith( "{" ) )
				lines.add( JSON.readTree( line ) );
		assertEquals( 3, lines.size(), stdout );
		for ( int k = 0; k < 3; k++ )
		{
			final JsonNode line = lines.get( k );
			assertNull( line.get( "error" ), () -> "zarrita failed: " + line );
			final ZarrArray level = ZarrArray.open( output, Integer.toString( k ) );
			assertEquals( JSON.valueToTree( level.shape() ).toString(), line.get( "shape" ).toString(), "level " + k );
			assertEquals( "[\"t\",\"c\",\"z\",\"y\",\"x\"]", line.get( "axes" ).toString() );
			assertEquals( "float32", line.get( "dtype" ).asText() );
			final float[] expected = all( level );
			final ByteBuffer read = ByteBuffer.wrap( Files.readAllBytes( out.resolve( "level-" + k + ".bin" ) ) ).order( ByteOrder.LITTLE_ENDIAN );
			assertEquals( expected.length * 4, read.capacity() );
			for ( int i = 0; i < expected.length; i++ )
				assertEquals( Float.floatToIntBits( expected[ i ] ), Float.floatToIntBits( read.getFloat( 4 * i ) ), "level " + k + " at " + i );
		}
	}

	@Test
	void resumesAndRefusesAsTheSeedLayoutDoes( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), whole = dir.resolve( "whole.zarr" ), resumed = dir.resolve( "resumed.zarr" );
		run( ome( input, whole, 2 ) );
		final AtomicInteger polls = new AtomicInteger();
		final FeaturizeRequest request = ome( input, resumed, 2 ).threads( 1 );
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( request, Progress.NONE, () -> polls.incrementAndGet() > 10 ) );
		assertFalse( attributes( resumed ).get( "featurize" ).get( "complete" ).asBoolean() );
		final OutputException other = assertThrows( OutputException.class, () -> run( ome( input, resumed, 3 ) ) );
		assertTrue( other.getMessage().contains( "levels was 2, now 3" ), other.getMessage() );
		final OutputException seed = assertThrows( OutputException.class, () -> run( ome( input, resumed, 1 ).layout( "seed" ) ) );
		assertTrue( seed.getMessage().contains( "not an unfinished run" ), seed.getMessage() );

		final Featurizer.Result second = run( request );
		assertEquals( 10, second.writtenOme().cellsSkipped );
		assertEquals( 36 - 10, second.writtenOme().cellsWritten );
		for ( final String level : new String[] { "0", "1" } )
			assertArrayEquals( all( ZarrArray.open( whole, level ) ), all( ZarrArray.open( resumed, level ) ), 0f, "level " + level );
		assertEquals( attributes( whole ).get( "multiscales" ), attributes( resumed ).get( "multiscales" ) );

		final OutputException complete = assertThrows( OutputException.class, () -> run( request ) );
		assertTrue( complete.getMessage().contains( "already exists and is complete" ), complete.getMessage() );
		run( ome( input, resumed, 1 ).overwrite( true ) );
		assertFalse( Files.exists( resumed.resolve( "1" ) ) );
		assertThrows( FeaturizeException.class, () -> run( ome( input, dir.resolve( "x.zarr" ), 1 ).layout( "seed" ).levels( 2 ) ) );
		final FeaturizeException tooMany = assertThrows( FeaturizeException.class, () -> run( ome( input, dir.resolve( "x.zarr" ), 7 ) ) );
		assertTrue( tooMany.getMessage().contains( "levels=7 is too many for planes of 28 x 20 pixels" ), tooMany.getMessage() );
	}

	@Test
	void twoAndThreeDimensionalInputsGetAxesCyxAndCzyx( @TempDir final Path dir ) throws Exception
	{
		final Path in2 = dir.resolve( "in2.zarr" ), in3 = dir.resolve( "in3.zarr" );
		final ZarrArray a2 = ZarrArray.create( in2, "", ArraySpec.builder().shape( 21, 30 ).chunks( 21, 30 ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final ZarrArray a3 = ZarrArray.create( in3, "", ArraySpec.builder().shape( 2, 21, 30 ).chunks( 1, 21, 30 ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final float[] plane = new float[ 21 * 30 ];
		for ( int i = 0; i < plane.length; i++ )
			plane[ i ] = ( float ) Math.sin( i * 0.37 ) * 100;
		a2.writeChunk( new long[] { 0, 0 }, plane );
		a3.writeChunk( new long[] { 1, 0, 0 }, plane );
		run( ome( in2, dir.resolve( "o2.zarr" ), 2 ).tile( null ).chunk( null ) );
		run( ome( in3, dir.resolve( "o3.zarr" ), 2 ).tile( null ).chunk( null ) );
		for ( final String o : new String[] { "o2.zarr", "o3.zarr" } )
			assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, attributes( dir.resolve( o ) ) ).toString(), o );
		final JsonNode axes2 = attributes( dir.resolve( "o2.zarr" ) ).get( "multiscales" ).get( 0 ).get( "axes" );
		final JsonNode axes3 = attributes( dir.resolve( "o3.zarr" ) ).get( "multiscales" ).get( 0 ).get( "axes" );
		assertEquals( "c,y,x", names( axes2 ) );
		assertEquals( "c,z,y,x", names( axes3 ) );
		final ZarrArray o2 = ZarrArray.open( dir.resolve( "o2.zarr" ), "0" ), o3 = ZarrArray.open( dir.resolve( "o3.zarr" ), "0" );
		assertArrayEquals( new long[] { 4, 21, 30 }, o2.shape() );
		assertArrayEquals( new long[] { 4, 2, 21, 30 }, o3.shape() );
		assertArrayEquals( new long[] { 4, 11, 15 }, ZarrArray.open( dir.resolve( "o2.zarr" ), "1" ).shape() );
		assertArrayEquals( ( float[] ) o2.readChunk( 2, 0, 0 ), ( float[] ) o3.readChunk( 2, 1, 0, 0 ) );
	}

	static String names( final JsonNode axes )
	{
		final List< String > names = new ArrayList<>();
		axes.forEach( a -> names.add( a.get( "name" ).asText() ) );
		return String.join( ",", names );
	}
}
