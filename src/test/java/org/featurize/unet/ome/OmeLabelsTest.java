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

		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.LABELS, OmeOutputTest.attributes( out.resolve( "labels" ) ) ).toString() );
		final JsonNode label = OmeOutputTest.attributes( out.resolve( "labels/classes" ) );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.IMAGE, label ).toString() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_IMAGE, label ).toString() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.LABEL, label ).toString() );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_LABEL, label ).toString() );
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

	@Test
	void labelsOfARegionOfALevelValidateAndLieWhereThePartLies( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), out = dir.resolve( "part.ome.zarr" );
		final Path labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() ), file = dir.resolve( "c.json" );
		classify( request( Fixtures.volume( dir ) ).labels( labels, "" ).saveClassifier( file ) );
		final ClassifyRequest part = request( pyramid ).classifier( file ).output( out ).labelsOme( true );
		part.features().level( 1 ).region( "0:2,1:3,2:8,:" );
		classify( part );
		final JsonNode label = OmeOutputTest.attributes( out.resolve( "labels/classes" ) );
		for ( final String schema : List.of( NgffSchemas.LABEL, NgffSchemas.STRICT_LABEL, NgffSchemas.STRICT_IMAGE ) )
			assertEquals( "[]", NgffSchemas.validate( schema, label ).toString(), schema );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.LABELS, OmeOutputTest.attributes( out.resolve( "labels" ) ) ).toString() );
		// z from 1 at 0.5 um; y from 2 and x from 0 in level 1's pixels of 0.5 um, whose first centre lies 0.125 um in
		assertEquals( "[{\"type\":\"scale\",\"scale\":[1.0,0.5,0.5,0.5]},{\"type\":\"translation\",\"translation\":[0.0,0.5,1.125,0.125]}]",
				label.get( "multiscales" ).get( 0 ).get( "datasets" ).get( 0 ).get( "coordinateTransformations" ).toString() );
		assertEquals( "micrometer", label.get( "multiscales" ).get( 0 ).get( "axes" ).get( 3 ).get( "unit" ).asText() );
	}

	@Test
	void theLabelSchemasRefuseWhatTheSpecificationForbids() throws Exception
	{
		final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
		final String multiscales = "\"multiscales\":[{\"version\":\"0.4\",\"name\":\"classes\",\"type\":\"nearest\",\"metadata\":{},"
				+ "\"axes\":[{\"name\":\"y\",\"type\":\"space\"},{\"name\":\"x\",\"type\":\"space\"}],"
				+ "\"datasets\":[{\"path\":\"0\",\"coordinateTransformations\":[{\"type\":\"scale\",\"scale\":[1.0,1.0]}]}]}]";
		final String good = "{" + multiscales + ",\"image-label\":{\"version\":\"0.4\",\"colors\":[{\"label-value\":1,\"rgba\":[255,0,0,255]}],"
				+ "\"properties\":[{\"label-value\":1,\"name\":\"cell\"}],\"source\":{\"image\":\"../../\"}}}";
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.STRICT_LABEL, json.readTree( good ) ).toString() );
		for ( final String[] bad : new String[][] {
				{ "[255,0,0,255]", "[255,0,0]" }, // three colour components
				{ "[255,0,0,255]", "[256,0,0,255]" }, // a component above 255
				{ "{\"label-value\":1,\"rgba\"", "{\"label-value\":\"1\",\"rgba\"" }, // a label value that is not an integer
				{ "\"label-value\":1,\"name\"", "\"label-value\":1.5,\"name\"" }, // nor here
				{ "\"image\":\"../../\"", "\"image\":2" }, // the source image not a path
				{ "\"version\":\"0.4\",\"colors\"", "\"version\":\"0.3\",\"colors\"" } } ) // another version
		{
			final String broken = good.replace( bad[ 0 ], bad[ 1 ] );
			assertTrue( !broken.equals( good ), bad[ 1 ] );
			assertTrue( !NgffSchemas.validate( NgffSchemas.LABEL, json.readTree( broken ) ).isEmpty(), broken );
		}
		assertTrue( !NgffSchemas.validate( NgffSchemas.LABEL, json.readTree( "{" + multiscales + "}" ) ).isEmpty(), "no image-label" );
		assertTrue( !NgffSchemas.validate( NgffSchemas.STRICT_LABEL, json.readTree( good.replace( ",\"rgba\":[255,0,0,255]", "" ) ) ).isEmpty(),
				"strict: a colour without its RGBA" );
		assertEquals( "[]", NgffSchemas.validate( NgffSchemas.LABEL, json.readTree( good.replace( ",\"rgba\":[255,0,0,255]", "" ) ) ).toString(),
				"an RGBA is optional" );
		assertTrue( !NgffSchemas.validate( NgffSchemas.LABELS, json.readTree( "{\"labels\":[]}" ) ).isEmpty(), "no label image named" );
	}
}
