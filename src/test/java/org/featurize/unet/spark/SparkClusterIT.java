package org.featurize.unet.spark;

import static org.featurize.unet.spark.SparkOutputs.assertSameOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on this machine (a master and two one-core workers, separate JVMs on
 * 127.0.0.1), the job submitted by {@code bin/featurize-spark} through {@code spark-submit} with the
 * application's jars shipped by {@code --jars}: the output is the same, byte for byte, as
 * {@code bin/featurize}'s; and it stays the same when a worker and its executor are killed mid-job. Every
 * process is bounded in time and killed at the end, failures included. When no cluster can be started, the
 * tests are skipped with the reason (they fail instead when {@code CI} is set).
 */
@Timeout( value = 5, unit = TimeUnit.MINUTES )
class SparkClusterIT
{
	static final Path PROJECT = External.projectDir();

	@TempDir
	static Path dir;

	static StandaloneCluster cluster;

	@BeforeAll
	static void startCluster()
	{
		final long start = System.nanoTime();
		try
		{
			cluster = StandaloneCluster.start( dir, 2, Duration.ofSeconds( 90 ) );
			System.out.printf( "SparkClusterIT: master and 2 workers up in %.1f s%n", ( System.nanoTime() - start ) * 1e-9 );
		}
		catch ( final Exception e )
		{
			final String why = "cannot start a Spark standalone cluster on 127.0.0.1: " + e.getMessage();
			if ( System.getenv( "CI" ) != null )
				fail( why + " (CI is set, so this fails instead of skipping)", e );
			System.out.println( "Skipping SparkClusterIT: " + why );
			Assumptions.abort( "Skipped: " + why );
		}
	}

	@AfterAll
	static void stopCluster() throws IOException
	{
		if ( cluster == null )
			return;
		cluster.close();
		// the logs of every process, executors' included, for a look after a failure
		final Path logs = Files.createDirectories( PROJECT.resolve( "target/spark-cluster-it" ) );
		try ( Stream< Path > s = Files.walk( dir ) )
		{
			for ( final Path f : ( Iterable< Path > ) s.filter( f -> f.toString().endsWith( ".log" ) || f.getFileName().toString().equals( "stderr" ) )::iterator )
				Files.copy( f, logs.resolve( dir.relativize( f ).toString().replace( '/', '_' ) ), StandardCopyOption.REPLACE_EXISTING );
		}
	}

	/** bin/featurize-spark's arguments before "--": this cluster, loopback only, quiet. */
	static List< String > submitOptions()
	{
		return List.of( "--master", cluster.masterUrl, "--executor-memory", "1g", "--conf", "spark.ui.enabled=false", "--conf",
				"spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.log.level=WARN" );
	}

	static List< String > featurizeSpark( final String... args )
	{
		final List< String > cmd = new ArrayList<>();
		cmd.add( PROJECT.resolve( "bin/featurize-spark" ).toString() );
		cmd.addAll( submitOptions() );
		cmd.add( "--" );
		cmd.addAll( Arrays.asList( args ) );
		return cmd;
	}

	static List< String > featurize( final String... args )
	{
		final List< String > cmd = new ArrayList<>();
		cmd.add( PROJECT.resolve( "bin/featurize" ).toString() );
		cmd.addAll( Arrays.asList( args ) );
		return cmd;
	}

	/** When each process was started, by name. */
	static final Map< String, Long > STARTED = new ConcurrentHashMap<>();

	static Process start( final String name, final List< String > cmd ) throws IOException
	{
		STARTED.put( name, System.nanoTime() );
		final ProcessBuilder pb = new ProcessBuilder( cmd ).directory( dir.toFile() ).redirectErrorStream( true )
				.redirectOutput( dir.resolve( name + ".log" ).toFile() );
		pb.environment().putAll( cluster.environment() );
		return pb.start();
	}

	/** Waits for a process; kills it and its children when it takes longer than {@code limit}. Returns its log. */
	static String finish( final String name, final Process p, final Duration limit ) throws Exception
	{
		try
		{
			if ( !p.waitFor( limit.toMillis(), TimeUnit.MILLISECONDS ) )
				fail( name + " did not finish in " + limit + ":\n" + StandaloneCluster.tail( dir.resolve( name + ".log" ) ) );
			System.out.printf( "SparkClusterIT: %s took %.1f s%n", name, ( System.nanoTime() - STARTED.get( name ) ) * 1e-9 );
			final String log = Files.readString( dir.resolve( name + ".log" ) );
			assertEquals( 0, p.exitValue(), name + " failed:\n" + StandaloneCluster.tail( dir.resolve( name + ".log" ) ) );
			return log;
		}
		finally
		{
			p.descendants().forEach( ProcessHandle::destroyForcibly );
			p.destroyForcibly();
		}
	}

