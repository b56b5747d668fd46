package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.testutil.External;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code bin/featurize} end to end, as a user runs it, with the shipped model: the plain form and the Fiji
 * launcher's form give identical outputs that Python's zarr reads; failures exit non-zero with one line on
 * stderr; a run killed with SIGKILL and started again ends identical to an uninterrupted run.
 */
class LauncherIT
{
	static final Path LAUNCHER = External.projectDir().resolve( "bin/featurize" );

	@TempDir
	static Path shared;

	static Path input;

	@BeforeAll
	static void makeInput()
	{
		input = shared.resolve( "in put é.zarr" ); // spaces and non-ASCII on purpose
		SampleVolume.write( input, 1, 2, 72, 88, 3 );
	}

	/** Runs bin/featurize; returns {exit status, stdout, stderr}. */
	static String[] featurize( final Path cwd, final String... args ) throws Exception
	{
		final List< String > cmd = new ArrayList<>();
		cmd.add( LAUNCHER.toString() );
		cmd.addAll( Arrays.asList( args ) );
		final Path out = Files.createTempFile( cwd, "stdout", ".txt" ), err = Files.createTempFile( cwd, "stderr", ".txt" );
		final Process p = new ProcessBuilder( cmd ).directory( cwd.toFile() ).redirectOutput( out.toFile() ).redirectError( err.toFile() ).start();
		if ( !p.waitFor( 5, TimeUnit.MINUTES ) )
		{
			p.destroyForcibly();
			throw new AssertionError( "bin/featurize did not finish in 5 minutes: " + cmd );
		}
		return new String[] { Integer.toString( p.exitValue() ), Files.readString( out ), Files.readString( err ) };
	}

	/** Every chunk of two arrays is equal (decoded values). */
	static void assertSameArrays( final Path a, final Path b )
	{
		final ZarrArray x = ZarrArray.open( a, "" ), y = ZarrArray.open( b, "" );
		assertArrayEquals( x.shape(), y.shape() );
		final long[] grid = x.gridShape();
		final long[] pos = new long[ grid.length ];
		while ( true )
		{
			assertArrayEquals( ( float[] ) x.readChunk( pos ), ( float[] ) y.readChunk( pos ), "chunk " + Arrays.toString( pos ) );
			int d = grid.length - 1;
			while ( d >= 0 && ++pos[ d ] == grid[ d ] )
				pos[ d-- ] = 0;
			if ( d < 0 )
				return;
		}
	}

	/** The argument list of the README's headless example (Fiji's launcher form), with its paths replaced. */
	static String readmeHeadlessArguments( final Path in, final Path out ) throws IOException
	{
		final String prefix = "ImageJ-linux64 --headless --run UNet \"";
		final List< String > lines = Files.readAllLines( External.projectDir().resolve( "README.md" ) ).stream()
				.filter( l -> l.startsWith( prefix ) ).toList();
		assertEquals( 1, lines.size(), "the README shows one headless example: " + lines );
		final String line = lines.get( 0 );
		return line.substring( prefix.length(), line.lastIndexOf( '"' ) ).replace( "/data/in.zarr", in.toString() ).replace( "/data/out.zarr", out.toString() );
	}

