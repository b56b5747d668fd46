package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class NativeCallsTest
{
	@Test
	void drainWaitsForTheCallsInFlightAndThenRefusesNewOnes() throws Exception
	{
		final NativeCalls calls = new NativeCalls();
		final CountDownLatch entered = new CountDownLatch( 1 ), release = new CountDownLatch( 1 );
		final Thread worker = new Thread( () -> {
			calls.enter();
			entered.countDown();
			try
			{
				release.await();
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
			}
			calls.leave();
		} );
		worker.start();
		entered.await();
		assertEquals( 1, calls.inFlight() );

		final AtomicBoolean drained = new AtomicBoolean();
		final Thread exit = new Thread( () -> drained.set( calls.drain( 30, TimeUnit.SECONDS ) ) );
		exit.start();
		exit.join( 300 );
		assertTrue( exit.isAlive(), "the exit waits while a call is in flight" );

		release.countDown();
		exit.join( 30_000 );
		worker.join( 30_000 );
		assertFalse( exit.isAlive() );
		assertTrue( drained.get() );
		assertEquals( 0, calls.inFlight() );
		final CancellationException e = assertThrows( CancellationException.class, calls::enter );
		assertTrue( e.getMessage().startsWith( "Interrupted: the process is shutting down" ), e.getMessage() );
	}

	@Test
	void drainGivesUpAfterItsTimeAndSaysSo()
	{
		final NativeCalls calls = new NativeCalls();
		calls.enter();
		assertFalse( calls.drain( 50, TimeUnit.MILLISECONDS ) );
		assertEquals( 1, calls.inFlight() );
		calls.leave();
		assertTrue( calls.drain( 1, TimeUnit.SECONDS ) );
	}

	@Test
	void callsComeAndGoUntilTheDrain()
	{
		final NativeCalls calls = new NativeCalls();
		for ( int i = 0; i < 3; i++ )
			calls.enter();
		assertEquals( 3, calls.inFlight() );
		for ( int i = 0; i < 3; i++ )
			calls.leave();
		assertEquals( 0, calls.inFlight() );
		assertTrue( calls.drain( 0, TimeUnit.SECONDS ) );
	}
}
