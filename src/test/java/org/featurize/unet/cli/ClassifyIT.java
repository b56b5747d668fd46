package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code bin/featurize classify} end to end with the shipped model, on an input and scribbles that Python's zarr
 * wrote (labels in 3D blocks, as napari and Labkit users export them): the classes it writes against the scene's
 * truth, read back by Python's zarr; a saved classifier applied again gives the same bytes; a run killed with
 * SIGKILL resumes to the same bytes.
 */
class ClassifyIT
{
	@TempDir
	static Path shared;

	static Path input, labels;

	static byte[] truth;

	@BeforeAll
	static void makeScene() throws Exception
	{
		input = shared.resolve( "in.zarr" );
		labels = shared.resolve( "scribbles.zarr" );
		final Path raw = shared.resolve( "truth.raw" );
		External.run( List.of( External.python().toString(), External.projectDir().resolve( "src/test/python/classify_fixture.py" ).toString(),
				input.toString(), labels.toString(), raw.toString() ), shared, Duration.ofMinutes( 2 ) );
		truth = Files.readAllBytes( raw );
	}

	static byte[] readWithPython( final Path array, final String expectedShape ) throws Exception
	{
		final Path raw = Files.createTempFile( shared, "dump", ".raw" );
		final String json = External.run( List.of( External.python().toString(), External.projectDir().resolve( "src/test/python/dump_array.py" ).toString(),
				array.toString(), raw.toString() ), shared, Duration.ofMinutes( 2 ) );
		final JsonNode meta = new ObjectMapper().readTree( json.strip().lines().reduce( ( x, y ) -> y ).orElseThrow() );
		assertEquals( expectedShape, meta.get( "shape" ).toString() );
		assertEquals( "|u1", meta.get( "dtype" ).asText() );
		assertEquals( true, meta.get( "attrs" ).get( "featurize" ).get( "complete" ).asBoolean() );
		return Files.readAllBytes( raw );
	}

	@Test
	void trainsOnScribblesAppliesTheSavedClassifierAndResumesAfterAKill() throws Exception
	{
		final Path out = shared.resolve( "classes.zarr" ), classifier = shared.resolve( "cells.classifier.json" );
		final String[] r = LauncherIT.featurize( shared, "classify", input.toString(), labels.toString(), out.toString(), "--save-classifier",
				classifier.toString(), "--chunk", "96", "--threads", "2" );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		final java.util.regex.Matcher tiles = java.util.regex.Pattern.compile( "features of (\\d+) of (\\d+) tiles" ).matcher( r[ 2 ] );
		assertTrue( tiles.find(), r[ 2 ] );
		assertTrue( 4 * Long.parseLong( tiles.group( 1 ) ) <= Long.parseLong( tiles.group( 2 ) ), "only plane 1 of 4 holds labels: " + tiles.group() );
		final byte[] classes = readWithPython( out, "[1,4,160,192]" );
		int right = 0;
		final long[] inter = new long[ 4 ], union = new long[ 4 ];
		for ( int i = 0; i < truth.length; i++ )
		{
			right += classes[ i ] == truth[ i ] ? 1 : 0;
			for ( int c = 1; c <= 3; c++ )
			{
				final boolean t = truth[ i ] == c, p = classes[ i ] == c;
				inter[ c ] += t && p ? 1 : 0;
				union[ c ] += t || p ? 1 : 0;
			}
		}
		final double accuracy = right / ( double ) truth.length;
		final double background = inter[ 1 ] / ( double ) union[ 1 ], cells = inter[ 2 ] / ( double ) union[ 2 ];
		System.out.printf( "bin/featurize classify, 450 scribbled pixels in 1 of 4 planes: accuracy %.3f, IoU background %.3f, cells %.3f, "
				+ "fibres %.3f%n", accuracy, background, cells, inter[ 3 ] / ( double ) union[ 3 ] );
		assertTrue( accuracy > 0.9, "accuracy " + accuracy );
		assertTrue( background > 0.9 && cells > 0.8, "IoU background " + background + ", cells " + cells );

		// the saved classifier, applied: the same bytes
		final Path applied = shared.resolve( "applied.zarr" );
		final String[] a = LauncherIT.featurize( shared, "classify", input.toString(), "--classifier", classifier.toString(), applied.toString(),
				"--chunk", "96", "--threads", "2" );
		assertEquals( "0", a[ 0 ], a[ 2 ] );
		Fixtures.assertSameChunks( out, applied );

		// killed with SIGKILL at random moments, then resumed: the same bytes
		final Random random = new Random( 17 );
		final List< Long > kept = new ArrayList<>();
		final Path killed = shared.resolve( "killed.zarr" );
		for ( int k = 0; k < 2; k++ )
		{
			final Process p = start( killed, classifier, shared.resolve( "kill-" + k + ".log" ) );
			LauncherIT.killAfter( p, killed, 1 + random.nextInt( 8 ), random.nextInt( 200 ) );
			kept.add( LauncherIT.chunks( killed ) );
		}
		final Path log = shared.resolve( "resume.log" );
		final Process resume = start( killed, classifier, log );
		assertTrue( resume.waitFor( 5, TimeUnit.MINUTES ), "resume finished" );
		assertEquals( 0, resume.exitValue(), Files.readString( log ) );
		Fixtures.assertSameChunks( out, killed );
		final ZarrArray x = ZarrArray.open( out, "" ), y = ZarrArray.open( killed, "" );
		for ( long z = 0; z < 4; z++ )
			assertArrayEquals( ( byte[] ) x.readChunk( 0, z, 1, 1 ), ( byte[] ) y.readChunk( 0, z, 1, 1 ) );
		System.out.printf( "classify killed with SIGKILL twice (chunks kept %s of 16), resumed: the same bytes%n", kept );
	}

	private static Process start( final Path output, final Path classifier, final Path log ) throws Exception
	{
		return new ProcessBuilder( LauncherIT.LAUNCHER.toString(), "classify", input.toString(), "--classifier", classifier.toString(), output.toString(),
				"--chunk", "96", "--threads", "2" ).directory( shared.toFile() ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
	}
}
