package org.featurize.unet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyBatch;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.ForestTrainer;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.model.DjlEngine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/featurize classify}: pixel classification on the features. Trains a random forest on a sparse label
 * array and writes each pixel's class ({@code classify IN LABELS OUT}), or applies a saved classifier
 * ({@code classify IN --classifier F OUT}); with {@code --features F.zarr}, on features written before instead of
 * computed. IN stays required then: the features are checked against its shape, and the output's run record names it.
 * With {@code --output-dir DIR}, a saved classifier is applied to many inputs in one run ({@link Batch}: each into
 * {@code DIR/<name>-classes.zarr}, a complete output skipped, a failed input passed over, a table at the end).
 */
@Command( name = "featurize classify", mixinStandardHelpOptions = true, versionProvider = FeaturizeMain.Version.class,
		description = { "Pixel classification on the UNet features: train a random forest on sparse labels (0 unlabelled, 1, 2, ... classes) "
				+ "and write each pixel's class as a Zarr array of the input's shape, or apply a saved classifier.",
				"  featurize classify IN.zarr LABELS.zarr OUT.zarr [--save-classifier F] [--probabilities P.zarr]",
				"  featurize classify IN.zarr --classifier F OUT.zarr",
				"  featurize classify --classifier F --output-dir DIR IN1.zarr IN2.zarr ...   (many inputs: DIR/<name>-classes.zarr each)",
				"  featurize classify IN.zarr LABELS.zarr OUT.zarr --features F.zarr   (features written before by bin/featurize)" } )
public final class ClassifyMain implements Callable< Integer >
{
	/** Where the outputs' paths go (stdout), and the log, the progress and the batch's table (stderr). */
	PrintStream out = System.out, err = System.err;

	@Parameters( arity = "0..*", paramLabel = "IN [LABELS] OUT", description = "The input; the labels to train on (not with --classifier); "
			+ "the label output (Zarr, created; an unfinished run there is resumed). With --output-dir: the inputs" )
	List< Path > paths = new ArrayList<>();

	@Mixin
	ClassifyBatchOptions batch = new ClassifyBatchOptions();

	@Mixin
	ClassifyOptions options = new ClassifyOptions();

	@Option( names = "--classifier", paramLabel = "FILE", description = "Apply this saved classifier instead of training" )
	Path classifier;

	@Option( names = "--features", paramLabel = "F.zarr", description = "Read the features from this Zarr, written before by bin/featurize "
			+ "(either layout, float32 or float16), instead of computing them; it must have IN's shape, and its run record the classifier's "
			+ "model and normalization" )
	Path featuresZarr;

	@Mixin
	ChannelOptions channels = new ChannelOptions();

	@Option( names = "--save-classifier", paramLabel = "FILE", description = "Save the trained classifier (JSON) to apply to other volumes" )
	Path saveClassifier;



	@Option( names = "--labels-dataset", paramLabel = "PATH", description = "Array path inside the labels: an array, an OME-Zarr label image (read at its level of the input's shape) or a labels group that lists one (default: the labels themselves)" )
	String labelsDataset = "";


	@Option( names = "--trees", paramLabel = "N", description = "Trees in the forest (default " + ForestTrainer.DEFAULT_TREES + ")" )
	Integer trees;

	@Option( names = "--depth", paramLabel = "N", description = "Depth of each tree (default " + ForestTrainer.DEFAULT_DEPTH + ")" )
	Integer depth;

	@Option( names = "--coherence", paramLabel = "SCALES", description = "Scales in pixels (e.g. 1.6 or 1,1.6,3.5) of the coherence of "
			+ "the features' denoised plane (feature --coherence-feature) that the forest reads beside them, or none (default: 1.6 with the "
			+ "shipped model, none with another; a saved classifier brings its own)" )
	String coherence;

	@Option( names = "--minimum", paramLabel = "RADII", description = "Radii in pixels (e.g. 2 or 1,3) of the minimum of the features' "
			+ "denoised plane (feature --coherence-feature) over a disk, which the forest reads beside them, or none (default: 2 with the "
			+ "shipped model, none with another; a saved classifier brings its own)" )
	String minimum;

