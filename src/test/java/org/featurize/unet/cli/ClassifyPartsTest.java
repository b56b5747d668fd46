package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.OmeLabels;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/featurize classify on a part of the input: --region classifies the region as the whole input's classification
 * holds it there, --level a level of a multiscale OME-Zarr image as that level copied out; labels have the part's
 * shape (another is refused, the part named); the OME labels lie where the part lies; a resume with another part is
 * refused.
 */
public class ClassifyPartsTest
{
	static final String REGION = "0:2,0:3,12:20,12:28";

	static String[] classify( final String... args )
	{
		final String[] all = new String[ args.length + 7 ];
		all[ 0 ] = "classify";
		System.arraycopy( args, 0, all, 1, args.length );
		System.arraycopy( new String[] { "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2", "--tile", "12" }, 0, all, args.length + 1, 6 );
		final String[] r = ClassifyFeaturesTest.featurize( all );
		return r;
	}

	@SuppressWarnings( "unchecked" )
	static Object transforms( final Path omeGroup )
	{
		final Map< String, Object > multiscale = ( Map< String, Object > ) ( ( List< ? > ) ZarrGroup.open( omeGroup, "labels/" + OmeLabels.NAME )
				.attributes().get( "multiscales" ) ).get( 0 );
		return List.of( multiscale.get( "axes" ), ( ( Map< ?, ? > ) ( ( List< ? > ) multiscale.get( "datasets" ) ).get( 0 ) ).get( "coordinateTransformations" ) );
	}

	@Test
	void aRegionIsClassifiedAsTheWholeInputIsThere( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path whole = dir.resolve( "whole.zarr" ), part = dir.resolve( "part.zarr" ), file = dir.resolve( "c.json" );
		// without a margin: the tiny model's features of these 20 x 28 planes mirrored by 32 put the whole region in one class,
		// without one it holds both, so that the comparison below tells (regions with a margin: FeatureImageTest)
		final String[] trained = classify( input.toString(), labels.toString(), whole.toString(), "--save-classifier", file.toString(), "--margin", "0" );
		assertEquals( "0", trained[ 0 ], trained[ 2 ] );
		final String[] applied = classify( input.toString(), "--classifier", file.toString(), part.toString(), "--region", REGION );
		assertEquals( "0", applied[ 0 ], applied[ 2 ] );
		final ZarrArray w = ZarrArray.open( whole, "" ), p = ZarrArray.open( part, "" );
		assertArrayEquals( new long[] { 2, 3, 8, 16 }, p.shape() );
		// the region starts on the whole run's tile grid (12 px), so its tiles are the whole run's: the same classes
		final byte[] expected = ( byte[] ) w.readRegion( new long[] { 0, 0, 12, 12 }, new int[] { 2, 3, 8, 16 } );
		final byte[] actual = ( byte[] ) p.readRegion( new long[ 4 ], new int[] { 2, 3, 8, 16 } );
		assertArrayEquals( expected, actual );
		int one = 0, two = 0;
		for ( final byte v : actual )
		{
			one += v == 1 ? 1 : 0;
			two += v == 2 ? 1 : 0;
		}
		assertTrue( one > 0 && two > 0, "several classes in the region: " + one + ", " + two );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > parameters = ( Map< String, Object > ) ( ( Map< String, Object > ) p.attributes().get( FeatureOutput.KEY ) ).get( "parameters" );
		assertEquals( List.of( List.of( 0, 2 ), List.of( 0, 3 ), List.of( 12, 20 ), List.of( 12, 28 ) ), parameters.get( "region" ) );
		assertEquals( List.of( 2, 3, 8, 16 ), parameters.get( "input_shape" ) );

		// as OME labels: translated to the region's start
		final Path ome = dir.resolve( "part.ome.zarr" );
		final String[] o = classify( input.toString(), "--classifier", file.toString(), ome.toString(), "--region", REGION, "--labels-ome" );
		assertEquals( "0", o[ 0 ], o[ 2 ] );
		assertArrayEquals( actual, ( byte[] ) ZarrArray.open( OmeLabels.array( ome ), "" ).readRegion( new long[ 4 ], new int[] { 2, 3, 8, 16 } ) );
		assertEquals( "[[{name=t, type=time}, {name=z, type=space}, {name=y, type=space}, {name=x, type=space}], [{type=scale, scale=[1.0, 1.0, "
				+ "1.0, 1.0]}, {type=translation, translation=[0.0, 0.0, 12.0, 12.0]}]]", transforms( ome ).toString() );

		// training on labels of the whole input's shape with a region: refused with the region named, nothing written
		final Path refused = dir.resolve( "refused.zarr" );
		final String[] r = classify( input.toString(), labels.toString(), refused.toString(), "--region", REGION );
		assertEquals( "1", r[ 0 ], r[ 2 ] );
		assertTrue( r[ 2 ].contains( "have shape [2, 3, 20, 28]; region 0:2,0:3,12:20,12:28 of the input has shape [2, 3, 8, 16]" ), r[ 2 ] );
		assertFalse( Files.exists( refused ) );
	}

