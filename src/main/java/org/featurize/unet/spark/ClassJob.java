package org.featurize.unet.spark;

import java.io.Serializable;

import org.featurize.unet.zarr.DataType;

/**
 * What executors need to classify and write chunks: the features' job as {@link SparkFeaturizer} resolves it, the
 * classifier's file bytes (so that no executor reads another file than the driver did) and the outputs. Broadcast
 * once per run.
 */
final class ClassJob implements Serializable
{
	private static final long serialVersionUID = 1L;

	/** The features; its output is the label output (or the probabilities' where there are no labels). */
	final ChunkJob features;

	final byte[] classifier;

	/** The classifier file as the driver named it, for messages. */
	final String classifierName;

	final DataType type;

	/** The label output and the probabilities' output, either null where not asked for. */
	final String labels, probabilities;

	ClassJob( final ChunkJob features, final byte[] classifier, final String classifierName, final DataType type, final String labels,
			final String probabilities )
	{
		this.features = features;
		this.classifier = classifier.clone();
		this.classifierName = classifierName;
		this.type = type;
		this.labels = labels;
		this.probabilities = probabilities;
	}

	@Override
	public String toString()
	{
		return "classes by " + classifierName + " of " + features;
	}
}
