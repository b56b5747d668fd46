package org.featurize.unet.ome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.zarr.ZarrException;

/**
 * Runs a task for each index {@code 0 .. count - 1} on several threads that take indices in order. The first
 * failure stops the others; a cancellation (the caller's flag or an interrupt) stops them after their current
 * index and ends in a {@link CancellationException}. What was finished stays finished.
 */
final class ParallelChunks
{
	private ParallelChunks()
	{}

	static void forEach( final long count, final int threads, final BooleanSupplier cancelled, final LongConsumer task,
			final Supplier< String > cancelMessage, final String writing )
	{
		final AtomicLong next = new AtomicLong();
		final AtomicBoolean stop = new AtomicBoolean();
		final Runnable worker = () -> {
			for ( long i = next.getAndIncrement(); i < count; i = next.getAndIncrement() )
			{
				if ( stop.get() || cancelled.getAsBoolean() || Thread.currentThread().isInterrupted() )
				{
					stop.set( true );
					return;
				}
				task.accept( i );
			}
		};
		final ExecutorService pool = Executors.newFixedThreadPool( threads, r -> {
			final Thread t = new Thread( r, "featurize-ome-writer" );
			t.setDaemon( true );
			return t;
		} );
		try
		{
			final List< Future< ? > > futures = new ArrayList<>();
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
					throw new CancellationException( cancelMessage.get() );
				}
			}
			if ( failure instanceof ZarrException )
				throw new OutputException( "Writing " + writing + " failed: " + failure.getMessage()
						+ "; finished chunks are kept: run again with the same parameters to resume", failure );
			if ( failure instanceof RuntimeException )
				throw ( RuntimeException ) failure;
			if ( failure instanceof Error )
				throw ( Error ) failure;
			if ( failure != null )
				throw new FeaturizeException( "Featurizing failed: " + failure, failure );
			if ( stop.get() )
				throw new CancellationException( cancelMessage.get() );
		}
		finally
		{
			pool.shutdownNow();
		}
	}
}
