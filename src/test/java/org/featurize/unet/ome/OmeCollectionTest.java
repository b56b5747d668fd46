package org.featurize.unet.ome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.featurize.unet.input.InputException;
import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Selection;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.plugin.ZarrView;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups that hold images: bioformats2raw's layout, plates and wells open as their one image, and name their images
 * when they hold several; any other group names what it holds.
 */
class OmeCollectionTest
{
	/** A (t, y, x) = (2, 16, 20) OME-Zarr image at {@code root/path} whose pixels are {@code value + t}. */
	private static void image( final Path root, final String path, final float value ) throws Exception
	{
		ZarrGroup.create( root, path, 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4",
				"axes", List.of( Map.of( "name", "t", "type", "time" ), Map.of( "name", "y", "type", "space" ), Map.of( "name", "x", "type", "space" ) ),
				"datasets", List.of( Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 1 ) ) ) ) ) ) ) ) );
		final ZarrArray a = ZarrArray.create( root, path + "/0", ArraySpec.builder().shape( 2, 16, 20 ).chunks( 1, 16, 20 ).dataType( DataType.FLOAT32 ).build() );
		for ( int t = 0; t < 2; t++ )
		{
			final float[] plane = new float[ 16 * 20 ];
			java.util.Arrays.fill( plane, value + t );
			a.writeChunk( new long[] { t, 0, 0 }, plane );
		}
	}

	/** The first pixel of the view's array: which image was opened. */
	private static float first( final InputView view )
	{
		return ( ( float[] ) view.array().readChunk( 0, 0, 0 ) )[ 0 ];
	}

	@Test
	void aBioformats2rawCollectionOfOneSeriesIsThatImage( @TempDir final Path dir ) throws Exception
	{
		final Path root = dir.resolve( "one.zarr" );
		ZarrGroup.create( root, "", 2, Map.of( "bioformats2raw.layout", 3 ) );
		image( root, "0", 7 );
		final InputView view = InputView.open( root, "", Selection.ALL );
		assertArrayEquals( new long[] { 2, 16, 20 }, view.shape() );
		assertEquals( 7f, first( view ) );
		assertArrayEquals( new long[] { 20, 16, 2 }, ZarrView.open( root, "", null ).image().dimensionsAsLongArray(), "Open Zarr: (x, y, t)" );

		// the same features as the image given by its path
		OmeOutputTest.run( FeaturizeRequest.of( root ).output( dir.resolve( "a.zarr" ) ).model( Fixtures.TINY_MODEL ) );
		OmeOutputTest.run( FeaturizeRequest.of( root ).dataset( "0" ).output( dir.resolve( "b.zarr" ) ).model( Fixtures.TINY_MODEL ) );
		final ZarrArray a = ZarrArray.open( dir.resolve( "a.zarr" ), "" ), b = ZarrArray.open( dir.resolve( "b.zarr" ), "" );
		assertArrayEquals( new long[] { 2, 16, 20, 4 }, a.shape(), "(t, y, x, c)" );
		assertArrayEquals( b.shape(), a.shape() );
		for ( int t = 0; t < 2; t++ )
			assertArrayEquals( ( float[] ) b.readChunk( t, 0, 0, 0 ), ( float[] ) a.readChunk( t, 0, 0, 0 ) );
	}

	@Test
	void aBioformats2rawCollectionOfSeveralSeriesNamesThemAndOpensEachByPath( @TempDir final Path dir ) throws Exception
	{
		final Path root = dir.resolve( "three.zarr" );
		ZarrGroup.create( root, "", 2, Map.of( "bioformats2raw.layout", 3 ) );
		ZarrGroup.create( root, "OME", 2, Map.of( "series", List.of( "0", "1", "2" ) ) );
		for ( int s = 0; s < 3; s++ )
			image( root, String.valueOf( s ), 10 * s );
		final OmeException e = assertThrows( OmeException.class, () -> InputView.open( root, "", Selection.ALL ) );
		assertEquals( root + " is a bioformats2raw collection of 3 images: 0, 1, 2. Featurize one with dataset=PATH (bin/featurize --dataset=0), "
				+ "or all of them with a run over many inputs (bin/featurize --output-dir DIR " + root + "; UNet (Folder)), which takes each as an "
				+ "input of its own", e.getMessage() );
		assertEquals( 20f, first( InputView.open( root, "2", Selection.ALL ) ) );

		// without the OME group, the numbered groups in numeric order
		final Path bare = dir.resolve( "bare.zarr" );
		ZarrGroup.create( bare, "", 2, Map.of( "bioformats2raw.layout", 3 ) );
		for ( final int s : new int[] { 10, 2, 1 } )
			image( bare, String.valueOf( s ), s );
		assertEquals( List.of( "1", "2", "10" ), OmeCollection.of( ZarrGroup.open( bare, "" ) ).images() );
	}

	/** A plate of wells A/1 (one field, pixels 1) and B/2 (two fields, pixels 2 and 3). */
	private static Path plate( final Path dir ) throws Exception
	{
		final Path plate = dir.resolve( "plate.zarr" );
		ZarrGroup.create( plate, "", 2, Map.of( "plate", Map.of( "version", "0.4", "columns", List.of( Map.of( "name", "1" ), Map.of( "name", "2" ) ),
				"rows", List.of( Map.of( "name", "A" ), Map.of( "name", "B" ) ),
				"wells", List.of( Map.of( "path", "A/1", "rowIndex", 0, "columnIndex", 0 ), Map.of( "path", "B/2", "rowIndex", 1, "columnIndex", 1 ) ) ) ) );
		ZarrGroup.create( plate, "A", 2, Map.of() );
		ZarrGroup.create( plate, "B", 2, Map.of() );
		ZarrGroup.create( plate, "A/1", 2, Map.of( "well", Map.of( "images", List.of( Map.of( "path", "0" ) ) ) ) );
		ZarrGroup.create( plate, "B/2", 2, Map.of( "well", Map.of( "images", List.of( Map.of( "path", "0" ), Map.of( "path", "1" ) ) ) ) );
		image( plate, "A/1/0", 1 );
		image( plate, "B/2/0", 2 );
		image( plate, "B/2/1", 3 );
		return plate;
	}

	@Test
	void aPlateNamesItsFieldsAndAWellOfOneFieldIsThatField( @TempDir final Path dir ) throws Exception
	{
		final Path plate = plate( dir );
		final OmeException e = assertThrows( OmeException.class, () -> InputView.open( plate, "", Selection.ALL ) );
		assertEquals( plate + " is an OME-Zarr plate of 3 images: A/1/0, B/2/0, B/2/1. Featurize one with dataset=PATH (bin/featurize --dataset=A/1/0), "
				+ "or all of them with a run over many inputs (bin/featurize --output-dir DIR " + plate + "; UNet (Folder)), which takes each as an "
				+ "input of its own", e.getMessage() );
		assertEquals( 3f, first( InputView.open( plate, "B/2/1", Selection.ALL ) ) );
		assertEquals( 1f, first( InputView.open( plate, "A/1", Selection.ALL ) ), "a well of one field is that field" );
		assertEquals( List.of( "0", "1" ), OmeCollection.of( ZarrGroup.open( plate, "B/2" ) ).images() );

		// a well the plate lists but that is not there
		final Path broken = dir.resolve( "broken.zarr" );
		ZarrGroup.create( broken, "", 2, Map.of( "plate", Map.of( "wells", List.of( Map.of( "path", "C/3" ) ) ) ) );
		final OmeException missing = assertThrows( OmeException.class, () -> InputView.open( broken, "", Selection.ALL ) );
		final Path outside = dir.resolve( "outside.zarr" );
		ZarrGroup.create( outside, "", 2, Map.of( "bioformats2raw.layout", 3 ) );
		ZarrGroup.create( outside, "OME", 2, Map.of( "series", List.of( "0", "../plate.zarr/A/1/0" ) ) );
		assertEquals( "bioformats2raw collection " + outside + ": the image path \"../plate.zarr/A/1/0\" does not name a node inside the "
				+ "collection (expected a relative path such as 0 or A/1/0)",
				assertThrows( OmeException.class, () -> InputView.open( outside, "", Selection.ALL ) ).getMessage() );
		assertEquals( "OME-Zarr plate " + broken + ": well C/3 is listed in \"plate.wells\" but ", missing.getMessage().substring( 0,
				( "OME-Zarr plate " + broken + ": well C/3 is listed in \"plate.wells\" but " ).length() ) );
	}

	@Test
	void anyOtherGroupNamesWhatItHolds( @TempDir final Path dir ) throws Exception
	{
		final Path root = dir.resolve( "mixed.zarr" );
		ZarrGroup.create( root, "", 2, Map.of() );
		ZarrArray.create( root, "raw", ArraySpec.builder().shape( 3, 32, 32 ).chunks( 1, 32, 32 ).dataType( DataType.UINT16 ).build() );
		image( root, "image", 0 );
		ZarrGroup.create( root, "more", 2, Map.of() );
		assertNull( OmeCollection.of( ZarrGroup.open( root, "" ) ) );
		final InputException e = assertThrows( InputException.class, () -> InputView.open( root, "", Selection.ALL ) );
		assertEquals( "Input " + root + " is a Zarr group, not an array or an OME-Zarr image (no \"multiscales\" in its attributes). It holds "
				+ "image (OME-Zarr image), more (group), raw (array [3, 32, 32] uint16): give the array or image to featurize with dataset=PATH "
				+ "(bin/featurize --dataset=PATH)", e.getMessage() );
		assertArrayEquals( new long[] { 3, 32, 32 }, InputView.open( root, "raw", Selection.ALL ).shape() );
		// Open Zarr says the same
		assertEquals( e.getMessage(), assertThrows( InputException.class, () -> ZarrView.open( root, "", null ) ).getMessage() );
	}

	@Test
	void aRunOverManyInputsTakesEachImageOfACollection( @TempDir final Path dir ) throws Exception
	{
		final Path plate = plate( dir ), one = dir.resolve( "one.zarr" ), out = dir.resolve( "out" );
		ZarrGroup.create( one, "", 2, Map.of( "bioformats2raw.layout", 3 ) );
		image( one, "0", 5 );
		final List< Batch.Item > items = Batch.plan( List.of( plate, one ), out, null );
		assertEquals( List.of( plate.resolve( "A/1/0" ) + " -> plate-A-1-0-features.zarr", plate.resolve( "B/2/0" ) + " -> plate-B-2-0-features.zarr",
				plate.resolve( "B/2/1" ) + " -> plate-B-2-1-features.zarr", one + " -> one-features.zarr" ),
				items.stream().map( i -> i.input() + " -> " + out.relativize( i.output() ) ).toList() );

		// an image inside a collection is an input of its own: the same features as the collection's image by its path
		OmeOutputTest.run( FeaturizeRequest.of( items.get( 2 ).input() ).output( items.get( 2 ).output() ).model( Fixtures.TINY_MODEL ) );
		OmeOutputTest.run( FeaturizeRequest.of( plate ).dataset( "B/2/1" ).output( dir.resolve( "direct.zarr" ) ).model( Fixtures.TINY_MODEL ) );
		final ZarrArray a = ZarrArray.open( items.get( 2 ).output(), "" ), b = ZarrArray.open( dir.resolve( "direct.zarr" ), "" );
		for ( int t = 0; t < 2; t++ )
			assertArrayEquals( ( float[] ) b.readChunk( t, 0, 0, 0 ), ( float[] ) a.readChunk( t, 0, 0, 0 ) );
	}
}
