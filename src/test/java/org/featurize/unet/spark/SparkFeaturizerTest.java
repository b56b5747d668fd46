package org.featurize.unet.spark;

import static org.featurize.unet.spark.SparkOutputs.assertSameOutput;
import static org.featurize.unet.spark.SparkOutputs.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.Normalization;
import org.featurize.unet.input.Selection;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Progress;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark driver on {@code local[2]} (two executor threads in this JVM, three attempts per task) with the
 * tiny test model: the same chunk bytes as the single-machine run, resume in both directions, retries,
 * refusals, and the message of an executor that cannot find the model.
 */
class SparkFeaturizerTest
{
	static final Path TINY = Fixtures.TINY_MODEL;

	static JavaSparkContext spark;

	@BeforeAll
	static void startSpark()
	{
		// Spark needs its --add-opens on Java 17: the spark-test execution of surefire gives them.
		if ( !ManagementFactory.getRuntimeMXBean().getInputArguments().contains( "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" ) )
		{
			final String why = "this JVM lacks Spark's --add-opens options (pom.xml: spark.java.options); surefire's spark-test execution runs this test";
			System.out.println( "Skipping SparkFeaturizerTest: " + why );
			Assumptions.abort( "Skipped: " + why );
		}
		spark = new JavaSparkContext( new SparkConf().setMaster( "local[2,3]" ).setAppName( "SparkFeaturizerTest" )
				.set( "spark.ui.enabled", "false" ).set( "spark.driver.host", "127.0.0.1" ).set( "spark.driver.bindAddress", "127.0.0.1" )
				.set( "spark.log.level", "WARN" ) );
	}

	@AfterAll
	static void stopSpark()
	{
		if ( spark != null )
			spark.close();
	}

	@AfterEach
	void noFault()
	{
		ChunkTask.fault = null;
	}

	static FeaturizeRequest request( final Path input, final Path output )
	{
		return FeaturizeRequest.of( input ).output( output ).model( TINY ).tile( 12 ).chunk( 12 ).intraOpThreads( 1 );
	}

	static void oneMachine( final FeaturizeRequest request )
	{
		new Featurizer( s -> {} ).run( request.threads( 2 ), Progress.NONE, () -> false );
	}

	static SparkFeaturizer.Result onSpark( final FeaturizeRequest request )
	{
		return new SparkFeaturizer( s -> {} ).run( spark, request, null );
	}

