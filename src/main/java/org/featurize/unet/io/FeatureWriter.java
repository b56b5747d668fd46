package org.featurize.unet.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;

/**
 * Computes and writes every chunk of a feature image that its output lacks, from several worker threads
 * that take chunks in order (the chunks that share a compute tile together), so that planes finish one after the
 * other. Each chunk is written atomically by
 * the Zarr layer, so a chunk that exists is complete and is skipped: that is how an interrupted run resumes.
 * The first failure stops the other workers; finished chunks stay.
 */
public final class FeatureWriter
{
	private final FeatureImage features;

	private final FeatureLayout layout;

	private final ZarrArray array;

	private final int threads;

	private final StoredValues stored;

	/** Writes the values exactly as the output's type holds them. */
	public FeatureWriter( final FeatureImage features, final ZarrArray array, final int threads )
	{
		this( features, array, threads, StoredValues.exact( OutputType.of( array.dataType() ) ) );
	}

	/** Writes the values as {@code stored} says (rounded to fewer mantissa bits, range-checked). */
	public FeatureWriter( final FeatureImage features, final ZarrArray array, final int threads, final StoredValues stored )
	{
		if ( threads < 1 )
			throw new FeaturizeException( "Threads must be at least 1, got " + threads );
		if ( array.dataType() != stored.type().dataType() )
			throw new IllegalArgumentException( "Output " + array.path() + " holds " + array.dataType() + ", not the " + stored.type().label() + " to write" );
		this.features = features;
		this.layout = new FeatureLayout( features );
		this.array = array;
		this.threads = threads;
		this.stored = stored;
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
	 * Writes the missing chunks. Compute workers hand each finished chunk to as many writer threads, which
	 * encode and write it (a chunk is made durable before its rename, and waiting for the disk must not stall
	 * the model); when the writers fall behind, a compute worker writes its chunk itself, so at most
	 * {@code 2 * threads} finished chunks wait in memory.
	 *
	 * @param cancelled
	 *            polled before each chunk; when it says true the workers stop after their current chunk (which
	 *            is still written) and a {@link CancellationException} is thrown (as when the calling thread is
	 *            interrupted)
	 */
	public Result write( final Progress progress, final BooleanSupplier cancelled )
	{
		final long cells = features.numCells();
		final long planes = features.planes();
		final long tilesPerPlane = cells / Math.max( 1, planes );
		final AtomicIntegerArray tilesDone = new AtomicIntegerArray( ( int ) Math.min( planes, Integer.MAX_VALUE ) );
		final AtomicLong next = new AtomicLong(), written = new AtomicLong(), skipped = new AtomicLong(), planesDone = new AtomicLong();
		final AtomicBoolean stop = new AtomicBoolean();
		final AtomicReference< Throwable > failure = new AtomicReference<>();
		final long start = System.nanoTime();
		final LongConsumer done = i -> {
			final int plane = ( int ) layout.plane( i );
			if ( tilesDone.incrementAndGet( plane ) == tilesPerPlane )
			{
				final long finished = planesDone.incrementAndGet();
				final double elapsed = ( System.nanoTime() - start ) * 1e-9;
				final double tileRate = written.get() / Math.max( elapsed, 1e-9 );
				final long tilesLeft = cells - written.get() - skipped.get();
				progress.update( finished, planes, written.get() == 0 ? 0 : tileRate / tilesPerPlane, tileRate > 0 ? tilesLeft / tileRate : -1 );
			}
		};
		// chunk buffers, reused: at most 3 * threads are in flight (being computed, queued, being written)
		final Queue< byte[] > buffers = new ConcurrentLinkedQueue<>();
		final int chunkBytes = layout.chunkBytes( stored.type() );
		final ThreadPoolExecutor writers = new ThreadPoolExecutor( threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>( threads ),
				daemons( "featurize-chunk-writer" ), new ThreadPoolExecutor.CallerRunsPolicy() );
		final long groups = features.cellGroups(); // the chunks that share a tile, taken by one worker together
		final Runnable worker = () -> {
			for ( long g = next.getAndIncrement(); g < groups; g = next.getAndIncrement() )
			{
				final long[] range = features.cellGroup( g );
				for ( long k = range[ 0 ]; k < range[ 1 ]; k++ )
				{
					if ( stop.get() || cancelled.getAsBoolean() || Thread.currentThread().isInterrupted() )
					{
						stop.set( true );
						return;
					}
					final long index = features.orderedCell( k );
					final long[] chunk = layout.chunkPosition( index );
					if ( array.chunkExists( chunk ) )
					{
						skipped.incrementAndGet();
						done.accept( index );
						continue;
					}
					final byte[] pooled = buffers.poll(), raw = pooled != null ? pooled : new byte[ chunkBytes ];
					try
					{
						layout.encodeChunk( index, stored, array.byteOrder(), raw,
								() -> "chunk " + Arrays.toString( chunk ) + " of " + array.path() );
					}
					catch ( final RuntimeException | Error e )
					{
						fail( stop, failure, e );
						return;
					}
					writers.execute( () -> { // a computed chunk is written even after another failed: it is good work
						try
						{
							array.writeChunkBytes( chunk, raw );
							written.incrementAndGet();
							done.accept( index );
						}
						catch ( final RuntimeException | Error e )
						{
							fail( stop, failure, e );
						}
						finally
						{
							buffers.offer( raw );
						}
					} );
				}
			}
		};
		final ExecutorService pool = Executors.newFixedThreadPool( threads, daemons( "featurize-worker" ) );
		final List< Future< ? > > futures = new ArrayList<>();
		try
		{
			for ( int t = 0; t < threads; t++ )
				futures.add( pool.submit( worker ) );
			for ( final Future< ? > f : futures )
				f.get();
			writers.shutdown();
			writers.awaitTermination( Long.MAX_VALUE, TimeUnit.DAYS );
		}
		catch ( final InterruptedException e )
		{
			stop.set( true );
			Thread.currentThread().interrupt();
			throw new CancellationException( cancelMessage( planesDone.get(), planes ) );
		}
		catch ( final ExecutionException e )
		{
			fail( stop, failure, e.getCause() );
		}
		finally
		{
			pool.shutdownNow();
			writers.shutdownNow();
		}
		if ( failure.get() != null )
			throw describe( failure.get() );
		if ( stop.get() )
			throw new CancellationException( cancelMessage( planesDone.get(), planes ) );
		return new Result( written.get(), skipped.get(), planes, ( System.nanoTime() - start ) * 1e-9 );
	}

	/** Records the first failure and stops every worker after its current chunk. */
	private static void fail( final AtomicBoolean stop, final AtomicReference< Throwable > failure, final Throwable e )
	{
		failure.compareAndSet( null, e );
		stop.set( true );
	}

	private static ThreadFactory daemons( final String name )
	{
		return r -> {
			final Thread t = new Thread( r, name );
			t.setDaemon( true );
			return t;
		};
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
