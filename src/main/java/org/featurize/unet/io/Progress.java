package org.featurize.unet.io;

/** Receives the progress of a run: planes whose every tile is written, of all planes. */
@FunctionalInterface
public interface Progress
{
	/**
	 * @param planesDone
	 *            planes finished, including those found finished by an earlier run
	 * @param planesTotal
	 *            all planes of the output
	 * @param planesPerSecond
	 *            the rate of this run so far (0 until a plane is done)
	 * @param etaSeconds
	 *            the estimated time left, or -1 when unknown
	 */
	void update( long planesDone, long planesTotal, double planesPerSecond, double etaSeconds );

	Progress NONE = ( done, total, rate, eta ) -> {};

	/**
	 * Passes on at most one update per {@code millis}, never one older than an update passed on before
	 * (workers report out of order), and always the last one.
	 */
	static Progress throttled( final Progress progress, final long millis )
	{
		final long[] last = { Long.MIN_VALUE, -1 }; // time, planes done
		return ( done, total, rate, eta ) -> {
			final long now = System.nanoTime() / 1_000_000;
			synchronized ( last )
			{
				if ( done <= last[ 1 ] || done < total && last[ 0 ] != Long.MIN_VALUE && now - last[ 0 ] < millis )
					return;
				last[ 0 ] = now;
				last[ 1 ] = done;
				progress.update( done, total, rate, eta );
			}
		};
	}
}
