package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the output lies on a tmpfs of a few hundred kB that the test mounts (as root, which
 * CI is). The run fails with a message that says so, keeps its finished chunks and leaves no partial one;
 * after space is freed a rerun completes, identical to a run that never failed.
 */
class FullDiskIT
{
	static int sh( final String... cmd ) throws Exception
	{
		final Process p = new ProcessBuilder( cmd ).redirectErrorStream( true ).start();
		if ( !p.waitFor( 30, TimeUnit.SECONDS ) )
		{
			p.destroyForcibly();
			return -1;
		}
		return p.exitValue();
	}

	@Test
	void failsClearlyThenResumesAfterSpaceIsFreed( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "in.zarr" ), reference = dir.resolve( "reference.zarr" );
		SampleVolume.write( input, 1, 16, 64, 64, 9 );
		FeaturizerTest.run( FeaturizeRequest.of( input ).output( reference ).model( Fixtures.TINY_MODEL ) );

		final Path disk = Files.createDirectories( dir.resolve( "small-disk" ) );
		if ( sh( "mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString() ) != 0 )
		{
			if ( System.getenv( "CI" ) != null )
				fail( "cannot mount a tmpfs (the full-disk test needs root)" );
			Assumptions.abort( "cannot mount a tmpfs here (needs root): full-disk test skipped" );
		}
		try
		{
			final Path output = disk.resolve( "features.zarr" );
			final FeaturizeRequest request = FeaturizeRequest.of( input ).output( output ).model( Fixtures.TINY_MODEL ).threads( 2 );
			final OutputException e = assertThrows( OutputException.class, () -> FeaturizerTest.run( request ) );
			assertTrue( e.getMessage().contains( "No space left on device" ), e.getMessage() );
			assertTrue( e.getMessage().contains( "run again with the same parameters to resume" ), e.getMessage() );
			final List< Path > partial;
			try ( var files = Files.walk( output ) )
			{
				partial = files.filter( f -> f.getFileName().toString().endsWith( ".partial" ) ).toList();
			}
			assertTrue( partial.isEmpty(), "no partial chunk is left: " + partial );
			final long kept = chunks( output );
			assertTrue( kept > 0 && kept < 16, "some chunks were finished before the disk filled up: " + kept );
			assertFalse( ZarrArray.open( output, "" ).attributes().toString().contains( "complete=true" ) );

			assertTrue( sh( "mount", "-o", "remount,size=16m", disk.toString() ) == 0, "space freed" );
			FeaturizerTest.run( request );
			final ZarrArray a = ZarrArray.open( reference, "" ), b = ZarrArray.open( output, "" );
			for ( long z = 0; z < 16; z++ )
				assertArrayEquals( ( float[] ) a.readChunk( 0, z, 0, 0, 0 ), ( float[] ) b.readChunk( 0, z, 0, 0, 0 ), "plane " + z );
			System.out.println( "Full disk: " + kept + " of 16 chunks kept when the 256 kB disk filled up; the rerun completed identical" );
		}
		finally
		{
			sh( "umount", "-l", disk.toString() );
		}
	}

	@Test
	void aReadOnlyFolderIsRefusedClearly( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final Path readOnly = Files.createDirectories( dir.resolve( "read-only" ) );
		if ( sh( "mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", readOnly.toString() ) != 0 )
		{
			if ( System.getenv( "CI" ) != null )
				fail( "cannot mount a read-only tmpfs (the test needs root)" );
			Assumptions.abort( "cannot mount a read-only tmpfs here (needs root): test skipped" );
		}
		try
		{
			final OutputException e = assertThrows( OutputException.class,
					() -> FeaturizerTest.run( FeaturizeRequest.of( input ).output( readOnly.resolve( "out.zarr" ) ).model( Fixtures.TINY_MODEL ) ) );
			assertTrue( e.getMessage().contains( "Read-only file system" ) && e.getMessage().contains( "out.zarr" ), e.getMessage() );
			System.out.println( "Read-only output: " + e.getMessage() );
		}
		finally
		{
			sh( "umount", "-l", readOnly.toString() );
		}
	}

	/** Chunk files of an array: every file but hidden ones (metadata, temporary files). */
	static long chunks( final Path array ) throws Exception
	{
		try ( var files = Files.list( array ) )
		{
			return files.filter( f -> !f.getFileName().toString().startsWith( "." ) ).count();
		}
	}
}
