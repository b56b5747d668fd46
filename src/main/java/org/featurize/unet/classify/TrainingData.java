package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.TileGrid;

import net.imglib2.img.cell.CellGrid;
import net.imglib2.util.IntervalIndexer;

/**
 * The features of labelled pixels: only the compute tiles that hold a labelled pixel are computed (each once, on
 * the feature image's worker threads), and only the labelled pixels' features are kept. On request the features
 * come from the feature image's cells instead, computed into its cache and kept there, so that training again on
 * the same features (more labels drawn) computes only the cells it has not seen; the samples are the same values,
 * in the same order, either way.
 */
public final class TrainingData
{
	private TrainingData()
	{}

	/**
	 * What collecting cost: tiles computed out of the volume's (with kept features: cells computed now out of the
	 * volume's, and the labelled cells found in the cache), samples kept.
	 */
	public static final class Collected
	{
		public final Samples samples;

		public final long tiles, tilesInVolume, cellsReused;

		public final double seconds;

		Collected( final Samples samples, final long tiles, final long tilesInVolume, final long cellsReused, final double seconds )
		{
			this.samples = samples;
			this.tiles = tiles;
			this.tilesInVolume = tilesInVolume;
			this.cellsReused = cellsReused;
			this.seconds = seconds;
		}
	}

	/**
	 * The samples of {@code labels} (class index = the position of its value in {@code labels.values()}), their
	 * features from {@code features}, whose planes must have the labels' size.
	 */
	public static Collected collect( final FeatureImage features, final Labels labels, final int threads, final BooleanSupplier cancelled )
	{
		return collect( features, labels, threads, cancelled, false );
	}

	/**
	 * As {@link #collect(FeatureImage, Labels, int, BooleanSupplier)}; with {@code keep}, each labelled pixel's
	 * features come from its cell, taken from the feature image's cache or computed into it.
	 */
	public static Collected collect( final FeatureImage features, final Labels labels, final int threads, final BooleanSupplier cancelled,
			final boolean keep )
	{
		final TileGrid grid = features.tiles();
		return collect( features, keep ? null : features, labels, grid.tileWidth(), grid.tileHeight(), threads, cancelled, keep );
	}

	/**
	 * The samples of {@code labels} from features read by cells (a features Zarr written before: only the cells that
	 * hold a labelled pixel are read), the labelled pixels taken in groups of {@code groupWidth x groupHeight} areas
	 * of a plane. With the tile size of the run that wrote the features, the samples come in the order that
	 * {@link #collect(FeatureImage, Labels, int, BooleanSupplier)} gives them over the same features computed now, so
	 * that the same forest is trained.
	 */
	public static Collected collect( final CellFeatures features, final Labels labels, final int groupWidth, final int groupHeight, final int threads,
			final BooleanSupplier cancelled )
	{
		return collect( features, null, labels, groupWidth, groupHeight, threads, cancelled, false );
	}

