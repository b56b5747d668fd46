package org.featurize.unet.spark;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.cli.InputOutput;
import org.featurize.unet.cli.JobOptions;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The Spark application: {@code spark-submit --class org.featurize.unet.spark.SparkFeaturize featurize-unet.jar
 * in.zarr out.zarr [options]}, with {@code bin/featurize}'s parameters. The executors' cores take the place of
 * {@code --threads}; {@code --intra-op-threads} defaults to {@code spark.task.cpus}. Failure: a non-zero exit
 * status and one line on stderr.
 */
@Command( name = "featurize-spark", mixinStandardHelpOptions = true,
		description = "Per-pixel UNet features of a Zarr volume (t, z, y, x) computed on Apache Spark, saved as Zarr (t, z, y, x, c): "
				+ "the same chunks, to the bit, as bin/featurize writes.",
		footer = { "", "Run through spark-submit (bin/featurize-spark), or with --master local[N] on one machine.",
				"featurize-spark classify IN --classifier F OUT applies a saved pixel classifier (featurize-spark classify --help).",
				"Input, output and model must be at the same path on every machine (or the model shipped with --files)." } )
public final class SparkFeaturize implements Callable< Integer >
{
	@Mixin
	InputOutput paths = new InputOutput();

	@Mixin
	JobOptions job = new JobOptions();

	@Option( names = "--model", paramLabel = "FILE", description = "TorchScript model (default: the shipped UNet)" )
	Path model;

	@Option( names = "--intra-op-threads", paramLabel = "N", description = "Threads per forward pass (default: spark.task.cpus)" )
	Integer intraOpThreads;

	@Option( names = "--partitions", paramLabel = "N", description = "Number of tasks (default: 4 per core, at most one per chunk)" )
	Integer partitions;

	@Option( names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit, e.g. local[2]" )
	String master;

	private PrintStream out = System.out, err = System.err;

	public static void main( final String[] args )
	{
		final int status = run( args, System.out, System.err );
		if ( status != 0 )
			System.exit( status );
	}

	/**
	 * Runs the application; returns the exit status. A first argument {@code classify} applies a saved classifier
	 * instead ({@link SparkClassify}).
	 */
	public static int run( final String[] args, final PrintStream out, final PrintStream err )
	{
		if ( args.length > 0 && args[ 0 ].equals( "classify" ) )
			return execute( new SparkClassify( out, err ), Arrays.copyOfRange( args, 1, args.length ), out, err );
		final SparkFeaturize app = new SparkFeaturize();
		app.out = out;
		app.err = err;
		return execute( app, args, out, err );
	}

	/** Runs a command of this application: a failure is one line on {@code err} and a non-zero status. */
	static int execute( final Object command, final String[] args, final PrintStream out, final PrintStream err )
	{
		final CommandLine cli = new CommandLine( command );
		cli.setOut( new PrintWriter( out, true ) );
		cli.setErr( new PrintWriter( err, true ) );
		cli.setExecutionExceptionHandler( ( e, line, parsed ) -> {
			err.println( "featurize-spark: error: " + message( e ) );
			return 1;
		} );
		cli.setParameterExceptionHandler( ( e, a ) -> {
			err.println( "featurize-spark: error: " + e.getMessage() + " (see --help)" );
			return 2;
		} );
		return cli.execute( args );
	}

	@Override
	public Integer call()
	{
		final FeaturizeRequest request = job.request( paths.input(), paths.output(), model ).intraOpThreads( intraOpThreads );
		request.validate(); // before a Spark context is started
		Featurizer.openInput( request ); // the input, and the part of it chosen

		try ( JavaSparkContext spark = context( "featurize " + paths.input().getFileName(), master ) )
		{
			new SparkFeaturizer( err::println ).run( spark, request, partitions );
		}
		out.println( paths.output().toAbsolutePath() );
		return 0;
	}

	/** A Spark context for this application: spark-submit's settings, or {@code master} where given. */
	static JavaSparkContext context( final String name, final String master )
	{
		final SparkConf conf = new SparkConf().setAppName( name );
		if ( master != null )
			conf.setMaster( master );
		if ( !conf.contains( "spark.master" ) )
			throw new FeaturizeException( "No Spark master: run through spark-submit (bin/featurize-spark), or give --master local[N]" );
		return new JavaSparkContext( conf );
	}

	static String message( final Throwable e )
	{
		if ( e instanceof FeaturizeException )
			return e.getMessage();
		return e.getClass().getSimpleName() + ( e.getMessage() == null ? "" : ": " + e.getMessage() );
	}
}
