package org.featurize.unet.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Command;
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

	@Option( names = "--classifier", required = true, paramLabel = "FILE", description = "The saved classifier to apply" )
	Path classifier;

	@Option( names = "--probabilities", paramLabel = "P.zarr", description = "Also write the class probabilities, float32 (..., y, x, class)" )
	Path probabilities;

	@Option( names = "--labels-ome", description = "Write the labels as an OME-NGFF 0.4 label image OUT/labels/classes into OUT, as "
			+ "bin/featurize classify --labels-ome does" )
	boolean labelsOme;

	@Option( names = "--output-type", paramLabel = "TYPE", description = "uint8, uint16 or uint32 (default: the smallest that holds the class values)" )
	String outputType;

	@Option( names = "--dataset", paramLabel = "PATH", description = "Array path inside the input (default: the input itself)" )
	String dataset = "";

	@Option( names = "--model", paramLabel = "FILE", description = "The features' model (default: the shipped UNet; the classifier checks it)" )
	Path model;

	@Option( names = "--tile", paramLabel = "PX", description = "Square tile size (default: chosen for the work)" )
	Integer tile;

	@Option( names = "--halo", paramLabel = "PX", description = "Halo around tiles (default: the classifier's)" )
	Integer halo;

	@Option( names = "--chunk", paramLabel = "PX", description = "Side of the output's square chunks (default: whole planes up to 64 MiB of "
			+ "features, 1024 x 1024 beyond)" )
	Integer chunk;

	@Option( names = "--precision", paramLabel = "P", description = "float32 (default) or bf16" )
	String precision = "float32";

	@Option( names = "--intra-op-threads", paramLabel = "N", description = "Threads per forward pass (default: spark.task.cpus)" )
	Integer intraOpThreads;

	@Option( names = "--partitions", paramLabel = "N", description = "Number of tasks (default: 4 per core, at most one per chunk)" )
	Integer partitions;

	@Option( names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit, e.g. local[2]" )
	String master;

	@Option( names = "--overwrite", description = "Replace existing outputs" )
	boolean overwrite;

	private final PrintStream out, err;

	SparkClassify( final PrintStream out, final PrintStream err )
	{
		this.out = out;
		this.err = err;
	}

	ClassifyRequest request()
	{
		final FeaturizeRequest features = FeaturizeRequest.of( input ).dataset( dataset ).model( model ).tile( tile ).halo( halo ).chunk( chunk )
				.precision( precision ).intraOpThreads( intraOpThreads );
		return ClassifyRequest.of( features ).classifier( classifier ).output( output ).probabilities( probabilities ).labelsOme( labelsOme ).outputType( outputType )
				.overwrite( overwrite );
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
