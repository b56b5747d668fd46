package org.featurize.unet.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.cli.ChannelOptions;
import org.featurize.unet.cli.ClassifyOptions;
import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code featurize-spark classify IN --classifier F OUT}: a saved pixel classifier applied on Apache Spark, the same
 * label (and probability) chunks as {@code bin/featurize classify IN --classifier F OUT} writes. Everything that can
 * be refused (the classifier file, another model, the outputs) is refused before the Spark context starts.
 */
@Command( name = "featurize-spark classify", mixinStandardHelpOptions = true,
		description = "Applies a saved pixel classifier (bin/featurize classify ... --save-classifier F) to a Zarr volume on Apache Spark: "
				+ "each pixel's class as a Zarr array of the input's shape, the same chunks, to the bit, as bin/featurize classify writes.",
		footer = { "", "Run through spark-submit (bin/featurize-spark classify ...), or with --master local[N] on one machine.",
				"Input, outputs and model must be at the same path on every machine (or the model shipped with --files)." } )
final class SparkClassify implements Callable< Integer >
{
	@Parameters( index = "0", paramLabel = "IN", description = "Input Zarr array or group (2D, 3D or 4D)" )
	Path input;

	@Parameters( index = "1", paramLabel = "OUT", description = "The label output (Zarr, created; an unfinished run there is resumed)" )
	Path output;

	@Mixin
	ClassifyOptions options = new ClassifyOptions();

	@Option( names = "--classifier", required = true, paramLabel = "FILE", description = "The saved classifier to apply" )
	Path classifier;

	@Mixin
	ChannelOptions channels = new ChannelOptions();

	@Option( names = "--intra-op-threads", paramLabel = "N", description = "Threads per forward pass (default: spark.task.cpus)" )
	Integer intraOpThreads;

	@Option( names = "--partitions", paramLabel = "N", description = "Number of tasks (default: 4 per core, at most one per chunk)" )
	Integer partitions;

	@Option( names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit, e.g. local[2]" )
	String master;

	private final PrintStream out, err;

	SparkClassify( final PrintStream out, final PrintStream err )
	{
		this.out = out;
		this.err = err;
	}

	ClassifyRequest request()
	{
		final FeaturizeRequest features = channels.apply( options.features( input ) ).intraOpThreads( intraOpThreads );
		return options.request( features, output ).classifier( classifier );
	}

	@Override
	public Integer call()
	{
		final ClassifyRequest request = request();
		SparkClassifier.check( request ); // before a Spark context is started
		try ( JavaSparkContext spark = SparkFeaturize.context( "featurize classify " + input.getFileName(), master ) )
		{
			new SparkClassifier( err::println ).run( spark, request, partitions );
		}
		out.println( output.toAbsolutePath() );
		return 0;
	}
}
