package org.featurize.unet.spark;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.cli.BatchOptions;
import org.featurize.unet.cli.JobOptions;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The Spark application: {@code spark-submit --class org.featurize.unet.spark.SparkFeaturize featurize-unet.jar
 * in.zarr out.zarr [options]}, with {@code bin/featurize}'s parameters. The executors' cores take the place of
 * {@code --threads}; {@code --intra-op-threads} defaults to {@code spark.task.cpus}. Failure: a non-zero exit
 * status and one line on stderr.
 * <p>
 * {@code IN... --output-dir DIR [--inputs LIST] [--name PATTERN]}: many inputs in one Spark context, named, listed and
 * checked as {@code bin/featurize --output-dir} does ({@link Batch}). Each input is prepared on the driver (checked,
 * its output created or resumed), then its chunks run as one Spark job, one input after the other: the jobs share the
 * context, the executors and their loaded model, and each input keeps its own output lock, completion record and
 * failure, so a bad input fails its row only. The same table and exit status as {@code bin/featurize} end the run.
 */
@Command( name = "featurize-spark", mixinStandardHelpOptions = true,
		customSynopsis = { "featurize-spark [OPTIONS] INPUT OUTPUT",
				"   or: featurize-spark [OPTIONS] --output-dir DIR [--inputs LIST] [--name PATTERN] [INPUT...]" },
		description = "Per-pixel UNet features of a Zarr volume (t, z, y, x) computed on Apache Spark, saved as Zarr (t, z, y, x, c): "
				+ "the same chunks, to the bit, as bin/featurize writes.",
		footer = { "", "Run through spark-submit (bin/featurize-spark), or with --master local[N] on one machine.",
				"featurize-spark classify IN --classifier F OUT applies a saved pixel classifier (featurize-spark classify --help).",
				"Input, output and model must be at the same path on every machine (or the model shipped with --files)." } )
public final class SparkFeaturize implements Callable< Integer >
{
	@Spec
	CommandSpec spec;

	@Parameters( paramLabel = "PATH", arity = "0..*", description = "INPUT OUTPUT: one input Zarr array or group, or N5 dataset or container (2D, 3D or 4D), and its output "
			+ "(created; an unfinished run there is resumed). With --output-dir: the inputs, any number" )
	List< Path > paths = new ArrayList<>();

	@Mixin
	BatchOptions batch = new BatchOptions();

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
		if ( batch.given() )
			return batch();
		batch.checkNotGivenAlone( spec.commandLine() );
		if ( paths.size() != 2 )
			throw new ParameterException( spec.commandLine(), "Expected INPUT OUTPUT (two paths), found " + paths.size()
					+ ( paths.size() > 2 ? "; for several inputs give --output-dir DIR" : "" ) );
		final Path input = paths.get( 0 ), output = paths.get( 1 );
		final FeaturizeRequest request = request( input, output );
		request.validate(); // before a Spark context is started
		Featurizer.openInput( request ); // the input, and the part of it chosen

		try ( JavaSparkContext spark = context( "featurize " + input.getFileName(), master ) )
		{
			new SparkFeaturizer( err::println ).run( spark, request, partitions );
		}
		out.println( output.toAbsolutePath() );
		return 0;
	}

	/**
	 * The batch form: the list checked whole and the shared parameters once, before a Spark context starts; then one
	 * Spark job per input in that context ({@link SparkFeaturizer}), a failed input recorded and passed over.
	 */
	private int batch()
	{
		final List< Batch.Item > items = batch.plan( paths, job.dataset() );
		request( items.get( 0 ).input(), items.get( 0 ).output() ).validate(); // before a Spark context is started
		if ( partitions != null && partitions < 1 )
			throw new FeaturizeException( "partitions must be at least 1, got " + partitions );
		final List< Batch.Row > rows;
		try ( JavaSparkContext spark = context( "featurize " + items.size() + " inputs", master ) )
		{
			batch.createOutputDir();
			final SparkFeaturizer featurizer = new SparkFeaturizer( err::println );
			rows = new Batch( err::println ).run( items, i -> request( i.input(), i.output() ), r -> featurizer.run( spark, r, partitions ) );
		}
		return BatchOptions.report( rows, out, err );
	}

	private FeaturizeRequest request( final Path input, final Path output )
	{
		return job.request( input, output, model ).intraOpThreads( intraOpThreads );
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
