package org.featurize.unet.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyBatch;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.cli.BatchOptions;
import org.featurize.unet.cli.ChannelOptions;
import org.featurize.unet.cli.ClassifyBatchOptions;
import org.featurize.unet.cli.ClassifyOptions;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code featurize-spark classify IN --classifier F OUT}: a saved pixel classifier applied on Apache Spark, the same
 * label (and probability) chunks as {@code bin/featurize classify IN --classifier F OUT} writes. Everything that can
 * be refused (the classifier file, another model, the outputs) is refused before the Spark context starts. With
 * {@code --output-dir DIR IN...}, the classifier is applied to many inputs in one Spark context, each into
 * {@code DIR/<name>-classes.zarr}, as {@code bin/featurize classify --output-dir} does ({@link ClassifyBatch}).
 */
@Command( name = "featurize-spark classify", mixinStandardHelpOptions = true,
		description = "Applies a saved pixel classifier (bin/featurize classify ... --save-classifier F) to a Zarr volume on Apache Spark: "
				+ "each pixel's class as a Zarr array of the input's shape, the same chunks, to the bit, as bin/featurize classify writes.",
		footer = { "", "Run through spark-submit (bin/featurize-spark classify ...), or with --master local[N] on one machine.",
				"Input, outputs and model must be at the same path on every machine (or the model shipped with --files)." } )
final class SparkClassify implements Callable< Integer >
{
	@Parameters( paramLabel = "IN OUT", description = "The input Zarr array or group (2D, 3D or 4D) and the label output (Zarr, created; an "
			+ "unfinished run there is resumed). With --output-dir: the inputs, any number" )
	List< Path > paths = new ArrayList<>();

	@Mixin
	ClassifyBatchOptions batch = new ClassifyBatchOptions();

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

	/** The request of IN OUT. */
	ClassifyRequest request()
	{
		if ( paths.size() != 2 )
			throw new FeaturizeException( "Expected IN OUT (two paths), found " + paths.size() + ( paths.size() > 2
					? "; for several inputs give --output-dir DIR" : "" ) );
		return request( paths.get( 0 ), paths.get( 1 ) );
	}

	private ClassifyRequest request( final Path input, final Path output )
	{
		final FeaturizeRequest features = channels.apply( options.features( input ) ).intraOpThreads( intraOpThreads );
		return options.request( features, output ).classifier( classifier );
	}

	@Override
	public Integer call()
	{
		if ( batch.given() )
			return batch();
		batch.checkNotGivenAlone();
		final ClassifyRequest request = request();
		SparkClassifier.check( request ); // before a Spark context is started
		try ( JavaSparkContext spark = SparkFeaturize.context( "featurize classify " + paths.get( 0 ).getFileName(), master ) )
		{
			new SparkClassifier( err::println ).run( spark, request, partitions );
		}
		out.println( paths.get( 1 ).toAbsolutePath() );
		return 0;
	}

	/**
	 * The batch form: the classifier, the list and the first input checked before a Spark context starts; then one Spark
	 * job per input in that context, a failed input recorded and passed over; the table on stderr; 1 if any failed.
	 */
	private int batch()
	{
		if ( options.probabilities() != null )
			throw new FeaturizeException( "--probabilities names one input's file: give it with IN --classifier F OUT, not with --output-dir" );
		PixelClassifier.read( classifier ); // a damaged file, before the list is looked at
		final List< Batch.Item > items = batch.plan( paths, options.dataset() );
		ClassifyJob.checkClassifier( request( items.get( 0 ).input(), items.get( 0 ).output() ) ); // another model: refused once
		if ( partitions != null && partitions < 1 )
			throw new FeaturizeException( "partitions must be at least 1, got " + partitions );
		final List< Batch.Row > rows;
		try ( JavaSparkContext spark = SparkFeaturize.context( "featurize classify " + items.size() + " inputs", master ) )
		{
			batch.createOutputDir();
			final SparkClassifier classifier = new SparkClassifier( err::println );
			rows = ClassifyBatch.run( items, i -> request( i.input(), i.output() ), err::println, r -> classifier.run( spark, r, partitions ) );
		}
		return BatchOptions.report( rows, out, err );
	}
}
