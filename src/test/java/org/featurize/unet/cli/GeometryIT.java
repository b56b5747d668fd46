package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL and resume with the shapes that tiles and chunks now take apart from each other, through bin/featurize and
 * the shipped model: a compute tile that covers several output chunks (which are then written one after the other
 * from it), and an output chunk made of several tiles. Each chunk is still written once, atomically, and a resume
 * ends with the bytes of an uninterrupted run.
 */
class GeometryIT
{
	@TempDir
	static Path shared;

	static Path input;

	@BeforeAll
	static void makeInput()
	{
		input = shared.resolve( "in.zarr" );
		SampleVolume.write( input, 1, 4, 384, 384, 31 );
	}

	@Test
	void aTileCoveringSeveralChunksResumesToTheSameBytes() throws Exception
	{
		killAndResume( "tile-over-chunks", 64, "--tile", "192", "--chunk", "96" );
	}

	@Test
	void aChunkMadeOfSeveralTilesResumesToTheSameBytes() throws Exception
	{
		killAndResume( "chunk-of-tiles", 16, "--tile", "96", "--chunk", "192" );
	}

	private static void killAndResume( final String name, final int chunks, final String... geometry ) throws Exception
	{
		final Path reference = shared.resolve( name + "-reference.zarr" );
		final String[] r = LauncherIT.featurize( shared, args( reference, geometry ) );
		assertEquals( "0", r[ 0 ], r[ 2 ] );
		assertEquals( chunks, LauncherIT.chunks( reference ) );
		final Random random = new Random( name.hashCode() );
		final List< Long > kept = new ArrayList<>();
		for ( int cycle = 0; cycle < 2; cycle++ )
		{
			final Path output = shared.resolve( name + "-killed-" + cycle + ".zarr" );
			for ( int k = 0; k < 2; k++ )
			{
				final Process p = start( output, shared.resolve( name + "-kill-" + cycle + "-" + k + ".log" ), geometry );
				LauncherIT.killAfter( p, output, 1 + random.nextInt( chunks / 2 ), random.nextInt( 200 ) );
			}
			kept.add( LauncherIT.chunks( output ) );
			final Path log = shared.resolve( name + "-resume-" + cycle + ".log" );
			final Process resume = start( output, log, geometry );
			assertTrue( resume.waitFor( 5, TimeUnit.MINUTES ), "resume finished" );
			assertEquals( 0, resume.exitValue(), Files.readString( log ) );
			LauncherIT.assertSameArrays( reference, output );
			assertEquals( chunks, LauncherIT.chunks( output ) );
			final ZarrArray a = ZarrArray.open( reference, "" ), b = ZarrArray.open( output, "" );
			for ( long z = 0; z < 4; z++ )
				for ( long y = 0; y < a.gridShape()[ 2 ]; y++ )
					for ( long x = 0; x < a.gridShape()[ 3 ]; x++ )
						org.junit.jupiter.api.Assertions.assertArrayEquals( ( float[] ) a.readChunk( 0, z, y, x, 0 ), ( float[] ) b.readChunk( 0, z, y, x, 0 ) );
		}
		System.out.printf( "Kill -9 and resume, %s (%s): chunks kept before resuming %s of %d; every final output identical%n", name,
				String.join( " ", geometry ), kept, chunks );
	}

	private static String[] args( final Path output, final String... geometry )
	{
		final List< String > args = new ArrayList<>( List.of( input.toString(), output.toString(), "--threads", "2" ) );
		args.addAll( List.of( geometry ) );
		return args.toArray( String[]::new );
	}

	private static Process start( final Path output, final Path log, final String... geometry ) throws Exception
	{
		final List< String > cmd = new ArrayList<>( List.of( LauncherIT.LAUNCHER.toString() ) );
		cmd.addAll( List.of( args( output, geometry ) ) );
		return new ProcessBuilder( cmd ).directory( shared.toFile() ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
	}
}
