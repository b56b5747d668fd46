package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.input.InputException;
import org.featurize.unet.input.Region;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * region=: a region's features are the whole run's there (cropped by Python's zarr and numpy), in both layouts; the
 * OME output lies where the region lies; the record says which region, so that resume compares it; bad regions are
 * refused before anything is written.
 */
class RegionRunTest
{
	static final Path TINY = Fixtures.TINY_MODEL;

	/** Prints the region's shape, whether the whole output cropped there has it, the largest difference and |value|. */
	static final String CROP = String.join( "\n",
			"import sys, zarr, numpy as np",
			"whole = zarr.open(sys.argv[1], mode='r')[...]",
			"part = zarr.open(sys.argv[2], mode='r')[...]",
			"box = tuple(slice(*map(int, s.split(':'))) for s in sys.argv[3].split(','))",
			"crop = whole[box]",
			"print(list(part.shape), crop.shape == part.shape, float(np.abs(crop - part).max()) if crop.shape == part.shape else -1, float(np.abs(whole).max()))" );

	static String python( final Path whole, final Path part, final String box )
	{
		return External.run( List.of( External.python().toString(), "-c", CROP, whole.toString(), part.toString(), box ), null,
				Duration.ofMinutes( 2 ) ).trim();
	}

	static void assertCrop( final String printed, final String shape )
	{
		final String[] p = printed.substring( printed.indexOf( ']' ) + 1 ).trim().split( " " );
		assertEquals( shape, printed.substring( 0, printed.indexOf( ']' ) + 1 ), printed );
		assertEquals( "True", p[ 0 ], "the crop has the region's shape: " + printed );
		final double diff = Double.parseDouble( p[ 1 ] ), max = Double.parseDouble( p[ 2 ] );
		assertTrue( max > 1 && diff <= 1e-4 * max, "the region's features vs the whole run's there: " + printed );
	}

	static FeaturizeRequest request( final Path input, final Path output )
	{
		return FeaturizeRequest.of( input ).output( output ).model( TINY ).threads( 2 ).rounding( "none" );
	}

	static void run( final FeaturizeRequest request )
	{
		new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void aRegionIsTheWholeRunCroppedInBothLayouts( @TempDir final Path dir ) throws Exception
	{
		External.python();
		final Path input = Fixtures.volume( dir ), whole = dir.resolve( "whole.zarr" ), part = dir.resolve( "part.zarr" );
		run( request( input, whole ).tile( 12 ).chunk( 12 ) );
		// other tiles than the whole run's, an origin off the model's size multiple, the far edge of x
		run( request( input, part ).region( "1, 0:2, 3:17, 5:" ).tile( 8 ).chunk( 8 ) );
		assertCrop( python( whole, part, "1:2,0:2,3:17,5:28,0:4" ), "[1, 2, 14, 23, 4]" );
		assertEquals( List.of( List.of( 1, 2 ), List.of( 0, 2 ), List.of( 3, 17 ), List.of( 5, 28 ) ),
				FeaturizerTest.parameters( part ).get( "region" ) );
		assertFalse( FeaturizerTest.parameters( whole ).containsKey( "region" ), "a whole run records no region" );

		// OME-Zarr: (t, c, z, y, x), translated to the region's start
		final Path wholeOme = dir.resolve( "whole.ome.zarr" ), partOme = dir.resolve( "part.ome.zarr" );
		run( request( input, wholeOme ).layout( "ome" ).tile( 12 ).chunk( 12 ) );
		run( request( input, partOme ).layout( "ome" ).region( "1:2,1:3,0:9,10:20" ).tile( 8 ).chunk( 8 ) );
		assertCrop( python( wholeOme.resolve( "0" ), partOme.resolve( "0" ), "1:2,0:4,1:3,0:9,10:20" ), "[1, 4, 2, 9, 10]" );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > multiscale = ( Map< String, Object > ) ( ( List< ? > ) ZarrGroup.open( partOme, "" ).attributes()
				.get( "multiscales" ) ).get( 0 );
		assertEquals( "[{path=0, coordinateTransformations=[{type=scale, scale=[1.0, 1.0, 1.0, 1.0, 1.0]}, "
				+ "{type=translation, translation=[1.0, 0.0, 1.0, 0.0, 10.0]}]}]", multiscale.get( "datasets" ).toString() );
	}

	@Test
	void resumeComparesTheRegion( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" ), whole = dir.resolve( "whole.zarr" );
		final AtomicInteger polls = new AtomicInteger();
		final FeaturizeRequest first = request( input, output ).region( "0:2,0:3,0:20,4:24" ).tile( 8 ).chunk( 8 ).threads( 1 );
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( first, Progress.NONE, () -> polls.incrementAndGet() > 5 ) );
		final OutputException other = assertThrows( OutputException.class,
				() -> run( request( input, output ).region( "0:2,0:3,0:20,4:20" ).tile( 8 ).chunk( 8 ).threads( 1 ) ) );
		assertTrue( other.getMessage().contains( "region was [[0, 2], [0, 3], [0, 20], [4, 24]], now [[0, 2], [0, 3], [0, 20], [4, 20]]" ),
				other.getMessage() );
		final OutputException none = assertThrows( OutputException.class, () -> run( request( input, output ).tile( 8 ).chunk( 8 ).threads( 1 ) ) );
		assertTrue( none.getMessage().contains( "region was [[0, 2], [0, 3], [0, 20], [4, 24]], now unset" ), none.getMessage() );
		// the same region, written the other way, resumes to what one uninterrupted run writes
		run( request( input, output ).region( ":,:,:,4:24" ).tile( 8 ).chunk( 8 ).threads( 1 ) );
		run( request( input, whole ).region( "0:2,0:3,0:20,4:24" ).tile( 8 ).chunk( 8 ).threads( 1 ) );
		Fixtures.assertSameChunks( whole, output );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > record = ( Map< String, Object > ) ZarrArray.open( output, "" ).attributes().get( FeatureOutput.KEY );
		assertEquals( true, record.get( "complete" ) );
	}

	@Test
	void badRegionsAreRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		final String[][] cases = {
				{ "0:2,0:3,0:20", "region \"0:2,0:3,0:20\" has 3 parts, but the input has 4 axes (t, z, y, x) of shape [2, 3, 20, 28]: give "
						+ Region.SYNTAX },
				{ "0:2,0:3,5:5,:", "region \"0:2,0:3,5:5,:\" is empty along y: 5:5 (start must be below stop)" },
				{ "0:2,0:3,0:20,10:40", "region \"0:2,0:3,0:20,10:40\" reaches beyond the input along x: 10:40, but x has 28 pixels (0:28); "
						+ "the input's shape is (t, z, y, x) [2, 3, 20, 28]" },
				{ "0:2;0:3", "region \"0:2;0:3\" is not valid: part 1, \"0:2;0:3\", is not start:stop with whole numbers from 0; expected "
						+ Region.SYNTAX } };
		for ( final String[] c : cases )
		{
			final InputException e = assertThrows( InputException.class, () -> run( request( input, output ).region( c[ 0 ] ) ) );
			assertEquals( c[ 1 ], e.getMessage() );
			assertFalse( Files.exists( output ), "nothing written for " + c[ 0 ] );
		}
	}
}