	/** {@code tiles}: computes each group as its tile (null: reads the cells, kept with {@code keep}). */
	private static Collected collect( final CellFeatures features, final FeatureImage tiles, final Labels labels, final int groupWidth,
			final int groupHeight, final int threads, final BooleanSupplier cancelled, final boolean keep )
	{
		final long[] dims = features.cellGrid().getImgDimensions();
		if ( dims[ 0 ] != labels.width() || dims[ 1 ] != labels.height() || features.planes() != labels.planes() )
			throw new LabelException( String.format( "Labels of %d planes of %d x %d do not fit features of %d planes of %d x %d", labels.planes(),
					labels.width(), labels.height(), features.planes(), dims[ 0 ], dims[ 1 ] ) );
		final long start = System.nanoTime();
		// labelled pixels by tile: key (plane, tile y, tile x), values [y, x, class]
		final Map< List< Long >, List< long[] > > byTile = new LinkedHashMap<>();
		final long w = labels.width(), h = labels.height();
		for ( final long[] pc : labels.byPosition() )
		{
			final long plane = pc[ 0 ] / ( w * h ), y = pc[ 0 ] / w % h, x = pc[ 0 ] % w;
			byTile.computeIfAbsent( List.of( plane, y / groupHeight, x / groupWidth ), k -> new ArrayList<>() )
					.add( new long[] { y, x, pc[ 1 ] } );
		}
		final int channels = features.channels();
		final Samples samples = new Samples( channels );
		final Set< Long > cellsComputed = ConcurrentHashMap.newKeySet(), cellsReused = ConcurrentHashMap.newKeySet();
		final ExecutorService pool = Executors.newFixedThreadPool( Math.max( 1, threads ), r -> {
			final Thread t = new Thread( r, "featurize-training-features" );
			t.setDaemon( true );
			return t;
		} );
		try
		{
			final List< Future< Samples > > parts = new ArrayList<>();
			for ( final Map.Entry< List< Long >, List< long[] > > e : byTile.entrySet() )
			{
				final long plane = e.getKey().get( 0 ), iy = e.getKey().get( 1 ), ix = e.getKey().get( 2 );
				parts.add( pool.submit( () -> {
					if ( cancelled.getAsBoolean() )
						throw new CancellationException( "Training was cancelled" );
					if ( tiles == null )
						return fromCells( features, e.getValue(), plane, channels, cellsComputed, cellsReused, keep );
					final TileGrid grid = tiles.tiles();
					final float[] data = tiles.computeTile( ix, iy, plane % features.depth(), plane / features.depth() );
					final long[] tx = grid.tileX( ix ), ty = grid.tileY( iy );
					final int tw = ( int ) ( tx[ 1 ] - tx[ 0 ] ), th = ( int ) ( ty[ 1 ] - ty[ 0 ] );
					final Samples part = new Samples( channels );
					for ( final long[] p : e.getValue() )
						part.add( data, ( int ) ( ( p[ 0 ] - ty[ 0 ] ) * tw + p[ 1 ] - tx[ 0 ] ), tw * th, ( int ) p[ 2 ] );
					return part;
				} ) );
			}
			for ( final Future< Samples > part : parts )
				samples.addAll( part.get() );
		}
		catch ( final InterruptedException e )
		{
			Thread.currentThread().interrupt();
			throw new CancellationException( "Training was interrupted" );
		}
		catch ( final ExecutionException e )
		{
			if ( e.getCause() instanceof RuntimeException )
				throw ( RuntimeException ) e.getCause();
			throw new FeaturizeException( "Computing the labelled pixels' features failed: " + e.getCause(), e.getCause() );
		}
		finally
		{
			pool.shutdownNow();
		}
		final double seconds = ( System.nanoTime() - start ) * 1e-9;
		if ( tiles == null )
		{
			cellsReused.removeAll( cellsComputed ); // a cell computed by one tile's pixels and found by the next tile's
			return new Collected( samples, cellsComputed.size(), features.numCells(), cellsReused.size(), seconds );
		}
		final TileGrid grid = tiles.tiles();
		return new Collected( samples, byTile.size(), grid.tilesX() * grid.tilesY() * features.planes(), 0, seconds );
	}

	/** The samples of one tile's labelled pixels ([y, x, class]) of {@code plane}, from the cells that hold them. */
	private static Samples fromCells( final CellFeatures features, final List< long[] > pixels, final long plane, final int channels,
			final Set< Long > computed, final Set< Long > reused, final boolean keep )
	{
		final CellGrid cells = features.cellGrid();
		final int n = cells.numDimensions();
		final long[] gridDims = cells.getGridDimensions(), pos = new long[ n ], min = new long[ n ];
		final int[] cellDims = new int[ n ];
		final int cw = cells.cellDimension( 0 ), ch = cells.cellDimension( 1 );
		if ( n > 3 )
			pos[ 3 ] = plane % features.depth();
		if ( n > 4 )
			pos[ 4 ] = plane / features.depth();
		final Samples part = new Samples( channels );
		final Map< Long, float[] > read = new HashMap<>(); // a group's pixels may go back and forth between its cells
		for ( final long[] p : pixels )
		{
			pos[ 0 ] = p[ 1 ] / cw;
			pos[ 1 ] = p[ 0 ] / ch;
			final long index = IntervalIndexer.positionToIndex( pos, gridDims );
			final float[] data = read.computeIfAbsent( index, i -> {
				( features.isCellCached( i ) ? reused : computed ).add( i );
				return keep ? features.keptCellData( i ) : features.cellData( i );
			} );
			cells.getCellDimensions( pos, min, cellDims );
			part.add( data, ( int ) ( ( p[ 0 ] - min[ 1 ] ) * cellDims[ 0 ] + p[ 1 ] - min[ 0 ] ), cellDims[ 0 ] * cellDims[ 1 ], ( int ) p[ 2 ] );
		}
		return part;
	}
}
