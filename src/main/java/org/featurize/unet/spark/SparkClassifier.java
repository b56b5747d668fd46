package org.featurize.unet.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.spark.api.java.JavaSparkContext;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassWriter;
import org.featurize.unet.classify.Classification;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.OmeLabels;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputLock;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.zarr.DataType;

/**
 * The driver's side of applying a saved classifier on Spark, chunk for chunk the same labels (and probabilities)
 * as {@code bin/featurize classify IN --classifier F OUT}. Before Spark does anything, {@link #check} reads the
 * classifier, takes its recorded feature options (normalization, halo) and refuses another model, an output type
 * too small or an existing output; then the features are resolved as {@link SparkFeaturizer} does, the outputs are
 * created or resumed as {@link ClassWriter} does (same metadata and run record, so that either kind of run resumes
 * the other's), one task per range of cells writes the chunks, and completion is recorded last.
 */
public final class SparkClassifier
{
	private final Consumer< String > log;

	public SparkClassifier( final Consumer< String > log )
	{
		this.log = log;
	}

	/**
	 * What can be refused without Spark or the model loaded: the request, the classifier file, the model file's
	 * SHA-256 against the classifier's, the label type and the outputs. Sets the classifier's recorded feature
	 * options on the request's features; returns the classifier.
	 */
	public static PixelClassifier check( final ClassifyRequest request )
	{
		request.validate();
		if ( request.classifier() == null )
			throw new FeaturizeException( "The Spark driver applies a saved classifier: give --classifier FILE "
					+ "(train one with bin/featurize classify IN LABELS OUT --save-classifier FILE)" );
		if ( request.output() == null && request.probabilities() == null )
			throw new FeaturizeException( "Nothing to write: give a label output or a probabilities output" );
		if ( request.storedFeatures() != null )
			throw new FeaturizeException( "The Spark driver computes the features on its executors; a features Zarr (" + request.storedFeatures()
					+ ") is classified by bin/featurize classify --features or in Fiji" );
		final FeaturizeRequest fr = request.features().output( null );
		final PixelClassifier classifier = ClassifyJob.checkClassifier( request );
		Featurizer.openInput( fr );
		for ( final Path out : new Path[] { request.labelArray(), request.probabilities() } )
			if ( out != null )
				FeatureOutput.checkBeforeRun( out, fr.input(), request.overwrite() );
		Classification.checkType( type( request, classifier ), classifier.values() );
		return classifier;
	}

	private static DataType type( final ClassifyRequest request, final PixelClassifier classifier )
	{
		return request.outputDataType() != null ? request.outputDataType() : Classification.smallestType( classifier.values() );
	}

	/**
	 * Applies the request's classifier on {@code spark}.
	 *
	 * @param partitions
	 *            the number of tasks, or null for four per core of the cluster (at most one per chunk)
	 */
	public SparkFeaturizer.Result run( final JavaSparkContext spark, final ClassifyRequest request, final Integer partitions )
	{
		if ( partitions != null && partitions < 1 )
			throw new FeaturizeException( "partitions must be at least 1, got " + partitions );
		final PixelClassifier classifier = check( request );
		final FeaturizeRequest fr = request.features();
		final Path lockPath = request.output() != null ? request.output() : request.probabilities();
		final SparkFeaturizer featurizer = new SparkFeaturizer( log );
		final SparkFeaturizer.Plan plan = featurizer.plan( spark, fr, request.output() != null ? request.labelArray() : request.probabilities() );
		final String modelSha = ( String ) plan.parameters.get( "model_sha256" );
		final FeatureImage features = classifier.extra() == null ? plan.features : plan.features.withExtra( classifier.extra() );
		classifier.checkModel( plan.model.description().name(), modelSha, features.channels(), request.classifier() );
		log.accept( "Classifier: " + request.classifier() + ", " + classifier );
		final DataType type = type( request, classifier );
		final Classification classification = new Classification( features, classifier, type, 1 );
		final Map< String, Object > parameters = ClassifyJob.parameters( request, fr, plan.view, classifier, modelSha, features );
		final ClassJob job = new ClassJob( plan.job, classifier.bytes(), request.classifier().toString(), type, absolute( request.labelArray() ),
				absolute( request.probabilities() ) );

		try ( OutputLock lock = OutputLock.acquire( lockPath ) )
		{
			if ( request.labelsOme() && request.output() != null )
				OmeLabels.writeGroups( request.output(), classification, plan.view.axes() );
			final ClassWriter.Outputs outputs = ClassWriter.prepare( classification, request.labelArray(), request.probabilities(), fr.input(),
					parameters, request.overwrite() );
			final long chunks = plan.features.numCells();
			final List< ChunkRange > ranges = SparkFeaturizer.ranges( spark, chunks, partitions );
			for ( final FeatureOutput o : new FeatureOutput[] { outputs.labels(), outputs.probabilities() } )
				if ( o != null )
					log.accept( String.format( "%s %s, shape %s, chunks %s, %s: %d chunks in %d tasks on %s", o.resumed() ? "Resuming" : "Writing",
							o.array().path(), Arrays.toString( o.array().shape() ), Arrays.toString( o.array().chunkShape() ), o.array().dataType(),
							chunks, ranges.size(), spark.master() ) );

			final long start = System.nanoTime();
			final long[] counts = featurizer.runTasks( spark, job, ranges, ClassTask::new );
			final double seconds = ( System.nanoTime() - start ) * 1e-9;
			if ( counts[ 0 ] + counts[ 1 ] != chunks )
				throw new FeaturizeException( String.format( "Tasks accounted for %d chunks of %d; run again with the same parameters to resume",
						counts[ 0 ] + counts[ 1 ], chunks ) );
			int leftovers = 0;
			for ( final FeatureOutput o : new FeatureOutput[] { outputs.labels(), outputs.probabilities() } )
				if ( o != null )
					leftovers += o.array().removePartialWrites();
			final Map< String, Object > statistics = new LinkedHashMap<>();
			statistics.put( "chunks_written", counts[ 0 ] );
			statistics.put( "chunks_skipped", counts[ 1 ] );
			statistics.put( "seconds", seconds );
			statistics.put( "tasks", ranges.size() );
			statistics.put( "partial_writes_removed", leftovers );
			outputs.markComplete( statistics );
			log.accept( String.format( Locale.ROOT, "Done: %d chunks written, %d already there, %d tasks, %.1f s", counts[ 0 ], counts[ 1 ],
					ranges.size(), seconds ) );
			return new SparkFeaturizer.Result( counts[ 0 ], counts[ 1 ], ranges.size(), seconds );
		}
	}

	private static String absolute( final Path p )
	{
		return p == null ? null : p.toAbsolutePath().normalize().toString();
	}
}
