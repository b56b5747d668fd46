package org.featurize.unet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark application's command line: help, refusals before any Spark context, one error line. */
class SparkFeaturizeTest
{
	/** Runs the application; returns {exit status, stdout, stderr}. */
	static String[] run( final String... args )
	{
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int status = SparkFeaturize.run( args, new PrintStream( out, true, StandardCharsets.UTF_8 ), new PrintStream( err, true, StandardCharsets.UTF_8 ) );
		return new String[] { Integer.toString( status ), out.toString( StandardCharsets.UTF_8 ), err.toString( StandardCharsets.UTF_8 ) };
	}

	static void assertOneErrorLine( final String[] r, final String expected )
	{
		assertFalse( r[ 0 ].equals( "0" ), "non-zero exit status" );
		final List< String > errors = r[ 2 ].lines().filter( l -> l.startsWith( "featurize-spark: error: " ) ).toList();
		assertEquals( 1, errors.size(), r[ 2 ] );
		assertTrue( errors.get( 0 ).contains( expected ), errors.get( 0 ) );
	}

	@Test
	void helpListsTheParameters()
	{
		final String[] r = run( "--help" );
		assertEquals( "0", r[ 0 ] );
		for ( final String option : List.of( "--model", "--tile", "--halo", "--normalization", "--output-type", "--dataset", "--overwrite",
				"--intra-op-threads", "--partitions", "--master" ) )
			assertTrue( r[ 1 ].contains( option ), option + " in\n" + r[ 1 ] );
	}

	@Test
	void badParametersAreRefusedBeforeSparkStarts( @TempDir final Path dir )
	{
		final String input = Fixtures.volume( dir ).toString(), output = dir.resolve( "out.zarr" ).toString();
		assertOneErrorLine( run( input, output, "--tile", "-3" ), "tile must be a positive number of pixels, got -3" );
		assertOneErrorLine( run( input, output, "--normalization", "zscore" ), "Unknown normalization \"zscore\"" );
		assertOneErrorLine( run( input, output, "--output-type", "int8" ), "int8" );
		assertOneErrorLine( run( input, output ), "No Spark master: run through spark-submit (bin/featurize-spark), or give --master local[N]" );
		assertOneErrorLine( run( input ), "Missing required parameter" );
		assertFalse( Files.exists( dir.resolve( "out.zarr" ) ), "nothing was written" );
	}
}