	@Test
	void aLevelIsClassifiedAsThatLevelCopiedOut( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), copied = Fixtures.levelOne( dir, "level1.zarr" );
		final Path labels = halves( dir, copied );
		final Path alone = dir.resolve( "alone.zarr" ), one = dir.resolve( "one.ome.zarr" );
		final String[] a = classify( copied.toString(), labels.toString(), alone.toString() );
		assertEquals( "0", a[ 0 ], a[ 2 ] );
		final String[] b = classify( pyramid.toString(), labels.toString(), one.toString(), "--level", "1", "--labels-ome" );
		assertEquals( "0", b[ 0 ], b[ 2 ] );
		Fixtures.assertSameChunks( alone, OmeLabels.array( one ) );
		assertArrayEquals( new long[] { 2, 3, 10, 14 }, ZarrArray.open( OmeLabels.array( one ), "" ).shape() );
		// level 1's pixels: 0.5 um in y and x, their first centre 0.125 um from level 0's first pixel centre; the input's units
		assertEquals( "[[{name=t, type=time}, {name=z, type=space, unit=micrometer}, {name=y, type=space, unit=micrometer}, {name=x, type=space, "
				+ "unit=micrometer}], [{type=scale, scale=[1.0, 0.5, 0.5, 0.5]}, {type=translation, translation=[0.0, 0.0, 0.125, 0.125]}]]",
				transforms( one ).toString() );

