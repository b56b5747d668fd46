package org.featurize.unet.ome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.featurize.unet.input.InputException;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** OME-Zarr input: read at level 0 with its axes, the channel axis left out, units and scale carried to an OME output. */
class OmeInputTest
{
	/** The fixture volume (t, z, y, x) = (2, 3, 20, 28) as an OME-Zarr image with the given axes, at {@code dir/name}. */
	static Path omeVolume( final Path dir, final String name, final int zarrFormat, final int channels ) throws Exception
	{
		final ZarrArray plain = ZarrArray.open( Fixtures.volume( dir.resolve( "plain-" + name ) ), "" );
		final Path root = dir.resolve( name );
		final Map< String, Object > multiscale = Map.of(
				"version", zarrFormat == 2 ? "0.4" : "0.5",
				"name", "cells",
				"axes", List.of( Map.of( "name", "t", "type", "time", "unit", "second" ), Map.of( "name", "c", "type", "channel" ),
						Map.of( "name", "z", "type", "space", "unit", "micrometer" ), Map.of( "name", "y", "type", "space", "unit", "micrometer" ),
						Map.of( "name", "x", "type", "space", "unit", "micrometer" ) ),
				"datasets", List.of( Map.of( "path", "s0", "coordinateTransformations", List.of(
						Map.of( "type", "scale", "scale", List.of( 2.0, 1.0, 0.5, 0.25, 0.25 ) ),
						Map.of( "type", "translation", "translation", List.of( 0.0, 0.0, 1.0, 2.0, 3.0 ) ) ) ) ) );
		ZarrGroup.create( root, "", zarrFormat, zarrFormat == 2 ? Map.of( "multiscales", List.of( multiscale ) )
				: Map.of( "ome", Map.of( "version", "0.5", "multiscales", List.of( multiscale ) ) ) );
		final ZarrArray level = ZarrArray.create( root, "s0", ArraySpec.builder().shape( 2, channels, 3, 20, 28 ).chunks( 1, 1, 1, 20, 28 )
				.dataType( DataType.UINT16 ).zarrFormat( zarrFormat ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int c = 0; c < channels; c++ )
				for ( int z = 0; z < 3; z++ )
					level.writeChunk( new long[] { t, c, z, 0, 0 }, plain.readChunk( t, z, 0, 0 ) );
		return root;
	}

	@Test
	void anOmeZarrImageIsReadAtLevelZeroWithoutItsChannelAxis( @TempDir final Path dir ) throws Exception
	{
		final Path plain = Fixtures.volume( dir ), ome = omeVolume( dir, "in.ome.zarr", 2, 1 );
		final OmeInput input = OmeInput.probe( ome, "" );
		assertArrayEquals( new long[] { 2, 3, 20, 28 }, input.shape() );
		assertEquals( "[t (time, second), z (space, micrometer), y (space, micrometer), x (space, micrometer)]", input.axes().toString() );
		assertNull( OmeInput.probe( plain, "" ), "a plain array is not OME-Zarr" );

		OmeOutputTest.run( FeaturizeRequest.of( plain ).output( dir.resolve( "a.zarr" ) ).model( Fixtures.TINY_MODEL ) );
		OmeOutputTest.run( FeaturizeRequest.of( ome ).output( dir.resolve( "b.zarr" ) ).model( Fixtures.TINY_MODEL ) );
		final ZarrArray a = ZarrArray.open( dir.resolve( "a.zarr" ), "" ), b = ZarrArray.open( dir.resolve( "b.zarr" ), "" );
		assertArrayEquals( a.shape(), b.shape() );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
				assertArrayEquals( ( float[] ) a.readChunk( t, z, 0, 0, 0 ), ( float[] ) b.readChunk( t, z, 0, 0, 0 ) );
	}

	@Test
	void unitsScaleAndTranslationGoToTheOmeOutput( @TempDir final Path dir ) throws Exception
	{
		for ( final int format : new int[] { 2, 3 } )
		{
			final Path ome = omeVolume( dir, "in" + format + ".ome.zarr", format, 1 ), out = dir.resolve( "out" + format + ".ome.zarr" );
			OmeOutputTest.run( OmeOutputTest.ome( ome, out, 2 ) );
			final JsonNode attributes = OmeOutputTest.attributes( out );
			assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, attributes ).toString() );
			final JsonNode multiscale = attributes.get( "multiscales" ).get( 0 );
			assertEquals( "cells features", multiscale.get( "name" ).asText() );
			assertEquals( "[{\"name\":\"t\",\"type\":\"time\",\"unit\":\"second\"},{\"name\":\"c\",\"type\":\"channel\"},"
					+ "{\"name\":\"z\",\"type\":\"space\",\"unit\":\"micrometer\"},{\"name\":\"y\",\"type\":\"space\",\"unit\":\"micrometer\"},"
					+ "{\"name\":\"x\",\"type\":\"space\",\"unit\":\"micrometer\"}]", multiscale.get( "axes" ).toString() );
			assertEquals( "[{\"type\":\"scale\",\"scale\":[2.0,1.0,0.5,0.25,0.25]},{\"type\":\"translation\",\"translation\":[0.0,0.0,1.0,2.0,3.0]}]",
					multiscale.get( "datasets" ).get( 0 ).get( "coordinateTransformations" ).toString() );
			// level 1's pixel centres: the centre of a 2 x 2 block, a quarter of a level-1 pixel in from level 0's first centre
			assertEquals( "[{\"type\":\"scale\",\"scale\":[2.0,1.0,0.5,0.5,0.5]},{\"type\":\"translation\",\"translation\":[0.0,0.0,1.0,2.125,3.125]}]",
					multiscale.get( "datasets" ).get( 1 ).get( "coordinateTransformations" ).toString() );
		}
	}

	@Test
	void severalChannelsNeedAChannelAndAxesOutOfOrderAreRefused( @TempDir final Path dir ) throws Exception
	{
		final Path three = omeVolume( dir, "three.ome.zarr", 2, 3 );
		final InputException e = assertThrows( InputException.class,
				() -> OmeOutputTest.run( FeaturizeRequest.of( three ).output( dir.resolve( "o.zarr" ) ).model( Fixtures.TINY_MODEL ) ) );
		assertEquals( "Input " + three + " has 3 channels (axis \"c\"): 0 \"c0\", 1 \"c1\", 2 \"c2\"; the model takes one: choose one with channel= "
				+ "(an index or a name), or channel=all to featurize each separately", e.getMessage() );

		final Path swapped = dir.resolve( "swapped.zarr" );
		ZarrGroup.create( swapped, "", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4",
				"axes", List.of( Map.of( "name", "y", "type", "space" ), Map.of( "name", "t", "type", "time" ), Map.of( "name", "x", "type", "space" ) ),
				"datasets", List.of( Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 1 ) ) ) ) ) ) ) ) );
		ZarrArray.create( swapped, "0", ArraySpec.builder().shape( 4, 2, 5 ).chunks( 4, 2, 5 ).dataType( DataType.UINT8 ).zarrFormat( 2 ).build() );
		final OmeException order = assertThrows( OmeException.class, () -> OmeInput.probe( swapped, "" ) );
		assertTrue( order.getMessage().contains( "in an order NGFF does not allow: expected time, then channel, then space" ), order.getMessage() );
	}

	@Test
	void timeAndTwoSpaceAxesGiveAxesTcyx( @TempDir final Path dir ) throws Exception
	{
		final Path root = dir.resolve( "tyx.zarr" );
		ZarrGroup.create( root, "", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4",
				"axes", List.of( Map.of( "name", "t", "type", "time" ), Map.of( "name", "y", "type", "space" ), Map.of( "name", "x", "type", "space" ) ),
				"datasets", List.of( Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 1 ) ) ) ) ) ) ) ) );
		final ZarrArray a = ZarrArray.create( root, "0", ArraySpec.builder().shape( 3, 16, 20 ).chunks( 1, 16, 20 ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		for ( int t = 0; t < 3; t++ )
		{
			final float[] p = new float[ 16 * 20 ];
			for ( int i = 0; i < p.length; i++ )
				p[ i ] = ( float ) Math.cos( i * 0.1 + t );
			a.writeChunk( new long[] { t, 0, 0 }, p );
		}
		final Path out = dir.resolve( "out.zarr" );
		OmeOutputTest.run( OmeOutputTest.ome( root, out, 1 ).tile( null ).chunk( null ) );
		assertEquals( "t,c,y,x", OmeOutputTest.names( OmeOutputTest.attributes( out ).get( "multiscales" ).get( 0 ).get( "axes" ) ) );
		assertArrayEquals( new long[] { 3, 4, 16, 20 }, ZarrArray.open( out, "0" ).shape() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, OmeOutputTest.attributes( out ) ).toString() );
	}
}
