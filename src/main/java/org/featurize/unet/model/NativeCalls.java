package org.featurize.unet.model;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the engine's native calls out of the process's exit. When the JVM exits on a signal (Ctrl-C, {@code kill},
 * {@code timeout}, a cluster scheduler's SIGTERM), the C library runs libtorch's static destructors while worker
 * threads may still be inside a forward pass, and the process dies with SIGSEGV in libtorch and a crash report in its
 * working directory. So every forward pass enters here and leaves here, and a shutdown hook closes the door: passes
 * in flight finish (for at most {@link #DRAIN_SECONDS}), a pass that would start after that is refused with a
 * {@link CancellationException}. What was written before stays as after {@code kill -9}: whole chunks, resumable.
 */
public final class NativeCalls
{
	/** The longest the exit waits for forward passes in flight. */
	static final long DRAIN_SECONDS = 60;

	static final NativeCalls SHARED = new NativeCalls();

	static
	{
		Runtime.getRuntime().addShutdownHook( new Thread( () -> SHARED.drain( DRAIN_SECONDS, TimeUnit.SECONDS ), "featurize-native-drain" ) );
	}

	private int inFlight;

	private boolean closed;

	NativeCalls()
	{}

	/** Enters a native call; refused once the process is shutting down. */
	synchronized void enter()
	{
		if ( closed )
			throw new CancellationException( "Interrupted: the process is shutting down (run again with the same parameters to resume)" );
		inFlight++;
	}

	/** Leaves a native call entered with {@link #enter()}. */
	synchronized void leave()
	{
		inFlight--;
		notifyAll();
	}

	/**
	 * Refuses new calls and waits until those in flight have left, at most the given time.
	 *
	 * @return whether none is left in flight
	 */
	synchronized boolean drain( final long time, final TimeUnit unit )
	{
		closed = true;
		final long end = System.nanoTime() + unit.toNanos( time );
		long left;
		while ( inFlight > 0 && ( left = end - System.nanoTime() ) > 0 )
		{
			try
			{
				TimeUnit.NANOSECONDS.timedWait( this, left );
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
				break;
			}
		}
		return inFlight == 0;
	}

	/** Calls in flight now. */
	synchronized int inFlight()
	{
		return inFlight;
	}
}
