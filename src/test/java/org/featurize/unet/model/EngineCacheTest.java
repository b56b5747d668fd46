package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's unpacked libtorch is checked against the jar before it is loaded: a damaged copy (which would crash the JVM
 * when loaded) is deleted so that DJL unpacks it again; an intact one is left as it is.
 */
class EngineCacheTest
{
	@TempDir
	Path root;

	private Path unpacked( final Map< String, Long > sizes ) throws IOException
	{
		final Path dir = Files.createDirectories( root.resolve( "2.7.1-cpu-linux-x86_64" ) );
		for ( final Map.Entry< String, Long > e : sizes.entrySet() )
			Files.write( dir.resolve( e.getKey() ), new byte[ e.getValue().intValue() ] );
		return dir;
	}

	private static Map< String, Long > sizes()
	{
		final Map< String, Long > sizes = new LinkedHashMap<>();
		sizes.put( "libc10.so", 1000L );
		sizes.put( "libtorch_cpu.so", 5000L );
		return sizes;
	}

	@Test
	void anIntactCopyIsLeftAsItIs() throws IOException
	{
		final Path dir = unpacked( sizes() );
		assertEquals( "intact: " + dir, EngineCache.check( dir, sizes() ) );
		assertEquals( 5000, Files.size( dir.resolve( "libtorch_cpu.so" ) ) );
		assertEquals( "absent: " + root.resolve( "other" ), EngineCache.check( root.resolve( "other" ), sizes() ) );
	}

	@Test
	void aTruncatedLibraryDeletesTheCopyForANewOne() throws IOException
	{
		final Path dir = unpacked( sizes() );
		Files.write( dir.resolve( "libtorch_cpu.so" ), new byte[ 1234 ] );
		final String said = EngineCache.check( dir, sizes() );
		assertEquals( "damaged: libtorch_cpu.so is 1234 bytes, the jar's is 5000 bytes; " + dir + " deleted, to be unpacked again", said );
		assertFalse( Files.exists( dir ), "DJL unpacks a fresh copy where none is" );
		try ( Stream< Path > s = Files.list( root ) )
		{
			assertEquals( 0, s.count(), "nothing is left behind" );
		}
	}

	@Test
	void aMissingLibraryToo() throws IOException
	{
		final Path dir = unpacked( sizes() );
		Files.delete( dir.resolve( "libc10.so" ) );
		final String said = EngineCache.check( dir, sizes() );
		assertTrue( said.startsWith( "damaged: libc10.so is missing, the jar's is 1000 bytes" ), said );
		assertFalse( Files.exists( dir ) );
	}

	@Test
	void theRealCopyMatchesTheJarOnTheClassPath()
	{
		DjlEngine.configure( 1 ); // unpacks it if this machine has not yet
		final String said = EngineCache.check();
		assertTrue( said.startsWith( "intact: " ) && said.contains( "pytorch" ), said );
	}
}
