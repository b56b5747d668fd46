package org.featurize.unet.classify;

import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.zarr.DataType;

/**
 * The parameters of one classification run, as every front end names them: the features (a
 * {@link FeaturizeRequest} without output: input, model, tile, halo, normalization, threads), the labels to train on
 * or a classifier file to apply, and the outputs.
 */
public final class ClassifyRequest
{
	final FeaturizeRequest features;

	Path labels;

	String labelsDataset = "";

	Path classifier;

	Path saveClassifier;

	Path output;

	Path probabilities;

	String outputType;

	int trees = ForestTrainer.DEFAULT_TREES;

	int depth = ForestTrainer.DEFAULT_DEPTH;

	long seed = 1;

	int maxSamples = DEFAULT_MAX_SAMPLES;

	boolean overwrite;

	/** Labelled pixels used for training at most, by default (an equal share per class; the small classes whole). */
	public static final int DEFAULT_MAX_SAMPLES = 100_000;

	private ClassifyRequest( final FeaturizeRequest features )
	{
		this.features = features;
	}

	/** A request over the features {@code features} describes (its output is ignored). */
	public static ClassifyRequest of( final FeaturizeRequest features )
	{
		return new ClassifyRequest( features );
	}

	/** Trains on this label array (Zarr, the input's shape, integers: 0 unlabelled, 1 ... the classes). */
	public ClassifyRequest labels( final Path labels, final String dataset )
	{
		this.labels = labels;
		this.labelsDataset = dataset == null ? "" : dataset;
		return this;
	}

	/** Applies this classifier file instead of training. */
	public ClassifyRequest classifier( final Path classifier )
	{
		this.classifier = classifier;
		return this;
	}

	/** Where to save the trained classifier (null: not saved). */
	public ClassifyRequest saveClassifier( final Path file )
	{
		this.saveClassifier = file;
		return this;
	}

	/** The label output (Zarr array of the input's shape; null: none). */
	public ClassifyRequest output( final Path output )
	{
		this.output = output;
		return this;
	}

	/** The class probabilities' output (Zarr array (t, z, y, x, class); null: none). */
	public ClassifyRequest probabilities( final Path probabilities )
	{
		this.probabilities = probabilities;
		return this;
	}

	/** The label output's type: uint8, uint16 or uint32 (null: the smallest that holds the class values). */
	public ClassifyRequest outputType( final String type )
	{
		this.outputType = type == null || type.isEmpty() ? null : type;
		return this;
	}

	public ClassifyRequest trees( final Integer trees )
	{
		if ( trees != null )
			this.trees = trees;
		return this;
	}

	public ClassifyRequest depth( final Integer depth )
	{
		if ( depth != null )
			this.depth = depth;
		return this;
	}

	public ClassifyRequest seed( final Long seed )
	{
		if ( seed != null )
			this.seed = seed;
		return this;
	}

	public ClassifyRequest maxSamples( final Integer max )
	{
		if ( max != null )
		{
			if ( max < 2 )
				throw new FeaturizeException( "max_samples must be at least 2, got " + max );
			this.maxSamples = max;
		}
		return this;
	}

	public ClassifyRequest overwrite( final boolean overwrite )
	{
		this.overwrite = overwrite;
		return this;
	}

	public FeaturizeRequest features()
	{
		return features;
	}

	/** The label type asked for, or null. */
	DataType outputDataType()
	{
		if ( outputType == null )
			return null;
		switch ( outputType )
		{
		case "uint8":
			return DataType.UINT8;
		case "uint16":
			return DataType.UINT16;
		case "uint32":
			return DataType.UINT32;
		default:
			throw new FeaturizeException( "Label output type must be uint8, uint16 or uint32, got " + outputType );
		}
	}

	/** Refuses what cannot work before anything is computed. */
	ClassifyRequest validate()
	{
		if ( ( labels == null ) == ( classifier == null ) )
			throw new FeaturizeException( labels == null ? "Give labels to train on or a classifier file to apply"
					: "Give labels to train on or a classifier file to apply, not both" );
		if ( output == null && probabilities == null && saveClassifier == null )
			throw new FeaturizeException( "Nothing to write: give an output, a probabilities output or a file to save the classifier to" );
		if ( output != null && output.equals( probabilities ) )
			throw new FeaturizeException( "The label output and the probabilities output are the same folder: " + output );
		new ForestTrainer().trees( trees ).depth( depth );
		outputDataType();
		return this;
	}
}
