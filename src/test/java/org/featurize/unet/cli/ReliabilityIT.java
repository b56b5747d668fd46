package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults against {@code bin/featurize} as a user meets them, with the shipped model: SIGKILL at random
 * moments then a resume, two runs on one output at once, and a volume 8 times larger than the others with the
 * heap capped at 1 GB (peak RSS reported).
 */
class ReliabilityIT
{
	@TempDir
	static Path shared;

	static Path input;

	static Path reference;

	@BeforeAll
	static void makeReference() throws Exception
	{
		input = shared.resolve( "in.zarr" );
		SampleVolume.write( input, 1, 16, 384, 384, 21 );
		reference = shared.resolve( "reference.zarr" );
		final String[] r = LauncherIT.featurize( shared, input.toString(), reference.toString(), "--threads", "2" );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
	}

	static Process start( final Path output, final Path log ) throws Exception
	{
		return new ProcessBuilder( LauncherIT.LAUNCHER.toString(), input.toString(), output.toString(), "--threads", "2" )
				.directory( shared.toFile() ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
	}

	@Test
	void sigkillAtRandomMomentsThenResumeEndsIdentical() throws Exception
	{
		final Random random = new Random( 20261125 );
		final int cycles = 4;
		int killed = 0;
		final List< Long > keptChunks = new ArrayList<>();
		for ( int cycle = 0; cycle < cycles; cycle++ )
		{
			final Path output = shared.resolve( "killed-" + cycle + ".zarr" );
			int kills = 0;
			// one to three kills per cycle, each at a random moment of a run (from JVM start to the last chunk)
			final int wanted = 1 + random.nextInt( 3 );
			for ( int k = 0; k < wanted; k++ )
			{
				final Process p = start( output, shared.resolve( "kill-" + cycle + "-" + k + ".log" ) );
				// a random moment: after a random number of finished chunks (0 to 15), then up to 300 ms more
				if ( LauncherIT.killAfter( p, output, random.nextInt( 16 ), random.nextInt( 300 ) ) )
					kills++;
			}
			killed += kills;
			keptChunks.add( LauncherIT.chunks( output ) );
			final Path log = shared.resolve( "resume-" + cycle + ".log" );
			final Process resume = start( output, log );
			assertTrue( resume.waitFor( 5, TimeUnit.MINUTES ), "resume finished" );
			final String text = Files.readString( log );
			if ( LauncherIT.complete( output ) && text.contains( "already exists and is complete" ) )
				assertNotEquals( 0, resume.exitValue() ); // a run finished before its kill: nothing to resume
			else
				assertEquals( 0, resume.exitValue(), text );
			LauncherIT.assertSameArrays( reference, output );
		}
		System.out.printf( "Kill -9 and resume: %d cycles, %d SIGKILLs at random moments, chunks kept before "
				+ "resuming %s of 16; every final output identical to the reference%n", cycles, killed, keptChunks );
		assertTrue( killed >= cycles, "at least one kill per cycle landed: " + killed );
	}

	@Test
	void aSecondRunOnTheSameOutputIsRefusedAndTheFirstCompletes() throws Exception
	{
		// long enough (64 planes on one thread, seconds) that the second JVM reaches the output while the first writes
		final Path longInput = shared.resolve( "contended-in.zarr" ), output = shared.resolve( "contended.zarr" );
		SampleVolume.write( longInput, 1, 64, 384, 384, 23 );
		final Process first = new ProcessBuilder( LauncherIT.LAUNCHER.toString(), longInput.toString(), output.toString(), "--threads", "1",
				"--intra-op-threads", "1" ).directory( shared.toFile() ).redirectErrorStream( true ).redirectOutput( shared.resolve( "first.log" ).toFile() ).start();
		final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos( 2 );
		while ( first.isAlive() && LauncherIT.chunks( output ) == 0 && System.nanoTime() < deadline )
			Thread.sleep( 20 );
		assertTrue( first.isAlive(), "the first run is still writing" );
		final String[] second = LauncherIT.featurize( shared, longInput.toString(), output.toString(), "--threads", "2" );
		assertNotEquals( "0", second[ 0 ] );
		LauncherIT.assertOneErrorLine( second[ 2 ], "is being written by another run (pid " + first.pid() );
		assertTrue( first.waitFor( 5, TimeUnit.MINUTES ) );
		assertEquals( 0, first.exitValue(), Files.readString( shared.resolve( "first.log" ) ) );
		final Path longReference = shared.resolve( "contended-reference.zarr" );
		final String[] r = LauncherIT.featurize( shared, longInput.toString(), longReference.toString(), "--threads", "2" );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		LauncherIT.assertSameArrays( longReference, output );
	}

	@Test
	void aVolumeEightTimesLargerRunsInAOneGigabyteHeap() throws Exception
	{
		final Path big = shared.resolve( "big.zarr" );
		SampleVolume.write( big, 2, 16, 768, 768, 22 ); // 8 x the pixels of the largest other test volume
		final long small = peakRss( input, shared.resolve( "rss-small.zarr" ) );
		final long large = peakRss( big, shared.resolve( "rss-large.zarr" ) );
		System.out.printf( "Peak RSS with -Xmx1g: %d MB for 1 x 16 x 384 x 384, %d MB for 2 x 16 x 768 x 768 (8x the pixels), ratio %.2f%n",
				small >> 10, large >> 10, ( double ) large / small );
		assertTrue( large > 0 && small > 0 );
	}

	/** Runs bin/featurize with a 1 GB heap under GNU time; returns the peak resident set in kB. */
	static long peakRss( final Path in, final Path out ) throws Exception
	{
		final Path time = Path.of( "/usr/bin/time" );
		final List< String > cmd = new ArrayList<>();
		if ( Files.isExecutable( time ) )
			cmd.addAll( List.of( time.toString(), "-f", "PEAK_RSS_KB %M" ) );
		cmd.addAll( List.of( LauncherIT.LAUNCHER.toString(), in.toString(), out.toString(), "--threads", "2" ) );
		final ProcessBuilder pb = new ProcessBuilder( cmd ).directory( shared.toFile() ).redirectErrorStream( true )
				.redirectOutput( shared.resolve( out.getFileName() + ".log" ).toFile() );
		pb.environment().put( "JAVA_OPTS", "-Xmx1g" );
		final Process p = pb.start();
		assertTrue( p.waitFor( 5, TimeUnit.MINUTES ), "finished" );
		final String log = Files.readString( shared.resolve( out.getFileName() + ".log" ) );
		assertEquals( 0, p.exitValue(), log );
		return log.lines().filter( l -> l.startsWith( "PEAK_RSS_KB " ) ).mapToLong( l -> Long.parseLong( l.substring( 12 ).trim() ) )
				.findFirst().orElse( -1 );
	}
}