	@Option( names = "--coherence-feature", paramLabel = "F", description = "The feature whose coherence and minimum are taken (default 6: "
			+ "the shipped model's denoised plane)" )
	Integer coherenceFeature;

	@Option( names = "--seed", paramLabel = "N", description = "Seed of the forest's randomness (default 1)" )
	Long seed;

	@Option( names = "--max-samples", paramLabel = "N", description = "Labelled pixels used for training at most (default 100000; "
			+ "an equal share per class, the small classes whole)" )
	Integer maxSamples;






	@Option( names = "--normalization", paramLabel = "METHOD", description = "none (default) or percentile; a saved classifier uses its own" )
	String normalization = "none";

	@Option( names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core)" )
	Integer threads;

	@Option( names = "--device", paramLabel = "DEVICE", description = "auto (default), cpu or gpu" )
	String device = "auto";



	@Override
	public Integer call()
	{
		if ( batch.given() )
			return batch();
		batch.checkNotGivenAlone();
		final boolean apply = classifier != null;
		if ( apply && paths.size() != 2 )
			throw new FeaturizeException( "With --classifier give IN and OUT (no labels: the classifier is already trained)" );
		if ( !apply && paths.size() != 3 )
			throw new FeaturizeException( "Give IN LABELS OUT to train on labels, or IN --classifier FILE OUT to apply a saved classifier" );
		DjlEngine.startInBackground();
		final Path input = paths.get( 0 ), output = paths.get( paths.size() - 1 );
		final FeaturizeRequest features = channels.apply( options.features( input ) ).normalization( normalization )
				.threads( threads ).device( device );
		final ClassifyRequest request = options.request( features, output ).classifier( classifier ).saveClassifier( saveClassifier ).trees( trees )
				.depth( depth ).coherence( coherence ).minimum( minimum ).coherenceFeature( coherenceFeature ).seed( seed ).maxSamples( maxSamples ).storedFeatures( featuresZarr );
		if ( !apply )
			request.labels( paths.get( 1 ), labelsDataset );
		new ClassifyJob( err::println ).run( request, FeaturizeMain.consoleProgress( err ), () -> false );
		out.println( output.toAbsolutePath() );
		return 0;
	}

	/**
	 * The batch form: a saved classifier applied to every input, each into its own output in {@code --output-dir}; the
	 * classifier and the list are checked before anything is written; the table on stderr; 1 if any input failed.
	 */
	private int batch()
	{
		if ( classifier == null )
			throw new FeaturizeException( "--output-dir applies a saved classifier to many inputs: give --classifier FILE (trained on one input's "
					+ "labels with --save-classifier)" );
		final String alone = featuresZarr != null ? "--features" : saveClassifier != null ? "--save-classifier" : !labelsDataset.isEmpty()
				? "--labels-dataset" : options.probabilities != null ? "--probabilities" : null;
		if ( alone != null )
			throw new FeaturizeException( alone + " names one input's file: give it with IN --classifier F OUT, not with --output-dir" );
		PixelClassifier.read( classifier ); // a damaged or foreign file is refused once, before anything is written
		final List< Batch.Item > items = batch.plan( paths, options.dataset() );
		ClassifyJob.checkClassifier( classifyRequest( items.get( 0 ).input(), items.get( 0 ).output() ) ); // what all inputs share: another model refused once
		DjlEngine.startInBackground();
		batch.createOutputDir();
		final List< Batch.Row > rows = ClassifyBatch.run( items, i -> classifyRequest( i.input(), i.output() ), err::println,
				() -> FeaturizeMain.consoleProgress( err ), () -> false );
		return BatchOptions.report( rows, out, err );
	}

	private ClassifyRequest classifyRequest( final Path input, final Path output )
	{
		final FeaturizeRequest features = channels.apply( options.features( input ) ).normalization( normalization ).threads( threads )
				.device( device );
		return options.request( features, output ).classifier( classifier );
	}
}