		// labels of level 0's shape for level 1: refused, the level named
		final Path refused = dir.resolve( "refused.zarr" );
		final String[] r = classify( pyramid.toString(), Fixtures.labelArray( dir, "l0.zarr", Fixtures.scribbles() ).toString(), refused.toString(),
				"--level", "1" );
		assertEquals( "1", r[ 0 ], r[ 2 ] );
		assertTrue( r[ 2 ].contains( "have shape [2, 3, 20, 28]; level 1 of the input has shape [2, 3, 10, 14]" ), r[ 2 ] );
		assertFalse( Files.exists( refused ) );
	}

	@Test
	void storedFeaturesOfARegionClassifyThatRegionAndNoOther( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path file = dir.resolve( "c.json" ), features = dir.resolve( "features.zarr" );
		assertEquals( "0", classify( input.toString(), labels.toString(), dir.resolve( "whole.zarr" ).toString(), "--save-classifier",
				file.toString() )[ 0 ] );
		final String[] f = ClassifyFeaturesTest.featurize( input.toString(), features.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads",
				"2", "--tile", "12", "--rounding", "none", "--region", REGION, "--margin", String.valueOf( ClassifyRequest.DEFAULT_MARGIN ) );
		assertEquals( "0", f[ 0 ], f[ 2 ] );
		final Path computed = dir.resolve( "computed.zarr" ), stored = dir.resolve( "stored.zarr" );
		assertEquals( "0", classify( input.toString(), "--classifier", file.toString(), computed.toString(), "--region", REGION )[ 0 ] );
		final String[] s = classify( input.toString(), "--classifier", file.toString(), stored.toString(), "--region", REGION, "--features",
				features.toString() );
		assertEquals( "0", s[ 0 ], s[ 2 ] );
		Fixtures.assertSameChunks( computed, stored );

		// the same shape elsewhere, or the whole input: refused before anything is written, the parts named
		final Path refused = dir.resolve( "refused.zarr" );
		final String[] other = classify( input.toString(), "--classifier", file.toString(), refused.toString(), "--region", "0:2,0:3,0:8,0:16",
				"--features", features.toString() );
		assertEquals( "1", other[ 0 ], other[ 2 ] );
		assertTrue( other[ 2 ].contains( "were computed with region [[0, 2], [0, 3], [12, 20], [12, 28]]; this run classifies region "
				+ "0:2,0:3,0:8,0:16 of the input with region [[0, 2], [0, 3], [0, 8], [0, 16]]: give the features of that part" ), other[ 2 ] );
		assertFalse( Files.exists( refused ) );

		// features of the whole input, and a region that is the whole input: the same part (unrounded features, as
		// computed on the fly)
		final Path wholeFeatures = dir.resolve( "whole-features.zarr" ), all = dir.resolve( "all.zarr" );
		assertEquals( "0", ClassifyFeaturesTest.featurize( input.toString(), wholeFeatures.toString(), "--model", Fixtures.TINY_MODEL.toString(),
				"--threads", "2", "--tile", "12", "--rounding", "none", "--margin", String.valueOf( ClassifyRequest.DEFAULT_MARGIN ) )[ 0 ] );
		final String[] w = classify( input.toString(), "--classifier", file.toString(), all.toString(), "--region", ":,:,0:20,:", "--features",
				wholeFeatures.toString() );
		assertEquals( "0", w[ 0 ], w[ 2 ] );
		assertArrayEquals( ( byte[] ) ZarrArray.open( dir.resolve( "whole.zarr" ), "" ).readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } ),
				( byte[] ) ZarrArray.open( all, "" ).readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } ) );
	}

	@Test
	void resumeComparesThePart( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path file = dir.resolve( "c.json" ), output = dir.resolve( "out.zarr" ), uninterrupted = dir.resolve( "uninterrupted.zarr" );
		final String[] trained = classify( input.toString(), labels.toString(), dir.resolve( "whole.zarr" ).toString(), "--save-classifier",
				file.toString() );
		assertEquals( "0", trained[ 0 ], trained[ 2 ] );
		final AtomicInteger polls = new AtomicInteger();
		assertThrows( CancellationException.class, () -> new ClassifyJob( s -> {} ).run( request( input, file, output, REGION ), Progress.NONE,
				() -> polls.incrementAndGet() > 3 ) );
		final OutputException other = assertThrows( OutputException.class,
				() -> new ClassifyJob( s -> {} ).run( request( input, file, output, "0:2,0:3,0:20,12:28" ), Progress.NONE, () -> false ) );
		assertTrue( other.getMessage().contains( "region was [[0, 2], [0, 3], [12, 20], [12, 28]], now [[0, 2], [0, 3], [0, 20], [12, 28]]" ),
				other.getMessage() );
		new ClassifyJob( s -> {} ).run( request( input, file, output, REGION ), Progress.NONE, () -> false );
		new ClassifyJob( s -> {} ).run( request( input, file, uninterrupted, REGION ), Progress.NONE, () -> false );
		Fixtures.assertSameChunks( uninterrupted, output );
	}

	/** Labels of a (t, z, y, x) volume of one uint16 chunk per plane, of its shape: in plane (0, 0), every 3rd pixel, 1 below the plane's median, 2 above. */
	public static Path halves( final Path dir, final Path volume )
	{
		final ZarrArray a = ZarrArray.open( volume, "" );
		final long[] shape = a.shape();
		final short[] plane = ( short[] ) a.readChunk( 0, 0, 0, 0 );
		final int[] sorted = new int[ plane.length ];
		for ( int i = 0; i < plane.length; i++ )
			sorted[ i ] = plane[ i ] & 0xffff;
		java.util.Arrays.sort( sorted );
		final int median = sorted[ sorted.length / 2 ];
		final byte[] labels = new byte[ plane.length ];
		for ( int i = 0; i < plane.length; i += 3 )
			labels[ i ] = ( byte ) ( ( plane[ i ] & 0xffff ) > median ? 2 : 1 );
		final Path path = dir.resolve( "halves.zarr" );
		ZarrArray.create( path, "", ArraySpec.builder().shape( shape ).chunks( 1, 1, ( int ) shape[ 2 ], ( int ) shape[ 3 ] ).dataType( DataType.UINT8 )
				.zarrFormat( 2 ).build() ).writeChunk( new long[ 4 ], labels );
		return path;
	}

	static ClassifyRequest request( final Path input, final Path classifier, final Path output, final String region )
	{
		return ClassifyRequest.of( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).threads( 1 ).tile( 12 ).chunk( 4 ).region( region ) )
				.classifier( classifier ).output( output );
	}
}
