package org.featurize.unet.compute;

/**
 * Channels computed from a model's features after the network and appended to them, as a classifier reads them
 * (see {@link FeatureImage#withExtra}): each a fixed operation over the features around a pixel, within
 * {@link #margin()} pixels. A {@link FeatureImage} computes them per tile over the tile's region (the tile and its
 * halo), so a tile's extra channels equal those of the whole plane wherever the halo is at least the margin; at the
 * plane's edges the features are treated as {@link #compute} says.
 */
public interface ExtraChannels
{
	/** How many channels. */
	int count();

	/** How far from a pixel, in pixels, its extra channels read the features. */
	int margin();

	/** How many of the features it reads: the highest channel it reads, plus one. */
	int channelsRead();

	/** The name of extra channel {@code c}, as outputs and viewers label it. */
	String name( int c );

	/**
	 * Computes the extra channels of the rectangle {@code [outX, outX + outWidth) x [outY, outY + outHeight)} of a
	 * window of features: the plane's pixels that a region holds, {@code width x height}, beyond whose edges an
	 * implementation extends the features as it documents. The rectangle lies in the window.
	 *
	 * @param features
	 *            the window's features
	 * @param out
	 *            room for {@code count() * outWidth * outHeight} values: channel-major, then row-major
	 */
	void compute( Source features, int width, int height, int outX, int outY, int outWidth, int outHeight, float[] out );

	/** A window of features, one channel at a time. */
	@FunctionalInterface
	interface Source
	{
		/**
		 * Copies channel {@code c} of the window's rectangle {@code [x0, x0 + w) x [y0, y0 + h)} into {@code dest},
		 * row-major from index 0.
		 */
		void channel( int c, int x0, int y0, int w, int h, float[] dest );
	}
}
