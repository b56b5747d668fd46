package org.featurize.unet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.OmeLabels;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * A saved classifier applied on Spark ({@code local[2]}) with the tiny test model: the same label and probability
 * chunks, byte for byte, as {@link ClassifyJob} on one machine, the same run record, resume of a local run's
 * output, and a classifier of another model refused before any output is made.
 */
class SparkClassifierTest
{
	static JavaSparkContext spark;

	@BeforeAll
	static void startSpark()
	{
		if ( !ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ) )
		{
			final String why = "this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test";
			System.out.println( "Skipping SparkClassifierTest: " + why );
			Assumptions.abort( "Skipped: " + why );
		}
		spark = new JavaSparkContext( new SparkConf().setMaster( "local[2,3]" ).setAppName( "SparkClassifierTest" )
				.set( "spark.ui.enabled", "false" ).set( "spark.driver.host", "127.0.0.1" ).set( "spark.driver.bindAddress", "127.0.0.1" )
				.set( "spark.log.level", "WARN" ) );
	}

	@AfterAll
	static void stopSpark()
	{
		if ( spark != null )
			spark.close();
	}

	static ClassifyRequest request( final Path input, final Path model )
	{
		return ClassifyRequest.of( FeaturizeRequest.of( input ).model( model ).threads( 2 ).tile( 12 ).chunk( 12 ).intraOpThreads( 1 ) ).trees( 8 )
				.depth( 6 );
	}

	/** A classifier trained on the fixture's scribbles with the tiny model, saved to {@code dir/c.json}. */
	static Path classifier( final Path dir, final Path input )
	{
		return classifier( dir, input, "none" );
	}

	/** As {@link #classifier(Path, Path)}, with the coherence of the tiny model's feature 3 at {@code coherence}. */
	static Path classifier( final Path dir, final Path input, final String coherence )
	{
		final Path file = dir.resolve( "c.json" );
		final ClassifyRequest r = request( input, Fixtures.TINY_MODEL );
		if ( !coherence.equals( "none" ) )
			r.features().halo( 24 ); // the coherence reads 18 pixels around each; applying it takes the classifier's halo
		new ClassifyJob( s -> {} ).run( r.labels( Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() ), "" ).coherence( coherence )
				.coherenceFeature( 3 ).saveClassifier( file ), Progress.NONE, () -> false );
		return file;
	}

	static void oneMachine( final ClassifyRequest request )
	{
		new ClassifyJob( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void writesTheSameLabelAndProbabilityChunksAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		// with the coherence beside the features: computed on the executors as on one machine
		final Path input = Fixtures.volume( dir ), file = classifier( dir, input, "1" );
		assertEquals( 5, PixelClassifier.read( file ).forest().features() );
		final Path labels = dir.resolve( "labels-single.zarr" ), probabilities = dir.resolve( "p-single.zarr" );
		final Path sparkLabels = dir.resolve( "labels-spark.zarr" ), sparkProbabilities = dir.resolve( "p-spark.zarr" );
		oneMachine( request( input, Fixtures.TINY_MODEL ).classifier( file ).output( labels ).probabilities( probabilities ) );
		final SparkFeaturizer.Result r = new SparkClassifier( s -> {} ).run( spark,
				request( input, Fixtures.TINY_MODEL ).classifier( file ).output( sparkLabels ).probabilities( sparkProbabilities ), 5 );
		assertEquals( 2 * 3 * 2 * 3, r.chunksWritten, "(t, z) planes of 20 x 28 in chunks of 12 x 12" );
		assertEquals( 0, r.chunksSkipped );
		assertEquals( 5, r.partitions );
		Fixtures.assertSameChunks( labels, sparkLabels );
		Fixtures.assertSameChunks( probabilities, sparkProbabilities );
		Fixtures.assertSameLabels( labels, sparkLabels );
		assertEquals( 2 * 3 * 2 * 3, SparkOutputs.chunks( sparkLabels ) );
		for ( final Path[] pair : new Path[][] { { labels, sparkLabels }, { probabilities, sparkProbabilities } } )
		{
			assertEquals( Files.readString( pair[ 0 ].resolve( ".zarray" ) ), Files.readString( pair[ 1 ].resolve( ".zarray" ) ) );
			assertEquals( SparkOutputs.record( pair[ 0 ] ).get( "parameters" ), SparkOutputs.record( pair[ 1 ] ).get( "parameters" ) );
			assertEquals( true, SparkOutputs.record( pair[ 1 ] ).get( "complete" ) );
		}
	}

	@Test
	void resumesWhatOneMachineLeftAndOneMachineResumesSpark( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), file = classifier( dir, input );
		final Path expected = dir.resolve( "expected.zarr" ), out = dir.resolve( "out.zarr" );
		oneMachine( request( input, Fixtures.TINY_MODEL ).classifier( file ).output( expected ) );
		oneMachine( request( input, Fixtures.TINY_MODEL ).classifier( file ).output( out ) );
		// an unfinished local run: some chunks and the completion record gone
		Files.delete( out.resolve( "0.1.1.0" ) );
		Files.delete( out.resolve( "1.2.0.2" ) );
		markUnfinished( out );
		final SparkFeaturizer.Result r = new SparkClassifier( s -> {} ).run( spark, request( input, Fixtures.TINY_MODEL ).classifier( file ).output( out ),
				null );
		assertEquals( 2, r.chunksWritten );
		assertEquals( 2 * 3 * 2 * 3 - 2, r.chunksSkipped );
		Fixtures.assertSameChunks( expected, out );

		// and the other way round
		Files.delete( out.resolve( "0.0.0.0" ) );
		markUnfinished( out );
		final ClassifyJob.Result local = new ClassifyJob( s -> {} ).run( request( input, Fixtures.TINY_MODEL ).classifier( file ).output( out ),
				Progress.NONE, () -> false );
		assertEquals( 1, local.written.chunksWritten );
		Fixtures.assertSameChunks( expected, out );
	}

	@SuppressWarnings( "unchecked" )
	static void markUnfinished( final Path output )
	{
		final org.featurize.unet.zarr.ZarrArray a = org.featurize.unet.zarr.ZarrArray.open( output, "" );
		final Map< String, Object > attributes = new java.util.LinkedHashMap<>( a.attributes() );
		final Map< String, Object > record = new java.util.LinkedHashMap<>( ( Map< String, Object > ) attributes.get( org.featurize.unet.io.FeatureOutput.KEY ) );
		record.put( "complete", false );
		attributes.put( org.featurize.unet.io.FeatureOutput.KEY, record );
		a.writeAttributes( attributes );
	}

	@Test
	void refusesAClassifierOfAnotherModelBeforeAnyOutput( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), file = classifier( dir, input ), out = dir.resolve( "out.zarr" );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> SparkClassifier.check( request( input, Models.defaultModelFile() ).classifier( file ).output( out ) ) );
		assertTrue( e.getMessage().contains( "was trained on the features of model" ), e.getMessage() );
		assertTrue( e.getMessage().contains( "c.json" ), e.getMessage() );
		assertThrows( FeaturizeException.class, () -> new SparkClassifier( s -> {} ).run( spark,
				request( input, Models.defaultModelFile() ).classifier( file ).output( out ), null ) );
		assertFalse( Files.exists( out ), "nothing written" );

		final FeaturizeException training = assertThrows( FeaturizeException.class, () -> SparkClassifier.check(
				request( input, Fixtures.TINY_MODEL ).labels( dir.resolve( "labels.zarr" ), "" ).output( out ) ) );
		assertTrue( training.getMessage().contains( "applies a saved classifier" ), training.getMessage() );

		final Path features = dir.resolve( "features.zarr" );
		assertEquals( "The Spark driver computes the features on its executors; a features Zarr (" + features + ") is classified by "
				+ "bin/featurize classify --features or in Fiji", assertThrows( FeaturizeException.class, () -> SparkClassifier.check(
						request( input, Fixtures.TINY_MODEL ).classifier( file ).output( out ).storedFeatures( features ) ) ).getMessage() );
		assertFalse( Files.exists( out ), "nothing written" );
	}

	@Test
	void writesTheSameOmeLabelImageAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), file = classifier( dir, input );
		final Path single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		oneMachine( request( input, Fixtures.TINY_MODEL ).classifier( file ).output( single ).labelsOme( true ) );
		new SparkClassifier( s -> {} ).run( spark, request( input, Fixtures.TINY_MODEL ).classifier( file ).output( cluster ).labelsOme( true ), null );
		Fixtures.assertSameChunks( OmeLabels.array( single ), OmeLabels.array( cluster ) );
		assertEquals( SparkOutputs.files( single ).keySet(), SparkOutputs.files( cluster ).keySet() );
		for ( final String attributes : List.of( ".zgroup", "labels/.zattrs", "labels/classes/.zattrs", "labels/classes/0/.zarray" ) )
			assertEquals( Files.readString( single.resolve( attributes ) ), Files.readString( cluster.resolve( attributes ) ), attributes );
		assertEquals( SparkOutputs.record( OmeLabels.array( single ) ).get( "parameters" ),
				SparkOutputs.record( OmeLabels.array( cluster ) ).get( "parameters" ) );
		assertEquals( true, SparkOutputs.record( OmeLabels.array( cluster ) ).get( "complete" ) );
	}

	@Test
	void oneChannelOfSeveralGivesTheSameLabelsAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path made = Files.createDirectories( dir.resolve( "made" ) );
		final Path ome = Fixtures.channels( made, "cells.ome.zarr", true ), plain = Fixtures.channels( made, "plain.zarr", false, false );
		final Path alone = Fixtures.channelAlone( made, 1 );
		final Path file = dir.resolve( "c.json" );
		new ClassifyJob( s -> {} ).run( request( alone, Fixtures.TINY_MODEL ).labels( Fixtures.channelLabels( dir, alone ), "" ).saveClassifier( file ),
				Progress.NONE, () -> false );
		final Path single = dir.resolve( "single.zarr" ), byName = dir.resolve( "by-name.zarr" ), byAxis = dir.resolve( "by-axis.zarr" );
		final ClassifyRequest local = request( ome, Fixtures.TINY_MODEL ).classifier( file ).output( single );
		local.features().channel( "GFP" );
		oneMachine( local );

		// as featurize-spark classify parses them: --channel by name, or a declared axis and an index
		final String model = Fixtures.TINY_MODEL.toString();
		for ( final String[] args : new String[][] {
				{ ome.toString(), byName.toString(), "--classifier", file.toString(), "--model", model, "--channel", "GFP" },
				{ plain.toString(), byAxis.toString(), "--classifier", file.toString(), "--model", model, "--channel-axis", "1", "--channel", "1" } } )
		{
			final SparkClassify command = new SparkClassify( System.out, System.err );
			new CommandLine( command ).parseArgs( args );
			final ClassifyRequest parsed = command.request();
			parsed.features().threads( 2 ).tile( 12 ).chunk( 12 ).intraOpThreads( 1 );
			new SparkClassifier( s -> {} ).run( spark, parsed, 3 );
		}
		Fixtures.assertSameChunks( single, byName );
		Fixtures.assertSameChunks( single, byAxis );
		Fixtures.assertSameLabels( single, byName );

		// the classifier's 4 features (the tiny model's) against all 3 channels' 12: refused before anything is written
		final Path refused = dir.resolve( "refused.zarr" );
		final ClassifyRequest all = request( ome, Fixtures.TINY_MODEL ).classifier( file ).output( refused );
		all.features().channel( "all" );
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> new SparkClassifier( s -> {} ).run( spark, all, null ) );
		assertTrue( e.getMessage().contains( "takes 4 features per pixel; the model gives 12" ), e.getMessage() );
		assertFalse( Files.exists( refused ), "nothing written" );
	}

	@Test
	void aRegionOfALevelGivesTheSameLabelsAndOmeLabelsAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), file = classifier( dir, Fixtures.volume( dir ) );
		final Path single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		final ClassifyRequest local = request( pyramid, Fixtures.TINY_MODEL ).classifier( file ).output( single ).labelsOme( true );
		local.features().level( 1 ).region( "1,:,2:10,4:" );
		oneMachine( local );
		final SparkClassify command = new SparkClassify( System.out, System.err );
		new CommandLine( command ).parseArgs( pyramid.toString(), cluster.toString(), "--classifier", file.toString(), "--model",
				Fixtures.TINY_MODEL.toString(), "--level", "1", "--region", "1,:,2:10,4:", "--labels-ome" );
		final ClassifyRequest parsed = command.request();
		parsed.features().threads( 2 ).tile( 12 ).chunk( 12 ).intraOpThreads( 1 );
		new SparkClassifier( s -> {} ).run( spark, parsed, 2 );
		Fixtures.assertSameChunks( OmeLabels.array( single ), OmeLabels.array( cluster ) );
		assertEquals( List.of( 1L, 3L, 8L, 10L ), java.util.Arrays.stream( org.featurize.unet.zarr.ZarrArray.open( OmeLabels.array( cluster ), "" ).shape() )
				.boxed().toList() );
		assertEquals( Files.readString( single.resolve( "labels/classes/.zattrs" ) ), Files.readString( cluster.resolve( "labels/classes/.zattrs" ) ) );
		// the region's start (t 1, y 2, x 4) in level 1's pixels (0.5 um in y and x, the first centred 0.125 um in)
		assertTrue( Files.readString( cluster.resolve( "labels/classes/.zattrs" ) ).replaceAll( "\\s", "" ).contains( "\"translation\":[1.0,0.0,1.125,2.125]" ),
				Files.readString( cluster.resolve( "labels/classes/.zattrs" ) ) );
		assertEquals( SparkOutputs.record( OmeLabels.array( single ) ).get( "parameters" ),
				SparkOutputs.record( OmeLabels.array( cluster ) ).get( "parameters" ) );
		assertEquals( 1, ( ( Map< ?, ? > ) SparkOutputs.record( OmeLabels.array( cluster ) ).get( "parameters" ) ).get( "level" ) );
	}
}
