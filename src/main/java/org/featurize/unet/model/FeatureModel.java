package org.featurize.unet.model;

/**
 * A per-pixel model: one float plane in, {@link ModelDescription#outputChannels()} float planes of the same
 * size out. Implementations are thread-safe; at most {@link #concurrency()} forward passes run at once and
 * further callers wait for a free predictor.
 */
public interface FeatureModel extends AutoCloseable
{
	ModelDescription description();

	/**
	 * Runs the model on one plane.
	 *
	 * @param plane
	 *            {@code height * width} values, row-major (x fastest)
	 * @param height
	 *            a multiple of {@link ModelDescription#sizeMultiple()}
	 * @param width
	 *            a multiple of {@link ModelDescription#sizeMultiple()}
	 * @return {@code channels * height * width} values, channel-major then row-major (C order (c, y, x))
	 * @throws ModelException
	 *             if the forward pass fails or returns an unexpected shape
	 * @throws java.util.concurrent.CancellationException
	 *             if the calling thread is interrupted while waiting for a predictor
	 */
	float[] predict( float[] plane, int height, int width );

	/** How many forward passes may run at once (the number of predictors). */
	int concurrency();

	/** The engine and device that run the model, for logs: e.g. "PyTorch 2.7.1 on cpu(), 1 intra-op thread". */
	String engineInfo();

	@Override
	void close();
}
