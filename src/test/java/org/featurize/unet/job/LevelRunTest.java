package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.featurize.unet.input.InputException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * level=: a level of an OME-Zarr multiscale image is featurized as that level copied out would be; the OME output's
 * scale and translation say where it lies in level 0's coordinates; a level that does not exist is refused.
 */
class LevelRunTest
{
	static FeaturizeRequest request( final Path input, final Path output )
	{
		return FeaturizeRequest.of( input ).output( output ).model( Fixtures.TINY_MODEL ).threads( 2 ).tile( 8 ).chunk( 8 );
	}

	static void run( final FeaturizeRequest request )
	{
		new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@SuppressWarnings( "unchecked" )
	static Object transforms( final Path omeOutput )
	{
		final Map< String, Object > multiscale = ( Map< String, Object > ) ( ( List< ? > ) ZarrGroup.open( omeOutput, "" ).attributes()
				.get( "multiscales" ) ).get( 0 );
		return ( ( Map< ?, ? > ) ( ( List< ? > ) multiscale.get( "datasets" ) ).get( 0 ) ).get( "coordinateTransformations" );
	}

	@Test
	void aLevelIsThatLevelCopiedOut( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), copied = Fixtures.levelOne( dir, "level1.zarr" );
		final Path one = dir.resolve( "one.zarr" ), alone = dir.resolve( "alone.zarr" );
		run( request( pyramid, one ).level( 1 ).normalization( "percentile" ) );
		run( request( copied, alone ).normalization( "percentile" ) );
		Fixtures.assertSameChunks( alone, one );
		assertArrayEquals( new long[] { 2, 3, 10, 14, 4 }, ZarrArray.open( one, "" ).shape() );
		assertEquals( 1, FeaturizerTest.parameters( one ).get( "level" ) );
		assertEquals( List.of( 2, 3, 10, 14 ), FeaturizerTest.parameters( one ).get( "input_shape" ) );
		run( request( pyramid, dir.resolve( "zero.zarr" ) ).level( 0 ) );
		run( request( pyramid, dir.resolve( "default.zarr" ) ) );
		Fixtures.assertSameChunks( dir.resolve( "default.zarr" ), dir.resolve( "zero.zarr" ) );
		assertFalse( FeaturizerTest.parameters( dir.resolve( "default.zarr" ) ).containsKey( "level" ) );
	}

	@Test
	void anOmeOutputOfALevelLiesWhereTheLevelLies( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), out = dir.resolve( "out.ome.zarr" ), part = dir.resolve( "part.ome.zarr" );
		run( request( pyramid, out ).level( 1 ).layout( "ome" ) );
		// (t, c, z, y, x): level 1's pixels are 0.5 um in y and x, their first centre 0.125 um from level 0's first pixel centre
		assertEquals( "[{type=scale, scale=[1.0, 1.0, 0.5, 0.5, 0.5]}, {type=translation, translation=[0.0, 0.0, 0.0, 0.125, 0.125]}]",
				transforms( out ).toString() );
		// a region of level 1: its start in level 1's pixels, times their size
		run( request( pyramid, part ).level( 1 ).layout( "ome" ).region( "1,1:3,2:8,4:" ) );
		assertEquals( "[{type=scale, scale=[1.0, 1.0, 0.5, 0.5, 0.5]}, {type=translation, translation=[1.0, 0.0, 0.5, 1.125, 2.125]}]",
				transforms( part ).toString() );
		assertArrayEquals( new long[] { 1, 4, 2, 6, 10 }, ZarrArray.open( part, "0" ).shape() );
	}

	@Test
	void aLevelThatDoesNotExistIsRefused( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), plain = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		assertEquals( "level=2 does not exist: Input " + pyramid + " has 2 resolution levels (0 to 1)",
				assertThrows( InputException.class, () -> run( request( pyramid, output ).level( 2 ) ) ).getMessage() );
		assertEquals( "level=1 needs an OME-Zarr multiscale image, but Input " + plain + " is a plain Zarr array (one level, 0)",
				assertThrows( InputException.class, () -> run( request( plain, output ).level( 1 ) ) ).getMessage() );
		assertEquals( "level must be 0 (full resolution) or more, got -1",
				assertThrows( org.featurize.unet.FeaturizeException.class, () -> run( request( pyramid, output ).level( -1 ) ) ).getMessage() );
		assertFalse( Files.exists( output ) );
	}
}
