package org.featurize.unet.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.featurize.unet.testutil.External;

/**
 * A Spark standalone cluster on this machine, for tests: a master and workers as separate JVMs on 127.0.0.1,
 * from a Spark installation laid out under a folder ({@code jars/} of links to Maven's jars, a
 * {@code bin/spark-submit} that runs Spark's own SparkSubmit). Closing it kills every process it started,
 * executors included; so does the end of the test JVM.
 */
final class StandaloneCluster implements AutoCloseable
{
	/**
	 * Spark's own dependencies that Maven resolved to the application's scope because the application uses
	 * them too ({@code mvn dependency:tree -Dverbose}): a Spark installation has them in {@code jars/}.
	 */
	static final Set< String > SHARED_WITH_SPARK = Set.of( "jackson-core", "jackson-databind", "jackson-annotations", "zstd-jni", "gson",
			"slf4j-api", "commons-codec", "commons-compress", "commons-lang3", "lz4-java", "compress-lzf" );

	final Path dir, sparkHome;

	final String masterUrl;

	private final List< String > javaOptions;

	private final Process master;

	private final List< Process > workers = new ArrayList<>();

	private final Thread cleanup;

	private StandaloneCluster( final Path dir, final Path sparkHome, final List< String > javaOptions, final int port, final Process master )
	{
		this.dir = dir;
		this.sparkHome = sparkHome;
		this.javaOptions = javaOptions;
		this.masterUrl = "spark://127.0.0.1:" + port;
		this.master = master;
		this.cleanup = new Thread( this::kill, "spark-cluster-cleanup" );
		Runtime.getRuntime().addShutdownHook( cleanup );
	}

	/** Starts a master and {@code workers} workers of one core each; throws if they are not up within {@code limit}. */
	static StandaloneCluster start( final Path dir, final int workers, final Duration limit ) throws Exception
	{
		final List< String > options = javaOptions();
		final Path home = installation( dir.resolve( "spark-home" ), options );
		final int port = freePort();
		final Process master = launch( dir, home, options, "master", List.of( "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
				"--port", Integer.toString( port ), "--webui-port", Integer.toString( freePort() ) ) );
		final StandaloneCluster cluster = new StandaloneCluster( dir, home, options, port, master );
		try
		{
			final long deadline = System.nanoTime() + limit.toNanos();
			cluster.await( "master", "I have been elected leader", deadline );
			for ( int w = 1; w <= workers; w++ )
				cluster.workers.add( launch( dir, home, options, "worker" + w, List.of( "org.apache.spark.deploy.worker.Worker", cluster.masterUrl,
						"--host", "127.0.0.1", "--cores", "1", "--memory", "1536m", "--webui-port", Integer.toString( freePort() ), "--work-dir",
						Files.createDirectories( dir.resolve( "work" + w ) ).toString() ) ) );
			for ( int w = 1; w <= workers; w++ )
				cluster.await( "worker" + w, "Successfully registered with master", deadline );
			return cluster;
		}
		catch ( final Exception | Error e )
		{
			cluster.close();
			throw e;
		}
	}

	/** Spark's Java 17 options, as pom.xml gives them to failsafe. */
	static List< String > javaOptions()
	{
		final String options = System.getProperty( "featurize.spark.javaOptions", "" ).trim();
		if ( options.isEmpty() )
			throw new IllegalStateException( "System property featurize.spark.javaOptions is not set (pom.xml gives it to failsafe)" );
		return Arrays.asList( options.split( "\\s+" ) );
	}

	/** A Spark installation: jars/ (Spark's jars, linked), bin/spark-submit. */
	static Path installation( final Path home, final List< String > javaOptions ) throws IOException
	{
		final Path target = External.projectDir().resolve( "target" );
		final Set< String > jars = new LinkedHashSet<>( classPath( target.resolve( "spark-classpath.txt" ) ) );
		for ( final String jar : classPath( target.resolve( "classpath.txt" ) ) )
			if ( SHARED_WITH_SPARK.contains( artifactId( jar ) ) )
				jars.add( jar );
		final Path lib = Files.createDirectories( home.resolve( "jars" ) );
		for ( final String jar : jars )
			Files.createSymbolicLink( lib.resolve( Path.of( jar ).getFileName() ), Path.of( jar ) );
		final Path submit = Files.createDirectories( home.resolve( "bin" ) ).resolve( "spark-submit" );
		Files.writeString( submit, "#!/usr/bin/env bash\n# What Spark's own bin/spark-submit runs, less its launcher.\n"
				+ "exec \"" + javaExecutable() + "\" -Xmx512m " + String.join( " ", javaOptions )
				+ " -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n" );
		Files.setPosixFilePermissions( submit, PosixFilePermissions.fromString( "rwxr-xr-x" ) );
		return home;
	}

