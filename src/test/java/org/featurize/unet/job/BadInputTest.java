package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input gives one of our exceptions with a message that names the problem, before any compute,
 * and leaves no output behind that claims to be complete.
 */
class BadInputTest
{
	static final Path TINY = FeaturizerTest.TINY;

	static String refused( final FeaturizeRequest request, final Path output )
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> FeaturizerTest.run( request ) );
		if ( output != null )
			assertFalse( Files.exists( output.resolve( ".zarray" ) ), "no output array is left: " + output );
		return e.getMessage();
	}

	static void assertContains( final String message, final String... parts )
	{
		for ( final String p : parts )
			assertTrue( message.contains( p ), "\"" + message + "\" should contain \"" + p + "\"" );
	}

	@Test
	void missingInput( @TempDir final Path dir )
	{
		final Path out = dir.resolve( "o.zarr" );
		assertContains( refused( FeaturizeRequest.of( dir.resolve( "nothing.zarr" ) ).output( out ).model( TINY ), out ), "nothing.zarr" );
	}

	@Test
	void inputThatIsNotZarr( @TempDir final Path dir ) throws Exception
	{
		final Path folder = Files.createDirectories( dir.resolve( "photos" ) );
		Files.writeString( folder.resolve( "a.txt" ), "hello" );
		final Path out = dir.resolve( "o.zarr" );
		assertContains( refused( FeaturizeRequest.of( folder ).output( out ).model( TINY ), out ), "photos" );
	}

	@Test
	void oneAndSixDimensionalInputs( @TempDir final Path dir )
	{
		final Path one = dir.resolve( "one.zarr" ), six = dir.resolve( "six.zarr" ), out = dir.resolve( "o.zarr" );
		ZarrArray.create( one, "", ArraySpec.builder().shape( 10 ).chunks( 10 ).dataType( DataType.UINT8 ).zarrFormat( 2 ).build() );
		ZarrArray.create( six, "", ArraySpec.builder().shape( 1, 1, 1, 1, 4, 4 ).chunks( 1, 1, 1, 1, 4, 4 ).dataType( DataType.UINT8 ).zarrFormat( 2 ).build() );
		assertContains( refused( FeaturizeRequest.of( one ).output( out ).model( TINY ), out ), "has 1 dimension", "[10]", "expected 2, 3 or 4" );
		assertContains( refused( FeaturizeRequest.of( six ).output( out ).model( TINY ), out ), "has 6 dimensions", "expected 2, 3 or 4" );
	}

	@Test
	void modelMissingNotTorchScriptOrThreeChannels( @TempDir final Path dir ) throws Exception
	{
		final Path input = FeaturizerTest.volume( dir ), out = dir.resolve( "o.zarr" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( dir.resolve( "gone.pt" ) ), out ), "Model file not found", "gone.pt" );
		final Path text = Files.writeString( dir.resolve( "text.pt" ), "not a model" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( text ), out ), "Cannot load", "text.pt", "TorchScript" );
		final Path three = Paths.get( "src/test/resources/models/three_channels.pt" ).toAbsolutePath();
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( three ), out ), "one-channel plane", "3 channels" );
	}

	@Test
	void outputThatExistsOrLiesInsideTheInput( @TempDir final Path dir ) throws Exception
	{
		final Path input = FeaturizerTest.volume( dir );
		final Path existing = Files.createDirectories( dir.resolve( "existing" ) );
		Files.writeString( existing.resolve( "x" ), "x" );
		assertContains( refused( FeaturizeRequest.of( input ).output( existing ).model( TINY ), null ), "already exists", "existing" );
		assertContains( refused( FeaturizeRequest.of( input ).output( input.resolve( "sub" ) ).model( TINY ), input.resolve( "sub" ) ), "inside the input" );
	}

	@Test
	void badNumbersAndNames( @TempDir final Path dir ) throws Exception
	{
		final Path input = FeaturizerTest.volume( dir ), out = dir.resolve( "o.zarr" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).tile( 0 ), out ), "tile must be a positive number", "got 0" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).tile( -5 ), out ), "tile", "got -5" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).halo( -1 ), out ), "halo", "got -1" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).margin( -1 ), out ), "margin must be zero or a positive number", "got -1" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).threads( 0 ), out ), "threads must be at least 1", "got 0" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).normalization( "zscore" ), out ), "Unknown normalization \"zscore\"" );
		assertContains( refused( FeaturizeRequest.of( input ).output( out ).model( TINY ).outputType( "int8" ), out ), "Unknown output type \"int8\"" );
	}
}
