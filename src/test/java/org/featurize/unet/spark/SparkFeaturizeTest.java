package org.featurize.unet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Assumptions;
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

	@Test
	void classifyHelpListsItsParameters()
	{
		final String[] r = run( "classify", "--help" );
		assertEquals( "0", r[ 0 ] );
		for ( final String option : List.of( "featurize-spark classify", "--classifier", "--probabilities", "--output-type", "--model",
				"--partitions", "--master" ) )
			assertTrue( r[ 1 ].contains( option ), option + " in\n" + r[ 1 ] );
		assertTrue( run( "--help" )[ 1 ].contains( "featurize-spark classify IN --classifier F OUT" ) );
	}

	@Test
	void classifyRefusesBeforeSparkStarts( @TempDir final Path dir )
	{
		final Path input = Fixtures.volume( dir ), file = SparkClassifierTest.classifier( dir, input );
		final String in = input.toString(), out = dir.resolve( "out.zarr" ).toString(), tiny = Fixtures.TINY_MODEL.toString();
		assertOneErrorLine( run( "classify", in, out ), "Missing required option: '--classifier=FILE'" );
		assertOneErrorLine( run( "classify", in, "--classifier", file.toString(), out, "--master", "local[2]" ), "was trained on the features of model" );
		assertOneErrorLine( run( "classify", in, "--classifier", dir.resolve( "none.json" ).toString(), out, "--model", tiny, "--master", "local[2]" ),
				"does not exist" );
		assertOneErrorLine( run( "classify", in, "--classifier", file.toString(), out, "--model", tiny, "--output-type", "int8" ), "int8" );
		assertOneErrorLine( run( "classify", in, "--classifier", file.toString(), out, "--model", tiny ), "No Spark master" );
		assertFalse( Files.exists( dir.resolve( "out.zarr" ) ), "nothing was written" );
	}

	@Test
	void classifyWritesWhatOneMachineWrites( @TempDir final Path dir ) throws Exception
	{
		Assumptions.assumeTrue( ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ),
				"this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test" );
		final Path input = Fixtures.volume( dir ), file = SparkClassifierTest.classifier( dir, input );
		final String in = input.toString(), out = dir.resolve( "out.zarr" ).toString(), tiny = Fixtures.TINY_MODEL.toString();
		final Path single = dir.resolve( "single.zarr" );
		SparkClassifierTest.oneMachine( SparkClassifierTest.request( input, Fixtures.TINY_MODEL ).classifier( file ).output( single ) );
		final String[] r = run( "classify", in, "--classifier", file.toString(), out, "--model", tiny, "--tile", "12", "--chunk", "12",
				"--intra-op-threads", "1", "--partitions", "3", "--master", "local[2]" );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		assertEquals( dir.resolve( "out.zarr" ).toAbsolutePath().toString(), r[ 1 ].strip() );
		Fixtures.assertSameChunks( single, dir.resolve( "out.zarr" ) );
		assertEquals( true, SparkOutputs.record( dir.resolve( "out.zarr" ) ).get( "complete" ) );
	}
}
