package org.featurize.unet.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.util.Platform;
import ai.djl.util.Utils;

/**
 * DJL's unpacked copy of libtorch, checked before it is loaded. DJL unpacks the libraries of the
 * {@code pytorch-native-*} jar once into its cache folder ({@code ~/.djl.ai/pytorch/<version>-<flavor>-<platform>})
 * and from then on loads whatever is there. A damaged copy (a truncated file after a disk fault, a partly deleted
 * folder) does not fail with an error: loading a truncated {@code libtorch_cpu.so} crashes the JVM (SIGBUS in the
 * dynamic loader), and with it Fiji, on every start, until the folder is deleted by hand. Here each library's size is
 * compared with its entry in the jar; a folder that differs is deleted (it is only a cache), and DJL unpacks a fresh
 * copy.
 */
final class EngineCache
{
	private EngineCache()
	{}

	/**
	 * Checks DJL's unpacked libtorch against the jar on the class path and deletes a damaged copy.
	 *
	 * @return what was found (for logs and tests)
	 */
	static String check()
	{
		try
		{
			final Platform platform = Platform.detectPlatform( "pytorch" );
			if ( platform.isPlaceholder() )
				return "unchecked: no bundled libtorch on the class path";
			final String[] libraries = platform.getLibraries();
			String flavor = platform.getFlavor();
			if ( !flavor.endsWith( "-precxx11" ) && Arrays.asList( libraries ).contains( "libstdc++.so.6" ) )
				flavor += "-precxx11"; // as DJL names that folder
			final Path dir = Utils.getEngineCacheDir( "pytorch" ).resolve( platform.getVersion() + "-" + flavor + "-" + platform.getClassifier() );
			final Map< String, Long > sizes = new LinkedHashMap<>();
			for ( final String library : libraries )
			{
				final long size = size( "pytorch/" + platform.getFlavor() + "/" + platform.getClassifier() + "/" + library );
				if ( size < 0 )
					return "unchecked: no size for " + library + " in the jar";
				sizes.put( library, size );
			}
			return check( dir, sizes );
		}
		catch ( final IOException | RuntimeException e )
		{
			return "unchecked: " + e;
		}
	}

	/**
	 * @param dir
	 *            the unpacked copy
	 * @param sizes
	 *            each library's size in the jar
	 * @return "absent", "intact", or what was wrong (the folder is then deleted)
	 */
	static String check( final Path dir, final Map< String, Long > sizes ) throws IOException
	{
		if ( !Files.isDirectory( dir ) )
			return "absent: " + dir;
		for ( final Map.Entry< String, Long > e : sizes.entrySet() )
		{
			final Path file = dir.resolve( e.getKey() );
			final long size = Files.isRegularFile( file ) ? Files.size( file ) : -1;
			if ( size != e.getValue() )
			{
				// moved first, in one step, so that no other process finds a half-deleted folder; a process that has the
				// libraries loaded keeps them (the files live on while mapped)
				final Path aside = dir.resolveSibling( dir.getFileName() + ".damaged-" + System.currentTimeMillis() );
				Files.move( dir, aside, StandardCopyOption.ATOMIC_MOVE );
				return String.format( "damaged: %s is %s, the jar's is %d bytes; %s deleted, to be unpacked again%s", e.getKey(),
						size < 0 ? "missing" : size + " bytes", e.getValue(), dir, delete( aside ) );
			}
		}
		return "intact: " + dir;
	}

	/** Deletes a folder; "" when done, else what is left. */
	private static String delete( final Path dir )
	{
		try ( Stream< Path > files = Files.walk( dir ) )
		{
			for ( final Path f : files.sorted( Comparator.reverseOrder() ).toList() )
				Files.delete( f );
			return "";
		}
		catch ( final IOException | UncheckedIOException e )
		{
			return " (what could not be deleted is left in " + dir + ": " + e.getMessage() + ")";
		}
	}

	private static long size( final String resource ) throws IOException
	{
		final ClassLoader loader = Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
				: EngineCache.class.getClassLoader();
		URL url = loader.getResource( resource );
		if ( url == null )
			url = EngineCache.class.getClassLoader().getResource( resource );
		if ( url == null )
			return -1;
		final URLConnection c = url.openConnection();
		return c instanceof JarURLConnection ? ( ( JarURLConnection ) c ).getJarEntry().getSize() : c.getContentLengthLong();
	}
}