	private static List< String > classPath( final Path file ) throws IOException
	{
		if ( !Files.isRegularFile( file ) )
			throw new IllegalStateException( file + " is missing: run mvn package first" );
		return Arrays.stream( Files.readString( file ).trim().split( ":" ) ).filter( s -> !s.isEmpty() ).toList();
	}

	/** "jackson-core" for ".../jackson-core/2.19.2/jackson-core-2.19.2.jar": Maven's layout. */
	private static String artifactId( final String jar )
	{
		return Path.of( jar ).getParent().getParent().getFileName().toString();
	}

	/** The environment of every process of the cluster, the driver's included. */
	Map< String, String > environment()
	{
		return environment( dir, sparkHome );
	}

	private static Map< String, String > environment( final Path dir, final Path home )
	{
		return Map.of( "SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_DIRS",
				dir.resolve( "local" ).toString(), "SPARK_LOG_DIR", dir.toString() );
	}

	private static Process launch( final Path dir, final Path home, final List< String > options, final String name, final List< String > args )
			throws IOException
	{
		final List< String > cmd = new ArrayList<>( List.of( javaExecutable(), "-Xmx256m" ) );
		cmd.addAll( options );
		cmd.addAll( List.of( "-cp", home.resolve( "jars" ) + "/*" ) );
		cmd.addAll( args );
		final ProcessBuilder pb = new ProcessBuilder( cmd ).redirectErrorStream( true ).redirectOutput( dir.resolve( name + ".log" ).toFile() );
		pb.environment().putAll( environment( dir, home ) );
		return pb.start();
	}

	private void await( final String name, final String line, final long deadline ) throws Exception
	{
		final Path log = dir.resolve( name + ".log" );
		while ( !( Files.exists( log ) && Files.readString( log ).contains( line ) ) )
		{
			if ( System.nanoTime() > deadline )
				throw new IllegalStateException( name + " did not log \"" + line + "\" in time:\n" + tail( log ) );
			if ( !master.isAlive() || workers.stream().anyMatch( p -> !p.isAlive() ) )
				throw new IllegalStateException( name + ": a cluster process ended:\n" + tail( log ) + "\nmaster:\n" + tail( dir.resolve( "master.log" ) ) );
			Thread.sleep( 100 );
		}
	}

	/** Worker {@code n} (from 1) and its executors: gone at once, as when a machine fails. */
	void killWorker( final int n ) throws InterruptedException
	{
		final Process worker = workers.get( n - 1 );
		final List< ProcessHandle > executors = worker.descendants().toList();
		worker.destroyForcibly();
		executors.forEach( ProcessHandle::destroyForcibly );
		worker.waitFor( 30, TimeUnit.SECONDS );
	}

	/** The executors' stderr files under worker {@code n}'s work folder. */
	List< Path > executorLogs( final int n ) throws IOException
	{
		try ( Stream< Path > s = Files.walk( dir.resolve( "work" + n ) ) )
		{
			return s.filter( p -> p.getFileName().toString().equals( "stderr" ) ).collect( Collectors.toList() );
		}
	}

	static String tail( final Path log )
	{
		try
		{
			final String s = Files.exists( log ) ? Files.readString( log ) : "(no " + log + ")";
			return s.length() <= 6000 ? s : "..." + s.substring( s.length() - 6000 );
		}
		catch ( final IOException e )
		{
			return "(cannot read " + log + ": " + e + ")";
		}
	}

	private static String javaExecutable()
	{
		return Path.of( System.getProperty( "java.home" ), "bin", "java" ).toString();
	}

	private static int freePort() throws IOException
	{
		try ( ServerSocket s = new ServerSocket( 0, 1, java.net.InetAddress.getLoopbackAddress() ) )
		{
			return s.getLocalPort();
		}
	}

	private void kill()
	{
		final List< Process > all = new ArrayList<>( workers );
		all.add( master );
		for ( final Process p : all )
		{
			p.descendants().forEach( ProcessHandle::destroyForcibly );
			p.destroyForcibly();
		}
		for ( final Process p : all )
			try
			{
				p.waitFor( 30, TimeUnit.SECONDS );
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
				return;
			}
	}

	@Override
	public void close()
	{
		kill();
		// the links into Maven's repository, which JUnit would otherwise warn about one by one
		try ( Stream< Path > links = Files.list( sparkHome.resolve( "jars" ) ) )
		{
			for ( final Path link : ( Iterable< Path > ) links::iterator )
				Files.deleteIfExists( link );
		}
		catch ( final IOException e )
		{
			// the temporary folder's own cleanup removes them
		}
		try
		{
			Runtime.getRuntime().removeShutdownHook( cleanup );
		}
		catch ( final IllegalStateException e )
		{
			// the JVM is shutting down: the hook runs anyway
		}
	}
}
