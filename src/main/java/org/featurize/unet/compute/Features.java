package org.featurize.unet.compute;

import org.featurize.unet.model.FeatureModel;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/** Static entry points: the lazily computed feature image of an input. */
public final class Features
{
	private Features()
	{}

	/**
	 * The lazy feature image of {@code input} (axes (x, y[, z[, t]]), any real native type). Nothing is
	 * computed here but, for {@code percentile} normalization, the dataset's percentiles.
	 */
	public static < T extends NativeType< T > & RealType< T > > FeatureImage lazy(
			final RandomAccessibleInterval< T > input, final FeatureModel model, final FeatureOptions options )
	{
		return lazy( input, model, options, null );
	}

	/**
	 * The lazy feature image of {@code input} with a normalization computed before, for instance once for a
	 * dataset and then reused on every machine that computes part of it; with {@code normalization} null, as
	 * {@link #lazy(RandomAccessibleInterval, FeatureModel, FeatureOptions)}. The options' normalization
	 * method is then ignored.
	 */
	public static < T extends NativeType< T > & RealType< T > > FeatureImage lazy(
			final RandomAccessibleInterval< T > input, final FeatureModel model, final FeatureOptions options,
			final Normalization normalization )
	{
		final PlaneReader< T > reader = new PlaneReader<>( input );
		final long width = input.dimension( 0 ), height = input.dimension( 1 );
		final int tileWidth = options.hasTile() ? options.tileWidth() : ( int ) Math.min( width, Integer.MAX_VALUE );
		final int tileHeight = options.hasTile() ? options.tileHeight() : ( int ) Math.min( height, Integer.MAX_VALUE );
		final int halo = options.hasHalo() ? options.halo() : model.description().receptiveField();
		final TileGrid tiles = new TileGrid( width, height, tileWidth, tileHeight, halo, model.description().sizeMultiple() );
		final Normalization used = normalization != null ? normalization
				: options.normalization().equals( Normalization.PERCENTILE )
						? Normalization.percentile( reader, options.lowPercentile(), options.highPercentile() )
						: Normalization.none();
		return new FeatureImage( reader, model, tiles, used, options.cacheBytes() );
	}
}
