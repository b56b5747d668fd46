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
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark application's command line: help, refusals before any Spark context, one error line; many inputs in one
 * context with {@code --output-dir}, each output what {@code bin/featurize} writes for that input alone, a failed input
 * in the table and the exit status.
 */
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
		assertOneErrorLine( run( input ), "Expected INPUT OUTPUT (two paths), found 1" );
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

	@Test
	void classifyManyInputsWritesWhatOneMachineWritesForEach( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), file = SparkClassifierTest.classifier( dir, input );
		final Path other = Fixtures.volume( dir, "other.zarr", 1, 1, 8, 8 ), out = dir.resolve( "out" );
		final String[] batch = { "classify", "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(), other.toString(),
				"--model", TINY, "--tile", "12", "--chunk", "12", "--intra-op-threads", "1", "--partitions", "3" };
		// refused before Spark starts: another model, a missing input, probabilities (one input's file)
		assertOneErrorLine( run( java.util.Arrays.copyOf( batch, 7 ) ), "was trained on the features of model" );
		assertOneErrorLine( run( "classify", "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(),
				dir.resolve( "none.zarr" ).toString(), "--model", TINY ), "Input " + dir.resolve( "none.zarr" ) + " does not exist" );
		assertOneErrorLine( run( "classify", "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(), "--probabilities",
				dir.resolve( "p.zarr" ).toString(), "--model", TINY ), "--probabilities names one input's file" );
		assertFalse( Files.exists( out ), "nothing was written" );
		Assumptions.assumeTrue( ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ),
				"this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test" );
		final String[] r = run( java.util.stream.Stream.concat( java.util.Arrays.stream( batch ), java.util.stream.Stream.of( "--master", "local[2]" ) )
				.toArray( String[]::new ) );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		for ( final Path in : List.of( input, other ) )
		{
			final String name = in.getFileName().toString().replace( ".zarr", "" );
			final Path single = dir.resolve( name + "-single.zarr" );
			SparkClassifierTest.oneMachine( SparkClassifierTest.request( in, Fixtures.TINY_MODEL ).classifier( file ).output( single ) );
			Fixtures.assertSameChunks( single, out.resolve( name + "-classes.zarr" ) );
		}
		final List< String[] > rows = table( r[ 2 ] );
		assertEquals( "2 inputs: 2 done, 0 skipped, 0 failed", rows.get( rows.size() - 1 )[ 0 ] );
	}

	static final String TINY = Fixtures.TINY_MODEL.toString();

	/** The table on stderr: its rows, each split into (input, output, status, seconds[, reason]), then the summary line. */
	static List< String[] > table( final String stderr )
	{
		final List< String > lines = stderr.lines().toList();
		int i = 0;
		while ( i < lines.size() && !lines.get( i ).matches( "input +output +status +seconds +reason" ) )
			i++;
		assertTrue( i < lines.size(), "a table on stderr:\n" + stderr );
		final List< String[] > rows = new ArrayList<>();
		for ( i++; i < lines.size(); i++ )
		{
			if ( lines.get( i ).matches( "\\d+ inputs?: .*" ) )
			{
				rows.add( new String[] { lines.get( i ) } );
				break;
			}
			rows.add( lines.get( i ).split( " {2,}", 5 ) );
		}
		return rows;
	}

	static void assertRow( final String[] row, final Path input, final Path output, final String status, final String reason )
	{
		assertEquals( List.of( input.toString(), output.toString(), status ), List.of( row ).subList( 0, 3 ), String.join( " | ", row ) );
		assertTrue( row[ 3 ].matches( "\\d+\\.\\d" ), "seconds of " + String.join( " | ", row ) );
		assertTrue( ( row.length > 4 ? row[ 4 ] : "" ).startsWith( reason ), "reason of " + String.join( " | ", row ) + ", expected " + reason );
	}

	@Test
	void batchRefusalsComeBeforeSparkStarts( @TempDir final Path dir ) throws Exception
	{
		final Path a = Fixtures.volume( dir, "a.zarr", 1, 1, 20, 28 ), x = Fixtures.volume( dir.resolve( "x" ), "a.zarr", 1, 1, 20, 28 );
		final Path missing = dir.resolve( "missing.zarr" ), out = dir.resolve( "out" );
		final Path list = Files.writeString( dir.resolve( "list.txt" ), a + "\n" + missing + "\n" );
		assertOneErrorLine( run( "--output-dir", out.toString(), "--inputs", list.toString(), "--master", "local[2]" ),
				"Input " + missing + " (" + list + " line 2) does not exist; nothing was written" );
		assertOneErrorLine( run( a.toString(), missing.toString(), "--output-dir", out.toString(), "--master", "local[2]" ),
				"Input " + missing + " does not exist; nothing was written" );
		assertOneErrorLine( run( a.toString(), x.toString(), "--output-dir", out.toString(), "--master", "local[2]" ),
				"Inputs " + a + " and " + x + " both map to output " + out.resolve( "a-features.zarr" ) );
		assertOneErrorLine( run( a.toString(), "--output-dir", out.toString(), "--tile", "-3", "--master", "local[2]" ),
				"tile must be a positive number of pixels, got -3" );
		assertOneErrorLine( run( a.toString(), "--output-dir", out.toString(), "--partitions", "0", "--master", "local[2]" ),
				"partitions must be at least 1, got 0" );
		assertOneErrorLine( run( a.toString(), "--output-dir", out.toString() ), "No Spark master" );
		assertOneErrorLine( run( a.toString(), x.toString(), out.toString() ),
				"Expected INPUT OUTPUT (two paths), found 3; for several inputs give --output-dir DIR" );
		assertOneErrorLine( run( a.toString(), out.toString(), "--inputs", list.toString() ), "--inputs needs --output-dir DIR" );
		assertOneErrorLine( run( a.toString(), out.toString(), "--name", "{name}.zarr" ), "--name needs --output-dir DIR" );
		assertFalse( Files.exists( out ), "nothing was written" );
		final String help = run( "--help" )[ 1 ];
		for ( final String option : List.of( "--output-dir", "--inputs", "--name", "featurize-spark [OPTIONS] --output-dir DIR" ) )
			assertTrue( help.contains( option ), option + " in\n" + help );
	}

	@Test
	void manyInputsInOneContextWriteWhatBinFeaturizeWritesForEach( @TempDir final Path dir ) throws Exception
	{
		Assumptions.assumeTrue( ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ),
				"this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test" );
		final Path a = Fixtures.volume( dir, "a.zarr", 1, 1, 20, 28 ), b = Fixtures.volume( dir, "b.zarr", 1, 1, 8, 8 );
		// a cut-short .zarray; a dtype that is no number; a chunk that does not decompress (the executors find it: the job fails)
		final Path bad = Files.createDirectories( dir.resolve( "bad.zarr" ) );
		Files.writeString( bad.resolve( ".zarray" ), "{ \"zarr_format\": 2, \"shape\": [ 2, 3, 20" );
		final Path complex = Files.createDirectories( dir.resolve( "complex.zarr" ) );
		Files.writeString( complex.resolve( ".zarray" ), "{ \"zarr_format\": 2, \"shape\": [ 8, 8 ], \"chunks\": [ 8, 8 ], \"dtype\": \"<c8\", "
				+ "\"compressor\": null, \"fill_value\": 0, \"order\": \"C\", \"filters\": null }" );
		final Path damaged = Fixtures.volume( dir, "damaged.zarr", 1, 1, 20, 28 );
		final Path chunk = damaged.resolve( "1.2.0.0" ); // the last plane: the driver reads the first chunk only, an executor this one
		Files.write( chunk, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 } );

		final Path singleA = dir.resolve( "single-a.zarr" ), singleB = dir.resolve( "single-b.zarr" );
		for ( final Path[] p : new Path[][] { { a, singleA }, { b, singleB } } )
			assertEquals( 0, FeaturizeMain.run( new String[] { p[ 0 ].toString(), p[ 1 ].toString(), "--model", TINY, "--threads", "2", "--intra-op-threads", "1" },
					System.out, System.err ) );

		final Path out = dir.resolve( "out" ), outA = out.resolve( "a-features.zarr" ), outB = out.resolve( "b-features.zarr" );
		final String[] r = run( a.toString(), bad.toString(), damaged.toString(), complex.toString(), b.toString(), "--output-dir", out.toString(),
				"--model", TINY, "--intra-op-threads", "1", "--master", "local[2]" );
		assertEquals( "1", r[ 0 ], "inputs failed:\n" + r[ 2 ] );
		SparkOutputs.assertSameOutput( singleA, outA );
		SparkOutputs.assertSameOutput( singleB, outB );
		assertFalse( Files.exists( out.resolve( "bad-features.zarr" ) ), "nothing written for a corrupt input" );
		assertFalse( Files.exists( out.resolve( "complex-features.zarr" ) ), "nothing written for an input of another dtype" );
		final List< String[] > rows = table( r[ 2 ] );
		assertEquals( 6, rows.size(), r[ 2 ] );
		assertRow( rows.get( 0 ), a, outA, "done", "" );
		assertRow( rows.get( 1 ), bad, out.resolve( "bad-features.zarr" ), "failed", "" );
		assertTrue( rows.get( 1 )[ 4 ].contains( bad.resolve( ".zarray" ).toString() ), "the reason names the broken file: " + rows.get( 1 )[ 4 ] );
		assertRow( rows.get( 2 ), damaged, out.resolve( "damaged-features.zarr" ), "failed", "The Spark job failed: " );
		assertRow( rows.get( 3 ), complex, out.resolve( "complex-features.zarr" ), "failed", "" );
		assertTrue( rows.get( 3 )[ 4 ].startsWith( "Unsupported dtype \"<c8\" in " + complex.resolve( ".zarray" ) ), rows.get( 3 )[ 4 ] );
		assertRow( rows.get( 4 ), b, outB, "done", "" );
		assertEquals( "5 inputs: 2 done, 0 skipped, 3 failed", rows.get( 5 )[ 0 ] );
		assertEquals( List.of( outA.toAbsolutePath().toString(), outB.toAbsolutePath().toString() ), r[ 1 ].lines().toList(), "stdout: the outputs" );

		// again, from a list of the good ones: both complete, skipped; then --name: another output of a
		final Path list = Files.writeString( dir.resolve( "list.txt" ), "# good\n" + a + "\n" + b + "\n" );
		final String[] again = run( "--output-dir", out.toString(), "--inputs", list.toString(), "--model", TINY, "--intra-op-threads", "1", "--master", "local[2]" );
		assertEquals( "0", again[ 0 ], again[ 2 ] );
		final List< String[] > rerun = table( again[ 2 ] );
		assertRow( rerun.get( 0 ), a, outA, "skipped", "complete already" );
		assertRow( rerun.get( 1 ), b, outB, "skipped", "complete already" );
		assertEquals( "2 inputs: 0 done, 2 skipped, 0 failed", rerun.get( 2 )[ 0 ] );
		final String[] named = run( a.toString(), "--output-dir", out.toString(), "--name", "{name}.f.zarr", "--model", TINY, "--intra-op-threads", "1",
				"--master", "local[2]" );
		assertEquals( "0", named[ 0 ], named[ 2 ] );
		SparkOutputs.assertSameOutput( singleA, out.resolve( "a.f.zarr" ) );
	}

	@Test
	void theViewsOfABigDataViewerHdf5FileAreInputsAsOnOneMachine( @TempDir final Path dir ) throws Exception
	{
		Assumptions.assumeTrue( ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ),
				"this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test" );
		External.run( List.of( External.pythonWithH5py().toString(), External.projectDir().resolve( "src/test/python/hdf5_fixtures.py" ).toString(),
				dir.resolve( "h5" ).toString() ), null, java.time.Duration.ofMinutes( 2 ) );
		final Path bdv = dir.resolve( "h5/bdv.h5" );
		final Path single = dir.resolve( "single.zarr" );
		assertEquals( 0, FeaturizeMain.run( new String[] { bdv.resolve( "t00000/s01/0/cells" ).toString(), single.toString(), "--model", TINY, "--threads", "2",
				"--intra-op-threads", "1" }, System.out, System.err ) );
		final Path out = dir.resolve( "out" );
		final String[] r = run( bdv.toString(), "--output-dir", out.toString(), "--model", TINY, "--intra-op-threads", "1", "--master", "local[2]" );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		assertTrue( Files.exists( out.resolve( "bdv-t00000-s00-features.zarr" ) ), r[ 2 ] );
		SparkOutputs.assertSameOutput( single, out.resolve( "bdv-t00000-s01-features.zarr" ) );
	}
}
