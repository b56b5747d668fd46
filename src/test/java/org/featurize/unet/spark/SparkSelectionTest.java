package org.featurize.unet.spark;

import static org.featurize.unet.spark.SparkOutputs.assertSameOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.input.Region;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part of the input chosen (region, channel, level) on Spark: the same bytes and record as one machine; refusals before Spark starts. */
class SparkSelectionTest
{
	static JavaSparkContext spark;

	@BeforeAll
	static void startSpark()
	{
		if ( !ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ) )
		{
			final String why = "this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test";
			System.out.println( "Skipping SparkSelectionTest: " + why );
			Assumptions.abort( "Skipped: " + why );
		}
		spark = new JavaSparkContext( new SparkConf().setMaster( "local[2]" ).setAppName( "SparkSelectionTest" )
				.set( "spark.ui.enabled", "false" ).set( "spark.driver.host", "127.0.0.1" ).set( "spark.driver.bindAddress", "127.0.0.1" )
				.set( "spark.log.level", "WARN" ) );
	}

	@AfterAll
	static void stopSpark()
	{
		if ( spark != null )
			spark.close();
	}

	static FeaturizeRequest request( final Path input, final Path output )
	{
		return FeaturizeRequest.of( input ).output( output ).model( Fixtures.TINY_MODEL ).tile( 8 ).chunk( 8 ).intraOpThreads( 1 );
	}

	static void bothWays( final FeaturizeRequest one, final FeaturizeRequest cluster ) throws Exception
	{
		new Featurizer( s -> {} ).run( one.threads( 2 ), Progress.NONE, () -> false );
		new SparkFeaturizer( s -> {} ).run( spark, cluster, null );
		assertSameOutput( one.output(), cluster.output() );
	}

	@Test
	void aRegionGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		bothWays( request( input, single ).region( "1,0:2,3:17,5:" ), request( input, cluster ).region( "1,0:2,3:17,5:" ) );
		assertEquals( List.of( List.of( 1, 2 ), List.of( 0, 2 ), List.of( 3, 17 ), List.of( 5, 28 ) ),
				( ( Map< ?, ? > ) SparkOutputs.record( cluster ).get( "parameters" ) ).get( "region" ) );
	}

	@Test
	void channelsOfAnOmeZarrImageGiveTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.channels( dir, "cells.ome.zarr", true );
		bothWays( request( input, dir.resolve( "single.zarr" ) ).channel( "all" ).normalization( "percentile" ),
				request( input, dir.resolve( "spark.zarr" ) ).channel( "all" ).normalization( "percentile" ) );
		assertEquals( "all", ( ( Map< ?, ? > ) SparkOutputs.record( dir.resolve( "spark.zarr" ) ).get( "parameters" ) ).get( "channel" ) );
		bothWays( request( input, dir.resolve( "single-gfp.zarr" ) ).channel( "GFP" ).region( "1,:,2:18,:" ),
				request( input, dir.resolve( "spark-gfp.zarr" ) ).channel( "1" ).region( "1,:,2:18,:" ) );
	}

	@Test
	void aDeclaredChannelAxisGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.channels( dir, "cells.zarr", false, false ); // (t, c, z, y, x), no axis names
		bothWays( request( input, dir.resolve( "single.zarr" ) ).channelAxis( 1 ).channel( "all" ),
				request( input, dir.resolve( "spark.zarr" ) ).channelAxis( 1 ).channel( "all" ) );
		final Map< ?, ? > parameters = ( Map< ?, ? > ) SparkOutputs.record( dir.resolve( "spark.zarr" ) ).get( "parameters" );
		assertEquals( 1, parameters.get( "channel_axis" ) );
		assertEquals( "all", parameters.get( "channel" ) );
	}

	@Test
	void aLevelGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.multiscale( dir, "pyramid.ome.zarr" );
		bothWays( request( input, dir.resolve( "single.zarr" ) ).level( 1 ), request( input, dir.resolve( "spark.zarr" ) ).level( 1 ) );
		assertEquals( 1, ( ( Map< ?, ? > ) SparkOutputs.record( dir.resolve( "spark.zarr" ) ).get( "parameters" ) ).get( "level" ) );
	}

	@Test
	void aBadRegionChannelOrLevelIsRefusedBeforeSparkStarts( @TempDir final Path dir )
	{
		final String input = Fixtures.volume( dir ).toString(), output = dir.resolve( "out.zarr" ).toString();
		SparkFeaturizeTest.assertOneErrorLine( SparkFeaturizeTest.run( input, output, "--region", "0:2,0:3,0:20,10:40" ),
				"region \"0:2,0:3,0:20,10:40\" reaches beyond the input along x: 10:40, but x has 28 pixels (0:28); "
						+ "the input's shape is (t, z, y, x) [2, 3, 20, 28]" );
		SparkFeaturizeTest.assertOneErrorLine( SparkFeaturizeTest.run( input, output, "--region", "0:2,0:3" ), "region \"0:2,0:3\" has 2 parts, but "
				+ "the input has 4 axes (t, z, y, x) of shape [2, 3, 20, 28]: give " + Region.SYNTAX );
		SparkFeaturizeTest.assertOneErrorLine( SparkFeaturizeTest.run( input, output, "--channel", "2" ),
				"channel=2 does not exist: Input " + input + " has 1 channel (no channel axis): 0 \"c0\"" );
		SparkFeaturizeTest.assertOneErrorLine( SparkFeaturizeTest.run( input, output, "--level", "1" ),
				"level=1 needs an OME-Zarr multiscale image, but Input " + input + " is a plain Zarr array (one level, 0)" );
		assertFalse( Files.exists( dir.resolve( "out.zarr" ) ), "nothing was written" );
	}
}
