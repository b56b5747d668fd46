package org.featurize.unet.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;

/**
 * Computes and writes every chunk of a feature image that its output lacks, from several worker threads
 * that take chunks in order, so that planes finish one after the other. Each chunk is written atomically by
 * the Zarr layer, so a chunk that exists is complete and is skipped: that is how an interrupted run resumes.
 * The first failure stops the other workers; finished chunks stay.
 */
public final class FeatureWriter
{
	private final FeatureImage features;

	private final FeatureLayout layout;

	private final ZarrArray array;

	private final int threads;

	public FeatureWriter( final FeatureImage features, final ZarrArray array, final int threads )
	{
		if ( threads < 1 )
			throw new FeaturizeException( "Threads must be at least 1, got " + threads );
		this.features = features;
		this.layout = new FeatureLayout( features );
		this.array = array;
		this.threads = threads;
	}

	/** What a run did. */
	public static final class Result
	{
		public final long chunksWritten, chunksSkipped, planes;

		public final double seconds;

		Result( final long written, final long skipped, final long planes, final double seconds )
		{
			this.chunksWritten = written;
			this.chunksSkipped = skipped;
			this.planes = planes;
			this.seconds = seconds;
		}
	}

	/**
	 * Writes the missing chunks.
	 *
	 * @param cancelled
	 *            polled before each chunk; when it says true the workers stop after their current chunk and
	 *            a {@link CancellationException} is thrown (as when the calling thread is interrupted)
	 */
	public Result write( final Progress progress, final BooleanSupplier cancelled )
	{
		final long cells = features.numCells();
		final long planes = features.planes();
		final long tilesPerPlane = cells / Math.max( 1, planes );
		final AtomicIntegerArray tilesDone = new AtomicIntegerArray( ( int ) Math.min( planes, Integer.MAX_VALUE ) );
		final AtomicLong next = new AtomicLong(), written = new AtomicLong(), skipped = new AtomicLong(), planesDone = new AtomicLong();
		final AtomicBoolean stop = new AtomicBoolean();
		final long start = System.nanoTime();
		final Runnable worker = () -> {
			for ( long i = next.getAndIncrement(); i < cells; i = next.getAndIncrement() )
			{
				if ( stop.get() || cancelled.getAsBoolean() || Thread.currentThread().isInterrupted() )
				{
					stop.set( true );
					return;
				}
				final long[] chunk = layout.chunkPosition( i );
				if ( array.chunkExists( chunk ) )
					skipped.incrementAndGet();
				else
				{
					try
					{
						array.writeChunk( chunk, layout.toChunk( features.cellData( i ), i ) );
					}
					catch ( final RuntimeException | Error e )
					{
						stop.set( true ); // the other workers stop after their current chunk
						throw e;
					}
					written.incrementAndGet();
				}
				final int plane = ( int ) layout.plane( i );
				if ( tilesDone.incrementAndGet( plane ) == tilesPerPlane )
				{
					final long done = planesDone.incrementAndGet();
					final double elapsed = ( System.nanoTime() - start ) * 1e-9;
					final double tileRate = written.get() / Math.max( elapsed, 1e-9 );
					final double rate = tileRate / tilesPerPlane;
					final long tilesLeft = cells - written.get() - skipped.get();
					progress.update( done, planes, written.get() == 0 ? 0 : rate, tileRate > 0 ? tilesLeft / tileRate : -1 );
				}
			}
		};
		final ExecutorService pool = Executors.newFixedThreadPool( threads, r -> {
			final Thread t = new Thread( r, "featurize-writer" );
			t.setDaemon( true );
			return t;
		} );
		final List< Future< ? > > futures = new ArrayList<>();
		try
		{
			for ( int t = 0; t < threads; t++ )
				futures.add( pool.submit( worker ) );
			Throwable failure = null;
			for ( final Future< ? > f : futures )
			{
				try
				{
					f.get();
				}
				catch ( final ExecutionException e )
				{
					stop.set( true );
					if ( failure == null )
						failure = e.getCause();
				}
				catch ( final InterruptedException e )
				{
					stop.set( true );
					pool.shutdownNow();
					Thread.currentThread().interrupt();
					throw new CancellationException( cancelMessage( planesDone.get(), planes ) );
				}
			}
			if ( failure != null )
				throw describe( failure );
			if ( stop.get() )
				throw new CancellationException( cancelMessage( planesDone.get(), planes ) );
			return new Result( written.get(), skipped.get(), planes, ( System.nanoTime() - start ) * 1e-9 );
		}
		finally
		{
			pool.shutdownNow();
		}
	}

	private String cancelMessage( final long done, final long planes )
	{
		return String.format( "Cancelled after %d of %d planes; finished chunks are kept in %s: run again with the same parameters to resume",
				done, planes, array.path() );
	}

	private RuntimeException describe( final Throwable failure )
	{
		if ( failure instanceof ZarrException )
			return new OutputException( "Writing " + array.path() + " failed: " + failure.getMessage()
					+ "; finished chunks are kept: run again with the same parameters to resume", failure );
		if ( failure instanceof RuntimeException )
			return ( RuntimeException ) failure;
		if ( failure instanceof Error )
			throw ( Error ) failure;
		return new FeaturizeException( "Featurizing failed: " + failure, failure );
	}
}