	@Test
	void bothFormsWriteTheSameFeaturesThatPythonReads() throws Exception
	{
		final Path plain = shared.resolve( "plain.zarr" ), fiji = shared.resolve( "fiji.zarr" ), byClass = shared.resolve( "class.zarr" );
		final String[] a = featurize( shared, input.toString(), plain.toString(), "--threads", "2" );
		assertEquals( "0", a[ 0 ], a[ 2 ] );
		assertTrue( a[ 2 ].contains( "planes 2/2 (100%)" ), a[ 2 ] );
		final String[] b = featurize( shared, "--headless", "--run", "UNet", readmeHeadlessArguments( input, fiji ) );
		assertEquals( "0", b[ 0 ], b[ 2 ] );
		final String[] c = featurize( shared, "--headless", "--run", "org.featurize.unet.plugin.FeaturizeCommand",
				"input='" + input + "', output='" + byClass + "', threads=1" );
		assertEquals( "0", c[ 0 ], c[ 2 ] );
		assertSameArrays( plain, fiji );
		assertSameArrays( plain, byClass );

		// Python's zarr reads what we wrote, value for value
		final Path raw = shared.resolve( "plain.raw" );
		final String json = External.run( List.of( External.python().toString(), External.projectDir().resolve( "src/test/python/dump_array.py" ).toString(),
				plain.toString(), raw.toString() ), shared, Duration.ofMinutes( 2 ) );
		final JsonNode meta = new ObjectMapper().readTree( json.strip().lines().reduce( ( x, y ) -> y ).orElseThrow() );
		assertEquals( "[1,2,72,88,16]", meta.get( "shape" ).toString() );
		assertEquals( "<f4", meta.get( "dtype" ).asText() );
		assertEquals( true, meta.get( "attrs" ).get( "featurize" ).get( "complete" ).asBoolean() );
		final float[] python = new float[ 2 * 72 * 88 * 16 ];
		ByteBuffer.wrap( Files.readAllBytes( raw ) ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( python );
		final ZarrArray ours = ZarrArray.open( plain, "" );
		for ( int z = 0; z < 2; z++ )
		{
			final float[] chunk = ( float[] ) ours.readChunk( 0, z, 0, 0, 0 );
			assertArrayEquals( Arrays.copyOfRange( python, z * chunk.length, ( z + 1 ) * chunk.length ), chunk );
		}
	}

	@Test
	void failuresExitNonZeroWithOneLine() throws Exception
	{
		final String[] missing = featurize( shared, shared.resolve( "missing.zarr" ).toString(), shared.resolve( "o1.zarr" ).toString() );
		assertNotEquals( "0", missing[ 0 ] );
		assertOneErrorLine( missing[ 2 ], "missing.zarr" );
		final String[] run = featurize( shared, "--headless", "--run", "UNet", "input='" + input + "',output='" + shared.resolve( "o2.zarr" ) + "',tile=-3" );
		assertNotEquals( "0", run[ 0 ] );
		assertOneErrorLine( run[ 2 ], "tile must be a positive number of pixels, got -3" );
		final String[] unknown = featurize( shared, "--headless", "--run", "NoSuchCommand", "input='x'" );
		assertNotEquals( "0", unknown[ 0 ] );
		assertOneErrorLine( unknown[ 2 ], "no command was run" );
		final String[] help = featurize( shared, "--help" );
		assertEquals( "0", help[ 0 ] );
		assertTrue( help[ 1 ].contains( "Usage: featurize" ) && help[ 1 ].contains( "--threads" ), help[ 1 ] );
	}

	static void assertOneErrorLine( final String stderr, final String expected )
	{
		final List< String > errors = stderr.lines().filter( l -> l.startsWith( "featurize: error: " ) ).toList();
		assertEquals( 1, errors.size(), stderr );
		assertTrue( errors.get( 0 ).contains( expected ), errors.get( 0 ) );
	}

	@Test
	void aRunKilledWithSigkillResumesToTheSameOutput() throws Exception
	{
		final Path big = shared.resolve( "big.zarr" );
		SampleVolume.write( big, 2, 12, 128, 128, 5 );
		final Path reference = shared.resolve( "reference.zarr" ), resumed = shared.resolve( "resumed.zarr" );
		assertEquals( "0", featurize( shared, big.toString(), reference.toString(), "--threads", "2" )[ 0 ] );
		int kills = 0;
		for ( int attempt = 0; attempt < 3 && !complete( resumed ); attempt++ )
		{
			final Process p = new ProcessBuilder( LAUNCHER.toString(), big.toString(), resumed.toString(), "--threads", "2" )
					.directory( shared.toFile() ).redirectErrorStream( true ).redirectOutput( shared.resolve( "killed.log" ).toFile() ).start();
			final long want = 4 + 6 * attempt;
			final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos( 2 );
			while ( p.isAlive() && chunks( resumed ) < want && System.nanoTime() < deadline )
				Thread.sleep( 20 );
			if ( p.isAlive() )
			{
				p.destroyForcibly(); // SIGKILL
				p.waitFor();
				kills++;
			}
		}
		assertTrue( kills > 0, "the run finished before it could be killed" );
		final long before = chunks( resumed );
		assertTrue( before > 0 && before < 24, "killed part-way: " + before + " of 24 chunks" );
		final String[] rerun = featurize( shared, big.toString(), resumed.toString(), "--threads", "2" );
		assertEquals( "0", rerun[ 0 ], rerun[ 2 ] );
		assertTrue( rerun[ 2 ].contains( "Resuming" ), rerun[ 2 ] );
		assertSameArrays( reference, resumed );
		try ( var files = Files.list( resumed ) )
		{
			assertEquals( 0, files.filter( f -> f.getFileName().toString().endsWith( ".partial" ) ).count(), "no partial chunk is left" );
		}
	}

	static long chunks( final Path array ) throws IOException
	{
		if ( !Files.isDirectory( array ) )
			return 0;
		try ( var files = Files.list( array ) )
		{
			return files.filter( f -> !f.getFileName().toString().startsWith( "." ) ).count();
		}
	}

	static boolean complete( final Path array )
	{
		return Files.exists( array.resolve( ".zattrs" ) ) && ZarrArray.open( array, "" ).attributes().toString().contains( "complete=true" );
	}

	/**
	 * Kills {@code p} with SIGKILL at a moment of the test's choosing: once {@code array} holds {@code chunks} finished
	 * chunks (or after two minutes), and then {@code extraMillis} more. Returns whether it was killed (false: it ended
	 * first).
	 */
	static boolean killAfter( final Process p, final Path array, final long chunks, final long extraMillis ) throws Exception
	{
		final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos( 2 );
		while ( p.isAlive() && chunks( array ) < chunks && System.nanoTime() < deadline )
			Thread.sleep( 5 );
		if ( p.waitFor( extraMillis, TimeUnit.MILLISECONDS ) )
			return false;
		p.destroyForcibly(); // SIGKILL
		p.waitFor();
		return true;
	}
}
