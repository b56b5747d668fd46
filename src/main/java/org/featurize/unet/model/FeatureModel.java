package org.featurize.unet.model;

import java.nio.FloatBuffer;
import java.util.function.Consumer;

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

	/**
	 * As {@link #predict}, with the result interleaved: {@code height * width * channels} values in C order
	 * (y, x, c), the order of a Zarr feature chunk (t, z, y, x, c). This implementation transposes
	 * {@link #predict}'s result; an engine that can hand over its output in that order overrides it.
	 */
	default float[] predictInterleaved( final float[] plane, final int height, final int width )
	{
		return interleave( predict( plane, height, width ), description().outputChannels(), height * width );
	}

	/**
	 * As {@link #predictInterleaved(float[], int, int)}, handing the values to {@code result} instead of copying
	 * them into an array: {@code height * width * channels} values in (y, x, c) order from the buffer's index 0,
	 * valid only until {@code result} returns (an engine hands over its own memory). A caller that encodes the
	 * values on their way to disk saves a copy of the whole result. This implementation wraps
	 * {@link #predictInterleaved(float[], int, int)}.
	 */
	default void predictInterleaved( final float[] plane, final int height, final int width, final Consumer< FloatBuffer > result )
	{
		result.accept( FloatBuffer.wrap( predictInterleaved( plane, height, width ) ) );
	}

	/** (c, pixel) to (pixel, c) for {@code channels} planes of {@code pixels} values. */
	static float[] interleave( final float[] planar, final int channels, final int pixels )
	{
		final float[] out = new float[ planar.length ];
		final int block = 1024; // a block of pixels of every channel stays in the L1 cache
		for ( int p0 = 0; p0 < pixels; p0 += block )
		{
			final int p1 = Math.min( pixels, p0 + block );
			for ( int c = 0; c < channels; c++ )
			{
				final int src = c * pixels;
				for ( int p = p0; p < p1; p++ )
					out[ p * channels + c ] = planar[ src + p ];
			}
		}
		return out;
	}

	/** The name of output channel {@code c}, as outputs label it: {@code feature_00}, {@code feature_01}, ... */
	default String featureName( final int c )
	{
		return String.format( "feature_%02d", c );
	}

	/** How many forward passes may run at once (the number of predictors). */
	int concurrency();

	/** The engine and device that run the model, for logs: e.g. "PyTorch 2.7.1 on cpu(), 1 intra-op thread". */
	String engineInfo();

	@Override
	void close();
}
