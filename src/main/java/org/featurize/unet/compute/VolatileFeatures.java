package org.featurize.unet.compute;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.volatiles.array.VolatileFloatArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.volatiles.VolatileFloatType;

/**
 * A volatile view of a {@link FeatureImage}'s own cell cache, for viewers that must never wait for a
 * forward pass (BigDataViewer's painter): a cell in the cache is returned valid; any other cell is returned
 * invalid (zeros) at once while a background thread computes it into the cache, most recent request first,
 * and listeners hear when it is ready so the viewer can repaint.
 */
public final class VolatileFeatures
{
	private final FeatureImage features;

	private final LazyCellImg< VolatileFloatType, VolatileFloatArray > image;

	private final Map< Long, Boolean > pending = new ConcurrentHashMap<>();

	private final Map< Integer, VolatileFloatArray > invalid = new ConcurrentHashMap<>();

	private final List< LongConsumer > listeners = new CopyOnWriteArrayList<>();

	private final List< ObjLongConsumer< float[] > > dataListeners = new CopyOnWriteArrayList<>();

	private final ThreadPoolExecutor fetchers;

	VolatileFeatures( final FeatureImage features, final int threads )
	{
		this.features = features;
		final BlockingQueue< Runnable > newestFirst = new LinkedBlockingDeque< Runnable >()
		{
			private static final long serialVersionUID = 1L;

			@Override
			public boolean offer( final Runnable r )
			{
				return super.offerFirst( r );
			}
		};
		this.fetchers = new ThreadPoolExecutor( threads, threads, 10, TimeUnit.SECONDS, newestFirst, r -> {
			final Thread t = new Thread( r, "featurize-volatile-fetcher" );
			t.setDaemon( true );
			return t;
		} );
		this.fetchers.allowCoreThreadTimeOut( true );
		final CellGrid grid = features.cellGrid();
		this.image = new LazyCellImg<>( grid, new VolatileFloatType(), this::cell );
	}

	/** The volatile image, axes as the feature image's. */
	public RandomAccessibleInterval< VolatileFloatType > image()
	{
		return image;
	}

	/** Called with a cell's index when it has been computed and is valid from now on. */
	public void addListener( final LongConsumer listener )
	{
		listeners.add( listener );
	}

	/**
	 * Called, on the thread that computed it, with a cell's features as {@link FeatureImage#cellData} orders them
	 * ((c, y, x), x fastest) and its index, before the {@link #addListener listeners} hear of it. The array is the
	 * cache's own: read it, do not keep or change it.
	 */
	public void addDataListener( final ObjLongConsumer< float[] > listener )
	{
		dataListeners.add( listener );
	}

	/** Cells waiting for or being computed. */
	public int pending()
	{
		return pending.size();
	}

	private Cell< VolatileFloatArray > cell( final long index )
	{
		final long[] pos = features.gridPosition( index );
		final long[] min = new long[ pos.length ];
		final int[] dims = new int[ pos.length ];
		features.cellGrid().getCellDimensions( pos, min, dims );
		final Cell< FloatArray > cached = features.cachedCell( index );
		if ( cached != null )
			return new Cell<>( dims, min, new VolatileFloatArray( cached.getData().getCurrentStorageArray(), true ) );
		if ( pending.putIfAbsent( index, Boolean.TRUE ) == null )
			fetchers.execute( () -> {
				final float[] data;
				try
				{
					data = features.loadedCell( index ).getData().getCurrentStorageArray();
				}
				finally
				{
					pending.remove( index );
				}
				for ( final ObjLongConsumer< float[] > l : dataListeners )
					l.accept( data, index );
				for ( final LongConsumer l : listeners )
					l.accept( index );
			} );
		int size = 1;
		for ( final int d : dims )
			size *= d;
		return new Cell<>( dims, min, invalid.computeIfAbsent( size, n -> new VolatileFloatArray( n, false ) ) );
	}
}
