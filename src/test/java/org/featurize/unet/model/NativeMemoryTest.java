package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * glibc keeps the memory that forward passes free, so that the next pass reuses it instead of page-faulting fresh
 * mappings; settings given in the environment, or -Dfeaturize.malloc=default, are left alone. Checked by what the
 * kernel counts (minor page faults of 6 blocks of 20 MB allocated, filled and freed by a thread, 4 times), in JVMs of
 * their own.
 */
class NativeMemoryTest
{
	/** The pages of one pass's blocks. */
	private static final long PAGES = NativeMemoryProbe.BLOCKS * NativeMemoryProbe.BYTES / 4096;

	@BeforeAll
	static void glibcOnly() throws IOException
	{
		assumeTrue( System.getProperty( "os.name" ).startsWith( "Linux" ) && Files.exists( Path.of( "/proc/self/stat" ) ) && glibc(),
				"glibc's allocator on Linux (musl and others have no such settings, and NativeMemory leaves them alone)" );
	}

	private static boolean glibc()
	{
		try
		{
			com.sun.jna.NativeLibrary.getInstance( "c" ).getFunction( "gnu_get_libc_version" );
			return true;
		}
		catch ( final UnsatisfiedLinkError e )
		{
			return false;
		}
	}

	@Test
	void freedMemoryIsKeptForTheNextPass() throws Exception
	{
		final List< String > out = probe( "keep", Map.of() );
		assertEquals( "kept: glibc's mmap and trim thresholds are " + NativeMemory.KEEP_BYTES + " bytes, its top pad " + NativeMemory.TOP_PAD_BYTES,
				out.get( 0 ), out.toString() );
		final long[] f = faults( out.get( 1 ) );
		assertTrue( f[ 0 ] >= PAGES * 9 / 10, "the first block is new memory: " + out );
		for ( int i = 1; i < 4; i++ )
			assertTrue( f[ i ] < PAGES / 20, "later passes reuse it: " + out );
	}

	@Test
	void withoutItEveryBlockIsFreshMemory() throws Exception
	{
		final long[] f = faults( probe( "default", Map.of() ).get( 0 ) );
		for ( int i = 0; i < 4; i++ )
			assertTrue( f[ i ] >= PAGES / 2, "glibc's default gives most of it back: " + Arrays.toString( f ) );
	}

	@Test
	void settingsInTheEnvironmentAreLeftAlone() throws Exception
	{
		assertEquals( "unchanged: MALLOC_TRIM_THRESHOLD_ is set", probe( "keep", Map.of( "MALLOC_TRIM_THRESHOLD_", "131072" ) ).get( 0 ) );
		assertEquals( "unchanged: MALLOC_TOP_PAD_ is set", probe( "keep", Map.of( "MALLOC_TOP_PAD_", "131072" ) ).get( 0 ) );
		assertEquals( "unchanged: GLIBC_TUNABLES sets them",
				probe( "keep", Map.of( "GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536" ) ).get( 0 ) );
		final List< String > off = probe( "keep", Map.of(), "-Dfeaturize.malloc=default" );
		assertEquals( "unchanged: -Dfeaturize.malloc=default", off.get( 0 ) );
		assertTrue( faults( off.get( 1 ) )[ 2 ] >= PAGES / 2, off.toString() );
		assertTrue( probe( "keep", Map.of(), "-Dfeaturize.malloc=keep" ).get( 0 ).startsWith( "kept: " ) );
	}

	@Test
	void anUnknownSettingIsRefusedNamingTheValues() throws Exception
	{
		assertEquals( List.of( "ModelException: -Dfeaturize.malloc must be \"keep\" (glibc keeps freed memory for the next forward pass; the default) "
				+ "or \"default\" (glibc's own settings), got \"off\"" ), probe( "keep", Map.of(), "-Dfeaturize.malloc=off" ) );
	}

	private static long[] faults( final String line )
	{
		assertTrue( line.startsWith( "faults " ), line );
		return Arrays.stream( line.substring( 7 ).split( " " ) ).mapToLong( Long::parseLong ).toArray();
	}

	private static List< String > probe( final String mode, final Map< String, String > env, final String... options ) throws Exception
	{
		final List< String > jvm = new ArrayList<>( List.of( "-Xmx64m" ) );
		jvm.addAll( List.of( options ) );
		final ProcessBuilder pb = new ProcessBuilder( External.javaCommand( jvm, NativeMemoryProbe.class, mode ) ).redirectErrorStream( true );
		pb.environment().keySet().removeIf( k -> k.startsWith( "MALLOC_" ) || k.equals( "GLIBC_TUNABLES" ) );
		pb.environment().putAll( env );
		final Process p = pb.start();
		final String text = new String( p.getInputStream().readAllBytes() );
		assertTrue( p.waitFor( 2, TimeUnit.MINUTES ), text );
		assertEquals( 0, p.exitValue(), text );
		return text.strip().lines().toList();
	}
}