	@Test
	void writesTheSameChunkBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		oneMachine( request( input, single ) );
		final SparkFeaturizer.Result r = onSpark( request( input, cluster ) );
		assertEquals( 2 * 3 * 2 * 3, r.chunksWritten );
		assertEquals( 0, r.chunksSkipped );
		assertEquals( 8, r.partitions, "four tasks per core" );
		assertSameOutput( single, cluster );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > sparkRecord = ( Map< String, Object > ) record( cluster ).get( "spark" );
		assertEquals( "local[2,3]", sparkRecord.get( "master" ) );
		assertFalse( Files.exists( org.featurize.unet.io.OutputLock.lockFile( cluster ) ), "the driver released the output's lock" );
	}

	@Test
	void aMarginGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		final Path none = dir.resolve( "none.zarr" );
		oneMachine( request( input, single ).margin( 8 ) );
		onSpark( request( input, cluster ).margin( 8 ) );
		assertSameOutput( single, cluster );
		assertEquals( 8, ( ( Map< ?, ? > ) record( cluster ).get( "parameters" ) ).get( "margin" ), "the executors' features had it" );
		oneMachine( request( input, none ) );
		assertFalse( java.util.Arrays.equals( ( float[] ) org.featurize.unet.zarr.ZarrArray.open( none, "" ).readChunk( 0, 0, 0, 0, 0 ),
				( float[] ) org.featurize.unet.zarr.ZarrArray.open( cluster, "" ).readChunk( 0, 0, 0, 0, 0 ) ), "the margin changes the features" );
	}

	@Test
	void aBlockedInputGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		// 3D blocks that span planes and times; the tile, halo and chunks chosen by each, not given; then tiles that
		// cover several chunks
		final Path input = Fixtures.volume( dir, "blocks.zarr", 2, 2, 8, 8 );
		final Path single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		oneMachine( FeaturizeRequest.of( input ).output( single ).model( TINY ).intraOpThreads( 1 ) );
		onSpark( FeaturizeRequest.of( input ).output( cluster ).model( TINY ).intraOpThreads( 1 ) );
		assertSameOutput( single, cluster );
		assertEquals( java.util.List.of( 20, 28 ), record( cluster ).get( "parameters" ) instanceof Map
				? ( ( Map< ?, ? > ) record( cluster ).get( "parameters" ) ).get( "chunk" ) : null, "whole planes" );
		final Path singleTiles = dir.resolve( "single-tiles.zarr" ), clusterTiles = dir.resolve( "spark-tiles.zarr" );
		oneMachine( FeaturizeRequest.of( input ).output( singleTiles ).model( TINY ).tile( 16 ).chunk( 8 ).intraOpThreads( 1 ) );
		onSpark( FeaturizeRequest.of( input ).output( clusterTiles ).model( TINY ).tile( 16 ).chunk( 8 ).intraOpThreads( 1 ) );
		assertSameOutput( singleTiles, clusterTiles );
	}

	@Test
	void theShippedModelGivesTheSameBytesAsOneMachine( @TempDir final Path dir ) throws Exception
	{
		if ( SparkFeaturizerTest.class.getResource( "/models/" + Models.DEFAULT_MODEL + ".pt" ) == null )
		{
			final String why = "the shipped model /models/" + Models.DEFAULT_MODEL + ".pt is not on the class path (models/ lacks it)";
			System.out.println( "Skipping theShippedModelGivesTheSameBytesAsOneMachine: " + why );
			Assumptions.abort( "Skipped: " + why );
		}
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		final FeaturizeRequest one = FeaturizeRequest.of( input ).output( single ).intraOpThreads( 1 ).normalization( "percentile" );
		oneMachine( one );
		onSpark( FeaturizeRequest.of( input ).output( cluster ).intraOpThreads( 1 ).normalization( "percentile" ) );
		assertSameOutput( single, cluster );
	}

	@Test
	void percentileStatisticsAreComputedOnceAndGiveTheSameBytes( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		oneMachine( request( input, single ).normalization( "percentile" ).outputType( "float16" ) );
		onSpark( request( input, cluster ).normalization( "percentile" ).outputType( "float16" ) );
		assertSameOutput( single, cluster );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > n = ( Map< String, Object > ) ( ( Map< String, Object > ) record( cluster ).get( "parameters" ) ).get( "normalization" );
		assertEquals( Normalization.PERCENTILE, n.get( "method" ) );
	}

	@Test
	void sparkResumesWhatOneMachineLeftAndTheOtherWayRound( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), whole = dir.resolve( "whole.zarr" ), a = dir.resolve( "a.zarr" ), b = dir.resolve( "b.zarr" );
		oneMachine( request( input, whole ) );

		// one machine is cancelled after 10 chunks; Spark finishes the output
		final AtomicInteger polls = new AtomicInteger();
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( request( input, a ).threads( 1 ), Progress.NONE,
				() -> polls.incrementAndGet() > 10 ) );
		final SparkFeaturizer.Result resumed = onSpark( request( input, a ) );
		assertEquals( 10, resumed.chunksSkipped );
		assertEquals( 26, resumed.chunksWritten );
		assertSameOutput( whole, a );

		// a Spark job fails for good on its chunks from 20 on (every attempt); one machine finishes the output
		ChunkTask.fault = ( chunk, attempt ) -> {
			if ( chunk >= 20 )
				throw new IllegalStateException( "injected failure at chunk " + chunk );
		};
		final FeaturizeException failed = assertThrows( FeaturizeException.class, () -> onSpark( request( input, b ) ) );
		assertTrue( failed.getMessage().startsWith( "The Spark job failed: " ) && failed.getMessage().contains( "injected failure" )
				&& failed.getMessage().contains( "run again with the same parameters to resume" ), failed.getMessage() );
		ChunkTask.fault = null;
		assertFalse( Boolean.TRUE.equals( record( b ).get( "complete" ) ) );
		final long before = SparkOutputs.chunks( b );
		assertTrue( before >= 10 && before < 36, before + " chunks before the failure" );
		final Featurizer.Result finished = new Featurizer( s -> {} ).run( request( input, b ).threads( 2 ), Progress.NONE, () -> false );
		assertEquals( before, finished.written().chunksSkipped );
		assertSameOutput( whole, b );
	}

	@Test
	void aFailedTaskIsRetriedAndTheOutputIsTheSame( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), single = dir.resolve( "single.zarr" ), cluster = dir.resolve( "spark.zarr" );
		oneMachine( request( input, single ) );
		final AtomicInteger failures = new AtomicInteger();
		ChunkTask.fault = ( chunk, attempt ) -> {
			if ( ( chunk == 7 || chunk == 30 ) && attempt == 0 )
			{
				failures.incrementAndGet();
				throw new IllegalStateException( "injected failure at chunk " + chunk );
			}
		};
		final SparkFeaturizer.Result r = onSpark( request( input, cluster ) );
		assertEquals( 2, failures.get(), "two first attempts failed" );
		assertEquals( 36, r.chunksWritten + r.chunksSkipped );
		assertTrue( r.chunksSkipped > 0, "the retried tasks skipped the chunks their first attempts wrote" );
		assertSameOutput( single, cluster );
	}

	@Test
	void refusesWhatOneMachineRefuses( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		onSpark( request( input, output ) );
		final OutputException complete = assertThrows( OutputException.class, () -> onSpark( request( input, output ) ) );
		assertTrue( complete.getMessage().contains( "already exists and is complete" ), complete.getMessage() );
		final Path other = dir.resolve( "other.zarr" );
		final AtomicInteger polls = new AtomicInteger();
		assertThrows( CancellationException.class, () -> new Featurizer( s -> {} ).run( request( input, other ).threads( 1 ), Progress.NONE,
				() -> polls.incrementAndGet() > 3 ) );
		final OutputException differs = assertThrows( OutputException.class, () -> onSpark( request( input, other ).tile( 8 ) ) );
		assertTrue( differs.getMessage().contains( "unfinished run with other parameters" ), differs.getMessage() );
		final FeaturizeException noOutput = assertThrows( FeaturizeException.class, () -> onSpark( request( input, null ) ) );
		assertTrue( noOutput.getMessage().contains( "No output given" ), noOutput.getMessage() );
	}

	@Test
	void anExecutorWithoutTheDriversPathUsesTheModelShippedWithFiles( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		onSpark( request( input, output ) );
		final Path chunk = output.resolve( "1.2.1.2.0" );
		final byte[] expected = Files.readAllBytes( chunk );
		Files.delete( chunk );
		// as spark-submit --files tiny_unet_described.pt,tiny_unet_described.json does
		spark.addFile( TINY.toString() );
		spark.addFile( TINY.resolveSibling( "tiny_unet_described.json" ).toString() );
		final ChunkJob job = new ChunkJob( input.toString(), "", Selection.ALL, new long[] { 2, 3, 20, 28 }, dir.resolve( "only-on-the-driver/tiny_unet_described.pt" ).toString(),
				Featurizer.sha256( TINY ), 4, 4, 12, 12, 19, 0, 12, 12, Normalization.none(), output.toString(), 1, false,
				new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ) );
		final long[] counts = new SparkFeaturizer( s -> {} ).runTasks( spark, job, ChunkRange.split( 36, 4 ) );
		assertEquals( 1, counts[ 0 ] );
		assertEquals( 35, counts[ 1 ] );
		assertArrayEquals( expected, Files.readAllBytes( chunk ) );
	}

	@Test
	void anExecutorWithoutTheModelSaysWhatToDo( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		onSpark( request( input, output ).overwrite( true ) );
		final Path missing = dir.resolve( "elsewhere/tiny.pt" );
		final ChunkJob job = new ChunkJob( input.toString(), "", Selection.ALL, new long[] { 2, 3, 20, 28 }, missing.toString(), "0", 4, 4, 12, 12, 19, 0, 12, 12,
				Normalization.none(), output.toString(), 1, false, new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ) );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> new SparkFeaturizer( s -> {} ).runTasks( spark, job, List.of( new ChunkRange( 0, 1 ) ) ) );
		assertTrue( e.getMessage().contains( "cannot find the model " + missing ) && e.getMessage().contains( "spark-submit --files" )
				&& e.getMessage().contains( "Executor driver on " ), e.getMessage() );
	}
}
