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
		return lazy( new PlaneReader<>( input ), model, options, normalization );
	}

	/**
	 * The lazy feature image of the planes that {@code reader} reads: of a region of the input (its features those of
	 * the whole input there, the tiles' halos read from outside the region), or of several channels at once for a
	 * model that takes them one after the other. Percentile statistics, when computed here, are the whole
	 * input's (each channel's own), so that a region's features are a crop of the whole input's.
	 */
	public static < T extends NativeType< T > & RealType< T > > FeatureImage lazy(
			final PlaneReader< T > reader, final FeatureModel model, final FeatureOptions options, final Normalization normalization )
	{
		final RandomAccessibleInterval< T > input = reader.input();
		final long width = input.dimension( 0 ), height = input.dimension( 1 );
		final int halo = options.hasHalo() ? options.halo() : model.description().defaultHalo();
		int tileWidth = options.tileWidth(), tileHeight = options.tileHeight(), chunkWidth = options.chunkWidth(), chunkHeight = options.chunkHeight();
		if ( !options.hasTile() )
		{
			final Geometry g = Geometry.choose( machine( Geometry.inputs().plane( width, height )
					.model( model.description().outputChannels(), model.description().sizeMultiple(), halo ).margin( options.margin() )
					.chunk( options.hasChunk() ? Math.max( options.chunkWidth(), options.chunkHeight() ) : null ) ) );
			tileWidth = g.tileWidth();
			tileHeight = g.tileHeight();
			if ( !options.hasChunk() )
			{
				chunkWidth = g.chunkWidth();
				chunkHeight = g.chunkHeight();
			}
		}
		else if ( !options.hasChunk() ) // only the tile given: the cells are the tiles
		{
			chunkWidth = tileWidth;
			chunkHeight = tileHeight;
		}
		final long[] offset = reader.offset();
		final TileGrid tiles = new TileGrid( width, height, tileWidth, tileHeight, halo, model.description().sizeMultiple(), offset[ 0 ], offset[ 1 ],
				reader.source().dimension( 0 ), reader.source().dimension( 1 ), options.margin() );
		final Normalization used = normalization != null ? normalization
				: options.normalization().equals( Normalization.PERCENTILE )
						? Normalization.percentiles( reader, options.lowPercentile(), options.highPercentile() )
						: Normalization.none();
		return new FeatureImage( reader, model, tiles, chunkWidth, chunkHeight, used, options.cacheBytes() );
	}

	/** {@code inputs} with this JVM's cores, maximum heap and the machine's physical memory. */
	public static Geometry.Inputs machine( final Geometry.Inputs inputs )
	{
		long physical = Long.MAX_VALUE;
		if ( java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean )
			physical = ( ( com.sun.management.OperatingSystemMXBean ) java.lang.management.ManagementFactory.getOperatingSystemMXBean() )
					.getTotalMemorySize();
		return inputs.cores( Runtime.getRuntime().availableProcessors() ).memory( Runtime.getRuntime().maxMemory(), physical );
	}
}