	static String run( final String name, final List< String > cmd, final Duration limit ) throws Exception
	{
		return finish( name, start( name, cmd ), limit );
	}

	static String[] model( final String tile, final String... more )
	{
		final List< String > args = new ArrayList<>( List.of( "--model", Fixtures.TINY_MODEL.toString(), "--tile", tile, "--chunk", tile ) );
		args.addAll( Arrays.asList( more ) );
		return args.toArray( String[]::new );
	}

	static String[] concat( final String[] a, final String... b )
	{
		final String[] all = Arrays.copyOf( a, a.length + b.length );
		System.arraycopy( b, 0, all, a.length, b.length );
		return all;
	}

	@Test
	void theClusterWritesTheSameBytesAsBinFeaturize() throws Exception
	{
		final Path input = dir.resolve( "small.zarr" ), reference = dir.resolve( "small-one-machine.zarr" ), output = dir.resolve( "small-spark.zarr" );
		SampleVolume.write( input, 2, 3, 128, 160, 3 );
		run( "featurize-small", featurize( concat( new String[] { input.toString(), reference.toString() }, model( "64", "--threads", "2",
				"--intra-op-threads", "1", "--normalization", "percentile" ) ) ), Duration.ofMinutes( 2 ) );
		final String log = run( "spark-small", featurizeSpark( concat( new String[] { input.toString(), output.toString() }, model( "64",
				"--normalization", "percentile" ) ) ), Duration.ofMinutes( 3 ) );
		assertTrue( log.contains( "Done: 36 chunks written, 0 already there" ), log );
		assertTrue( log.strip().endsWith( output.toAbsolutePath().toString() ), "prints the output's path last:\n" + log );
		assertSameOutput( reference, output );
	}

	@Test
	void aWorkerKilledMidJobChangesNothing() throws Exception
	{
		final Path input = dir.resolve( "big.zarr" ), reference = dir.resolve( "big-one-machine.zarr" ), output = dir.resolve( "big-spark.zarr" );
		SampleVolume.write( input, 1, 40, 256, 256, 5 );
		final String[] args = model( "64", "--halo", "60" );
		final long total = 40 * 16;
		run( "featurize-big", featurize( concat( new String[] { input.toString(), reference.toString(), "--threads", "2", "--intra-op-threads", "1" },
				args ) ), Duration.ofMinutes( 2 ) );

		final Process driver = start( "spark-big", featurizeSpark( concat( new String[] { input.toString(), output.toString() }, args ) ) );
		try
		{
			// both executors are computing and the output is part-way: then worker 1 goes, with its executor
			final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos( 2 );
			long chunks = 0;
			while ( !( bothExecutorsRunTasks() && ( chunks = SparkOutputs.chunks( output ) ) > 0 ) )
			{
				if ( !driver.isAlive() || System.nanoTime() > deadline )
					fail( "The job ended or took too long before a worker could be killed:\n" + StandaloneCluster.tail( dir.resolve( "spark-big.log" ) ) );
				Thread.sleep( 50 );
			}
			assertTrue( chunks < total, "killed part-way: " + chunks + " of " + total + " chunks" );
			cluster.killWorker( 1 );
			System.out.printf( "SparkClusterIT: worker 1 and its executor killed at %d of %d chunks%n", chunks, total );
		}
		catch ( final Exception | Error e )
		{
			driver.descendants().forEach( ProcessHandle::destroyForcibly );
			driver.destroyForcibly();
			throw e;
		}
		final String log = finish( "spark-big", driver, Duration.ofMinutes( 3 ) );
		assertTrue( log.contains( "Lost executor" ), "the driver saw the executor go:\n" + log );
		assertTrue( log.contains( "Done: " ), log );
		assertSameOutput( reference, output );
	}

	private static boolean bothExecutorsRunTasks() throws IOException
	{
		for ( int w = 1; w <= 2; w++ )
		{
			boolean running = false;
			for ( final Path log : cluster.executorLogs( w ) )
				running |= Files.readString( log ).contains( "Running task" );
			if ( !running )
				return false;
		}
		return true;
	}
}
