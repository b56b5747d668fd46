package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

import org.featurize.unet.classify.LabelException;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.PolygonRoi;
import ij.gui.Roi;

/** ImageJ ROIs as labelled pixels: which pixels each kind of ROI labels, on which plane, of which class. */
class RoiLabelsTest
{
	/** The input of {@link Fixtures#volume}: 28 x 20 pixels, 3 z, 2 t. */
	private static final long W = 28, H = 20, Z = 3, T = 2;

	private static Roi named( final Roi roi, final String name, final int z, final int t )
	{
		roi.setName( name );
		roi.setPosition( 0, z, t );
		return roi;
	}

	/** Positions of (x, y) pairs on a plane. */
	private static long[] at( final long plane, final int... xy )
	{
		final long[] p = new long[ xy.length / 2 ];
		for ( int i = 0; i < p.length; i++ )
			p[ i ] = ( plane * H + xy[ 2 * i + 1 ] ) * W + xy[ 2 * i ];
		return LongStream.of( p ).sorted().toArray();
	}

	private static long[] row( final long plane, final int y, final int x0, final int x1 )
	{
		return LongStream.rangeClosed( x0, x1 ).map( x -> ( plane * H + y ) * W + x ).toArray();
	}

	private static long[] concat( final long[]... parts )
	{
		return java.util.Arrays.stream( parts ).flatMapToLong( LongStream::of ).sorted().toArray();
	}

	@Test
	void linesPolylinesAreasAndPointsLabelTheirPixels()
	{
		final Line wide = new Line( 2, 12, 10, 12 );
		wide.setStrokeWidth( 3 );
		final RoiLabels labels = RoiLabels.of( new Roi[] {
				named( new Line( 2, 5, 10, 5 ), "1", 1, 1 ), // thin line: the pixels it crosses, x 2 to 9 of row 5
				named( wide, "2 background", 1, 1 ), // 3 pixels wide: rows 11 to 13
				named( new PolygonRoi( new int[] { 1, 5, 5 }, new int[] { 1, 1, 4 }, 3, Roi.POLYLINE ), "background", 2, 1 ),
				named( new OvalRoi( 2, 3, 4, 4 ), "cells", 1, 2 ),
				named( new PointRoi( new int[] { 20, 22 }, new int[] { 15, 16 }, 2 ), "cells", 3, 2 ) }, W, H, Z, T, null );
		assertArrayEquals( new long[] { 1, 2, 3 }, labels.labels().values(), "\"background\" joins class 2; \"cells\" takes 3, the first free" );
		assertArrayEquals( row( 0, 5, 2, 9 ), labels.labels().positions( 1 ) );
		assertArrayEquals( concat( row( 0, 11, 2, 9 ), row( 0, 12, 2, 9 ), row( 0, 13, 2, 9 ),
				at( 1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 5, 2, 5, 3, 5, 4 ) ), labels.labels().positions( 2 ), "the polyline on z 2 is plane 1" );
		assertArrayEquals( concat( at( 3, 3, 3, 4, 3, 2, 4, 3, 4, 4, 4, 5, 4, 2, 5, 3, 5, 4, 5, 5, 5, 3, 6, 4, 6 ), at( 5, 20, 15, 22, 16 ) ),
				labels.labels().positions( 3 ), "the oval's mask on t 2 is plane 3; the points on z 3, t 2 plane 5" );
		assertEquals( Map.of( 2L, "background", 3L, "cells" ), labels.names() );
		assertEquals( 24 + 8, labels.labels().count( 2 ) );
	}

	@Test
	void theRoisOfTheFixturesScribbles()
	{
		final Map< Long, long[] > expected = new TreeMap<>( Fixtures.scribbles() );
		final RoiLabels labels = RoiLabels.of( scribbleRois(), W, H, Z, T, null );
		for ( final Map.Entry< Long, long[] > e : expected.entrySet() )
			assertArrayEquals( LongStream.of( e.getValue() ).sorted().toArray(), labels.labels().positions( e.getKey() ), "class " + e.getKey() );
	}

	/** ROIs that label exactly {@link Fixtures#scribbles()}. */
	static Roi[] scribbleRois()
	{
		return new Roi[] {
				named( new Roi( 3, 7, 6, 1 ), "1", 1, 1 ),
				named( new Roi( 10, 15, 16, 1 ), "2 background", 1, 1 ),
				named( new Roi( 3, 7, 6, 1 ), "1", 2, 2 ),
				named( new Roi( 10, 15, 16, 1 ), "background", 2, 2 ),
				named( new Line( 20, 2, 20, 7 ), "class 3", 2, 2 ) };
	}

