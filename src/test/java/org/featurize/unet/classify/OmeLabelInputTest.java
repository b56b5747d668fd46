package org.featurize.unet.classify;

import static org.featurize.unet.classify.ClassifyJobTest.H;
import static org.featurize.unet.classify.ClassifyJobTest.T;
import static org.featurize.unet.classify.ClassifyJobTest.W;
import static org.featurize.unet.classify.ClassifyJobTest.Z;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scribbles stored as napari and ome-zarr store them: an OME-Zarr label image in an image's {@code labels} group, read
 * at its level of the input's shape, or through the {@code labels} group that lists it; the same classes as from the
 * same labels in a plain array.
 */
class OmeLabelInputTest
{
	private static final List< Map< String, Object > > AXES = List.of( Map.of( "name", "t", "type", "time" ), Map.of( "name", "z", "type", "space" ),
			Map.of( "name", "y", "type", "space" ), Map.of( "name", "x", "type", "space" ) );

	/** A label image at {@code root/path}: a level of half the planes' size first, then one of the input's shape holding {@code labels}. */
	private static void labelImage( final Path root, final String path, final short[] labels )
	{
		ZarrGroup.create( root, path, 2, Map.of( "image-label", Map.of( "version", "0.4" ), "multiscales", List.of( Map.of( "version", "0.4",
				"axes", AXES, "datasets", List.of(
						Map.of( "path", "half", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 2, 2 ) ) ) ),
						Map.of( "path", "full", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 1, 1 ) ) ) ) ) ) ) ) );
		ZarrArray.create( root, path + "/half", ArraySpec.builder().shape( T, Z, H / 2, W / 2 ).chunks( 1, 1, H / 2, W / 2 ).dataType( DataType.UINT16 ).build() );
		final ZarrArray full = ZarrArray.create( root, path + "/full", ArraySpec.builder().shape( T, Z, H, W ).chunks( 1, 1, H, W )
				.dataType( DataType.UINT16 ).build() );
		for ( int p = 0; p < T * Z; p++ )
		{
			final short[] plane = new short[ H * W ];
			System.arraycopy( labels, p * H * W, plane, 0, plane.length );
			full.writeChunk( new long[] { p / Z, p % Z, 0, 0 }, plane );
		}
	}

	@Test
	void anOmeZarrLabelImageIsReadAtTheLevelOfTheInputsShape( @TempDir final Path dir ) throws Exception
	{
		final short[][] scene = ClassifyJobTest.scene( 7 );
		final short[] scribbles = ClassifyJobTest.scribbles( scene[ 1 ] );
		final Path input = ClassifyJobTest.array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final Path plain = ClassifyJobTest.array( dir.resolve( "labels.zarr" ), DataType.UINT16, scribbles );
		final Path image = dir.resolve( "image.zarr" );
		ZarrGroup.create( image, "", 2, Map.of() );
		ZarrGroup.create( image, "labels", 2, Map.of( "labels", List.of( "scribbles" ) ) );
		labelImage( image, "labels/scribbles", scribbles );

		ClassifyJobTest.run( ClassifyJobTest.request( input ).labels( plain, "" ).output( dir.resolve( "a.zarr" ) ) );
		ClassifyJobTest.run( ClassifyJobTest.request( input ).labels( image.resolve( "labels/scribbles" ), "" ).output( dir.resolve( "b.zarr" ) ) );
		ClassifyJobTest.run( ClassifyJobTest.request( input ).labels( image, "labels" ).output( dir.resolve( "c.zarr" ) ) );
		final short[] a = ClassifyJobTest.read( dir.resolve( "a.zarr" ) );
		assertTrue( ClassifyJobTest.accuracy( a, scene[ 1 ] ) > 0.9, "the plain labels' classes are right" );
		assertArrayEquals( a, ClassifyJobTest.read( dir.resolve( "b.zarr" ) ), "the label image's full level" );
		assertArrayEquals( a, ClassifyJobTest.read( dir.resolve( "c.zarr" ) ), "the label image the labels group lists" );

		// a labels group of two label images, and a label image without a level of the input's shape
		ZarrGroup.create( image, "two", 2, Map.of( "labels", List.of( "a", "b" ) ) );
		assertEquals( "Labels " + image.resolve( "two" ) + " is an OME-Zarr labels group of 2 label images: a, b; give one with labels_dataset "
				+ "(bin/featurize classify --labels-dataset)", ClassifyJobTest.refused( ClassifyJobTest.request( input ).labels( image, "two" )
						.output( dir.resolve( "d.zarr" ) ), dir.resolve( "d.zarr" ) ) );
		final Path small = ClassifyJobTest.array( dir.resolve( "small-in.zarr" ), DataType.UINT16, scene[ 0 ] );
		ZarrGroup.create( image, "other", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4", "axes", AXES, "datasets", List.of(
				Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1, 1, 2, 2 ) ) ) ) ) ) ) ) );
		ZarrArray.create( image, "other/0", ArraySpec.builder().shape( T, Z, H / 2, W / 2 ).chunks( 1, 1, H / 2, W / 2 ).dataType( DataType.UINT8 ).build() );
		assertEquals( "Labels " + image.resolve( "other" ) + " is an OME-Zarr label image none of whose 1 level(s) has the shape of the input, "
				+ "[2, 2, 24, 32]: [2, 2, 12, 16]", ClassifyJobTest.refused( ClassifyJobTest.request( small ).labels( image, "other" )
						.output( dir.resolve( "e.zarr" ) ), dir.resolve( "e.zarr" ) ) );
	}
}
