package org.featurize.unet.ome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.OmeLabels;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Classes written as an OME-NGFF 0.4 label image ({@code classify --labels-ome}) into the features' OME-Zarr output:
 * the label image's multiscales validate against the NGFF 0.4 image schemas, its {@code image-label} holds the
 * classifier's values and colours, the image above stays valid, and the label array holds the same chunks as a plain
 * label output.
 */
class OmeLabelsTest
{
	static ClassifyRequest request( final Path input )
	{
		return ClassifyRequest.of( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).threads( 2 ).tile( 12 ).chunk( 12 ) ).trees( 8 ).depth( 6 );
	}

	static ClassifyJob.Result classify( final ClassifyRequest request )
	{
		return new ClassifyJob( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void labelsGoIntoTheOmeOutputAsAnNgffLabelImage( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), out = dir.resolve( "out.zarr" ), plain = dir.resolve( "plain.zarr" );
		OmeOutputTest.run( OmeOutputTest.ome( input, out, 2 ) );
		final Path labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final PixelClassifier classifier = classify( request( input ).labels( labels, "" ).output( plain ) ).classifier;
		classify( request( input ).labels( labels, "" ).output( out ).labelsOme( true ) );

		Fixtures.assertSameChunks( plain, OmeLabels.array( out ) );
		final JsonNode image = OmeOutputTest.attributes( out );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, image ).toString(), "the features' image is intact" );
		assertEquals( "[\"classes\"]", OmeOutputTest.attributes( out.resolve( "labels" ) ).get( "labels" ).toString() );

		final JsonNode label = OmeOutputTest.attributes( out.resolve( "labels/classes" ) );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.IMAGE, label ).toString() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, label ).toString() );
		final JsonNode multiscale = label.get( "multiscales" ).get( 0 );
		assertEquals( "[{\"name\":\"t\",\"type\":\"time\"},{\"name\":\"z\",\"type\":\"space\"},{\"name\":\"y\",\"type\":\"space\"},"
				+ "{\"name\":\"x\",\"type\":\"space\"}]", multiscale.get( "axes" ).toString() );
		assertEquals( "0", multiscale.get( "datasets" ).get( 0 ).get( "path" ).asText() );

		final JsonNode imageLabel = label.get( "image-label" );
		assertEquals( "0.4", imageLabel.get( "version" ).asText() );
		assertEquals( "../../", imageLabel.get( "source" ).get( "image" ).asText() );
		final List< String > expected = new ArrayList<>();
		for ( int c = 0; c < classifier.classes(); c++ )
		{
			final int rgb = classifier.color( c );
			expected.add( String.format( "{\"label-value\":%d,\"rgba\":[%d,%d,%d,255]}", classifier.value( c ), rgb >> 16 & 0xff, rgb >> 8 & 0xff,
					rgb & 0xff ) );
		}
		assertEquals( "[" + String.join( ",", expected ) + "]", imageLabel.get( "colors" ).toString() );
		assertEquals( 3, imageLabel.get( "colors" ).size(), "classes 1, 2 and 3" );
		assertEquals( "class 2", imageLabel.get( "properties" ).get( 1 ).get( "name" ).asText() );
		// the colours as the schema has them: integers 0 to 255, four of them; label values numbers; no two alike
		for ( final JsonNode c : imageLabel.get( "colors" ) )
		{
			assertTrue( c.get( "label-value" ).isIntegralNumber() );
			assertEquals( 4, c.get( "rgba" ).size() );
			for ( final JsonNode v : c.get( "rgba" ) )
				assertTrue( v.isInt() && v.asInt() >= 0 && v.asInt() <= 255, c.toString() );
		}
	}
}