	@Test
	void aRoisPlaneIsItsZAndTOrItsSlice()
	{
		final Roi hyper = named( new Roi( 0, 0, 1, 1 ), "1", 2, 2 );
		assertEquals( 4, RoiLabels.plane( hyper, "a", Z, T, null ), "z 2, t 2: (2 - 1) * 3 + 2 - 1" );
		final Roi slice = new Roi( 0, 0, 1, 1 );
		slice.setPosition( 5 );
		assertEquals( 4, RoiLabels.plane( slice, "a", Z, T, null ), "slice 5 of a stack of the planes" );
		// on a hyperstack of 2 channels, 3 z, 2 t, slice 5 is channel 1, z 3, t 1
		final ImagePlus image = IJ.createHyperStack( "drawn on", ( int ) W, ( int ) H, 2, 3, 2, 8 );
		assertEquals( 2, RoiLabels.plane( slice, "a", Z, T, image ) );
		final Roi none = new Roi( 0, 0, 1, 1 );
		assertEquals( 0, RoiLabels.plane( none, "a", 1, 1, null ), "a single plane needs no position" );
		assertEquals( "ROI a belongs to no particular z slice, and the input has 3: add it to the ROI Manager while the plane it labels is shown",
				assertThrows( LabelException.class, () -> RoiLabels.plane( none, "a", Z, T, null ) ).getMessage() );
		final Roi far = new Roi( 0, 0, 1, 1 );
		far.setPosition( 7 );
		assertEquals( "ROI a is on slice 7; the input has 6 planes (3 z x 2 t)",
				assertThrows( LabelException.class, () -> RoiLabels.plane( far, "a", Z, T, null ) ).getMessage() );
	}

	@Test
	void groupsNameTheirClassAndALaterRoiPaintsOverAnEarlierOne()
	{
		final Roi nuclei = named( new Roi( 0, 0, 4, 4 ), "anything", 1, 1 );
		nuclei.setGroup( 4 );
		Roi.setGroupName( 4, "nuclei" );
		final RoiLabels labels = RoiLabels.of( new Roi[] { nuclei, named( new Roi( 2, 2, 4, 4 ), "1", 1, 1 ) }, W, H, Z, T, null );
		assertArrayEquals( new long[] { 1, 4 }, labels.labels().values() );
		assertEquals( Map.of( 4L, "nuclei" ), labels.names() );
		assertEquals( 16, labels.labels().count( 1 ), "the later ROI whole" );
		assertEquals( 12, labels.labels().count( 4 ), "the earlier one less the 4 pixels the later one covers" );
		assertEquals( "1 (1 ROI, 16 pixels), 4 \"nuclei\" (1 ROI, 12 pixels)", labels.describe() );
	}

	@Test
	void pixelsOutsideThePlaneAreLeftOut()
	{
		final RoiLabels labels = RoiLabels.of( new Roi[] { named( new Roi( 26, 18, 5, 5 ), "1", 1, 1 ), named( new Roi( -2, 0, 3, 1 ), "2", 1, 1 ) },
				W, H, Z, T, null );
		assertArrayEquals( at( 0, 26, 18, 27, 18, 26, 19, 27, 19 ), labels.labels().positions( 1 ) );
		assertArrayEquals( at( 0, 0, 0 ), labels.labels().positions( 2 ) );
	}

	@Test
	void refusalsSayWhatIsWrong()
	{
		assertEquals( "No labels: give a label array (labels=), or draw ROIs over the input and add them to the ROI Manager, named after their "
				+ "class (1, 2, ... or words such as \"background\")",
				assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[ 0 ], W, H, Z, T, null ) ).getMessage() );
		assertEquals( "ROI 0001-0005-0002 has ImageJ's automatic name: rename it after its class (1, 2, ... or a word such as \"background\") "
				+ "or put it in a group", assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[] {
						named( new Roi( 2, 5, 1, 1 ), "0001-0005-0002", 1, 1 ) }, W, H, Z, T, null ) ).getMessage() );
		assertEquals( "ROI 1 has no name: name it after its class (1, 2, ... or a word such as \"background\") or put it in a group",
				assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[] { new Roi( 2, 5, 1, 1 ) }, 28, 20, 1, 1, null ) ).getMessage() );
		assertEquals( "The ROIs label a single class (2 \"cells\", 2 ROIs); label at least two classes to train a classifier (name each ROI after "
				+ "its class: 1, 2, ... or words such as \"background\")", assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[] {
						named( new Roi( 2, 5, 1, 1 ), "2 cells", 1, 1 ), named( new Roi( 7, 5, 1, 1 ), "cells", 1, 1 ) }, W, H, Z, T, null ) )
						.getMessage() );
		assertEquals( "ROIs \"2 cells\" and \"2 nuclei\" both label class 2 but name it \"cells\" and \"nuclei\": give each class one name",
				assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[] { named( new Roi( 2, 5, 1, 1 ), "2 cells", 1, 1 ),
						named( new Roi( 7, 5, 1, 1 ), "2 nuclei", 1, 1 ) }, W, H, Z, T, null ) ).getMessage() );
		assertEquals( "ROI \"1\" lies outside the input's 28 x 20 plane", assertThrows( LabelException.class, () -> RoiLabels.of( new Roi[] {
				named( new Roi( 30, 5, 2, 2 ), "1", 1, 1 ), named( new Roi( 7, 5, 1, 1 ), "2", 1, 1 ) }, W, H, Z, T, null ) ).getMessage() );
		assertEquals( "ROI \"0 nothing\" names class 0; classes are 1 to 4294967295 (0 is unlabelled)", assertThrows( LabelException.class,
				() -> RoiLabels.of( new Roi[] { named( new Roi( 2, 5, 1, 1 ), "0 nothing", 1, 1 ) }, W, H, Z, T, null ) ).getMessage() );
	}
}
