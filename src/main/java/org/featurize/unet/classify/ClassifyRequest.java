package org.featurize.unet.classify;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
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

	Labels givenLabels;

	String givenLabelsSource;

	Map< Long, String > classNames = Map.of();

	boolean keepFeatures;

	FeatureImage reuseFeatures;

	boolean lazyResult;

	Path classifier;

	Path storedFeatures;

	Path saveClassifier;

	Path output;

	Path probabilities;

	boolean labelsOme;

	String outputType;

	int trees = ForestTrainer.DEFAULT_TREES;

	int depth = ForestTrainer.DEFAULT_DEPTH;

	long seed = 1;

	/** The coherence's scales ("1.6", "1,1.6", "none"), or null for the default (see {@link #extra}). */
	String coherence;

	int coherenceFeature = Coherence.DEFAULT_FEATURE;

	/** The minimum's radii ("2", "1,3", "none"), or null for the default (see {@link #extra}). */
	String minimum;

	int maxSamples = DEFAULT_MAX_SAMPLES;

	boolean overwrite;

	/** Labelled pixels used for training at most, by default (an equal share per class; the small classes whole). */
	public static final int DEFAULT_MAX_SAMPLES = 100_000;

	/**
	 * The margin, in pixels, of the features a training computes unless told otherwise: the model sees each plane
	 * mirrored this far beyond its edges, as classic filters see them, instead of its own zero padding there
	 * ({@link org.featurize.unet.compute.FeatureOptions#margin}).
	 */
	public static final int DEFAULT_MARGIN = 32;

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

	/**
	 * Trains on these labelled pixels (ImageJ's ROIs, say) instead of a label array.
	 *
	 * @param source
	 *            where they come from, as the classifier file records it ("ImageJ ROIs: ...")
	 */
	public ClassifyRequest labels( final Labels labels, final String source )
	{
		this.givenLabels = labels;
		this.givenLabelsSource = source;
		return this;
	}

	/** The names of the classes trained, by class value ("class N" for a value not named here). */
	public ClassifyRequest classNames( final Map< Long, String > names )
	{
		this.classNames = names == null ? Map.of() : new TreeMap<>( names );
		return this;
	}

	/**
	 * Whether training and the lazy label image take their features through the feature image's cache and keep them
	 * there (an interactive session that trains again on more labels: see {@link #reuseFeatures}).
	 */
	public ClassifyRequest keepFeatures( final boolean keep )
	{
		this.keepFeatures = keep;
		return this;
	}

	/**
	 * Classifies these features, made by an earlier run of a request equal to this one in this JVM (the caller
	 * vouches for that), instead of making new ones: with {@link #keepFeatures}, the cells they hold are not computed
	 * again. Null: new features.
	 */
	public ClassifyRequest reuseFeatures( final FeatureImage features )
	{
		this.reuseFeatures = features;
		return this;
	}

	/**
	 * Whether the caller uses the lazy classification itself (shows it, returns it to a script), so that a run with
	 * nothing to write is not refused.
	 */
	public ClassifyRequest lazyResult( final boolean lazy )
	{
		this.lazyResult = lazy;
		return this;
	}

	/**
	 * Reads the features from this Zarr, written before by {@code bin/featurize} (seed or OME layout) or another tool,
	 * instead of computing them (null: computed); see {@link StoredFeatures} and {@link ClassifyJob} for its checks.
	 */
	public ClassifyRequest storedFeatures( final Path features )
	{
		this.storedFeatures = features;
		return this;
	}

	/** The features Zarr read instead of computing the features, or null. */
	public Path storedFeatures()
	{
		return storedFeatures;
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
	/** Whether the labels are an OME-NGFF label image in the output ({@link OmeLabels}) rather than the output itself. */
	public ClassifyRequest labelsOme( final boolean ome )
	{
		this.labelsOme = ome;
		return this;
	}

	public boolean labelsOme()
	{
		return labelsOme;
	}

	/** The label array: the output itself, or its OME-NGFF label image's level 0; null without an output. */
	public Path labelArray()
	{
		return output == null ? null : labelsOme ? OmeLabels.array( output ) : output;
	}

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

	/**
	 * The scales of the coherence that training puts beside the features (comma-separated pixels, e.g. "1.6" or
	 * "1,1.6,3.5"), or "none"; null or empty for the default: at {@link Coherence#DEFAULT_SIGMAS} with the shipped
	 * model, none with another. A saved classifier brings its own.
	 */
	public ClassifyRequest coherence( final String sigmas )
	{
		this.coherence = sigmas == null || sigmas.isBlank() ? null : sigmas.trim();
		return this;
	}

	/**
	 * The radii of the minimum that training puts beside the features (comma-separated pixels, e.g. "2" or "1,3"), or
	 * "none"; null or empty for the default: over {@link Minimum#DEFAULT_RADII} with the shipped model, none with
	 * another. A saved classifier brings its own.
	 */
	public ClassifyRequest minimum( final String radii )
	{
		this.minimum = radii == null || radii.isBlank() ? null : radii.trim();
		return this;
	}

	/**
	 * The feature whose coherence and minimum training computes ({@link Coherence#DEFAULT_FEATURE} unless given).
	 */
	public ClassifyRequest coherenceFeature( final Integer feature )
	{
		if ( feature != null )
			this.coherenceFeature = feature;
		return this;
	}

	/**
	 * The inputs a training puts beside the features: the coherence and the minimum asked for, each by default (none
	 * asked) at {@link Coherence#DEFAULT_SIGMAS} and over {@link Minimum#DEFAULT_RADII} where the features are the
	 * shipped model's ({@code shippedModel}), else none; null for none at all.
	 */
	public Extras extra( final boolean shippedModel )
	{
		final Coherence c = coherence == null
				? shippedModel ? new Coherence( coherenceFeature, Coherence.DEFAULT_SIGMAS, Coherence.DEFAULT_SMOOTH ) : null
				: Coherence.parse( coherence, coherenceFeature );
		final Minimum m = minimum == null
				? shippedModel ? new Minimum( coherenceFeature, Minimum.DEFAULT_RADII ) : null
				: Minimum.parse( minimum, coherenceFeature );
		return Extras.of( c, m );
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

	/** The classifier file to apply, or null (training). */
	public Path classifier()
	{
		return classifier;
	}

	/** The label output, or null. */
	public Path output()
	{
		return output;
	}

	/** The probabilities' output, or null. */
	public Path probabilities()
	{
		return probabilities;
	}

	public boolean overwrite()
	{
		return overwrite;
	}

	/** The label type asked for, or null. */
	public DataType outputDataType()
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
	public ClassifyRequest validate()
	{
		if ( labels != null && givenLabels != null )
			throw new FeaturizeException( "Give a label array or labelled pixels to train on, not both" );
		final boolean train = labels != null || givenLabels != null;
		if ( train == ( classifier != null ) )
			throw new FeaturizeException( !train ? "Give labels to train on or a classifier file to apply"
					: "Give labels to train on or a classifier file to apply, not both" );
		if ( output == null && probabilities == null && saveClassifier == null && !lazyResult )
			throw new FeaturizeException( "Nothing to write: give an output, a probabilities output or a file to save the classifier to" );
		if ( output != null && output.equals( probabilities ) )
			throw new FeaturizeException( "The label output and the probabilities output are the same folder: " + output );
		if ( storedFeatures != null && reuseFeatures != null )
			throw new FeaturizeException( "Give a features Zarr or features kept from the last run, not both" );
		new ForestTrainer().trees( trees ).depth( depth );
		outputDataType();
		if ( coherence != null )
			Coherence.parse( coherence, coherenceFeature );
		if ( minimum != null )
			Minimum.parse( minimum, coherenceFeature );
		if ( coherenceFeature < 0 )
			throw new FeaturizeException( "coherence_feature must be 0 or more, got " + coherenceFeature );
		return this;
	}
}
