package org.featurize.unet.bioimageio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;

/** The shipped package validates (folder, rdf.yaml, zip); packages that fail their test or do not fit are refused, saying why. */
class BioimageioModelTest
{
	static final Path SHIPPED = External.projectDir().resolve( "models/unet16.bioimageio" );

	static Path copy( final Path from, final Path to ) throws IOException
	{
		Files.createDirectories( to );
		try ( var files = Files.list( from ) )
		{
			for ( final Path f : ( Iterable< Path > ) files::iterator )
				Files.copy( f, to.resolve( f.getFileName() ) );
		}
		return to;
	}

	@Test
	void theShippedPackageReproducesItsTestOutput( @TempDir final Path dir ) throws Exception
	{
		final BioimageioModel model = BioimageioModel.shared( SHIPPED, 1, Device.cpu() );
		assertEquals( "unet16 features (in 1, out 16 channels, size multiple 16, receptive field 136 px)", model.description().toString() );
		assertEquals( "0.5.3", model.toMap().get( "format_version" ) );
		assertTrue( BioimageioModel.isPackage( SHIPPED ) && BioimageioModel.isPackage( SHIPPED.resolve( "rdf.yaml" ) ) );
		assertEquals( model.sha256(), BioimageioModel.shared( SHIPPED.resolve( "rdf.yaml" ), 1, Device.cpu() ).sha256() );

		final Path zip = dir.resolve( "unet16.zip" );
		try ( ZipOutputStream out = new ZipOutputStream( Files.newOutputStream( zip ) ) )
		{
			for ( final String name : new String[] { "rdf.yaml", "unet16.pt", "test_input.npy", "test_output.npy", "README.md" } )
			{
				out.putNextEntry( new ZipEntry( name ) );
				Files.copy( SHIPPED.resolve( name ), out );
				out.closeEntry();
			}
		}
		assertTrue( BioimageioModel.isPackage( zip ) );
		assertEquals( model.description().toString(), BioimageioModel.shared( zip, 1, Device.cpu() ).description().toString() );
	}

	@Test
	void aPackageWhoseTestOutputDoesNotMatchIsRefusedWithTheNumbers( @TempDir final Path dir ) throws Exception
	{
		final Path pkg = copy( SHIPPED, dir.resolve( "changed" ) );
		final Npy.Array expected = Npy.read( pkg.resolve( "test_output.npy" ) );
		final int at = ( ( 3 * 208 ) + 10 ) * 208 + 12; // (0, 3, 10, 12)
		final float was = expected.data[ at ];
		expected.data[ at ] += 0.25f;
		Npy.write( pkg.resolve( "test_output.npy" ), expected.shape, expected.data );
		final BioimageioException e = assertThrows( BioimageioException.class, () -> BioimageioModel.shared( pkg, 1, Device.cpu() ) );
		assertTrue( e.getMessage().startsWith( "bioimage.io model unet16 features fails its own test: the output for test_input.npy differs from "
				+ "test_output.npy: max |difference| 0.25 at (0, 3, 10, 12)" ), e.getMessage() );
		assertTrue( e.getMessage().contains( String.format( " at (0, 3, 10, 12) (expected %.6g, got ", was + 0.25f ) ), e.getMessage() );
		assertTrue( e.getMessage().endsWith( "1 of 692224 values exceed the tolerance |difference| <= 0.0001 + 0.0001 * |expected| "
				+ "(0 per million allowed)" ), e.getMessage() );
	}

	@Test
	void packagesThatDoNotFitAreRefusedSayingWhy( @TempDir final Path dir ) throws Exception
	{
		final String rdf = Files.readString( SHIPPED.resolve( "rdf.yaml" ) );
		final String[][] cases = {
				{ "- type: space\n    id: y\n    size:\n      min: 208", "- type: space\n    id: z\n    size: 4\n  - type: space\n    id: y\n    size:\n      min: 208",
						"has axes bczyx; this tool runs 2D models with axes bcyx (batch, channel, y, x)" },
				{ "channel_names:\n    - raw\n", "channel_names:\n    - raw\n    - other\n", "has 2 channels; this tool feeds one channel" },
				{ "source: unet16.pt", "source: https://example.org/unet16.pt", "weights.torchscript.source is a URL (https://example.org/unet16.pt)" },
				{ "  torchscript:", "  onnx:", "has no TorchScript weights (weights: [onnx]); this tool runs torchscript weights only" },
				{ "format_version: 0.5.3", "format_version: 0.3.6", "format_version 0.3.6 is not supported; expected 0.4.x or 0.5.x" },
				{ "  data:\n    type: float32\noutputs:", "  data:\n    type: float32\n  preprocessing:\n  - id: scale_mean_variance\n    kwargs: {}\noutputs:",
						"processing step \"scale_mean_variance\" is not supported" },
				{ "weights:", "  postprocessing:\n  - id: scale_range\n    kwargs:\n      max_percentile: 99\nweights:",
						"postprocessing step scale_range needs statistics of the output" } };
		int i = 0;
		for ( final String[] c : cases )
		{
			assertTrue( rdf.contains( c[ 0 ] ), c[ 0 ] );
			final Path pkg = copy( SHIPPED, dir.resolve( "case" + i++ ) );
			Files.writeString( pkg.resolve( "rdf.yaml" ), rdf.replace( c[ 0 ], c[ 1 ] ) );
			final BioimageioException e = assertThrows( BioimageioException.class, () -> BioimageioModel.shared( pkg, 1, Device.cpu() ), c[ 2 ] );
			assertTrue( e.getMessage().contains( c[ 2 ] ), e.getMessage() );
		}
	}
}
