package org.featurize.unet.site;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Tiny jars written entry by entry, in a chosen order, with chosen entry times and compression. */
final class TestJars
{
	private TestJars()
	{}

	/** Entries in insertion order; a name ending in {@code /} is a directory. */
	static Map< String, byte[] > entries( final String... namesAndTexts )
	{
		final Map< String, byte[] > map = new LinkedHashMap<>();
		for ( int i = 0; i < namesAndTexts.length; i += 2 )
			map.put( namesAndTexts[ i ], namesAndTexts[ i + 1 ].getBytes( StandardCharsets.UTF_8 ) );
		return map;
	}

	static Path write( final Path jar, final Map< String, byte[] > entries ) throws IOException
	{
		return write( jar, entries, Instant.parse( "2026-01-01T00:00:00Z" ), Deflater.DEFAULT_COMPRESSION );
	}

	static Path write( final Path jar, final Map< String, byte[] > entries, final Instant time, final int level )
			throws IOException
	{
		Files.createDirectories( jar.getParent() );
		try ( OutputStream file = Files.newOutputStream( jar ); ZipOutputStream zip = new ZipOutputStream( file ) )
		{
			zip.setLevel( level );
			for ( final Map.Entry< String, byte[] > e : entries.entrySet() )
			{
				final ZipEntry entry = new ZipEntry( e.getKey() );
				entry.setLastModifiedTime( FileTime.from( time ) );
				zip.putNextEntry( entry );
				zip.write( e.getValue() );
				zip.closeEntry();
			}
		}
		return jar;
	}

	/** A POM with the elements the site reads. */
	static String pom( final String groupId, final String artifactId, final String version, final String name,
			final String description )
	{
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				+ "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
				+ "  <modelVersion>4.0.0</modelVersion>\n"
				+ "  <groupId>" + groupId + "</groupId>\n"
				+ "  <artifactId>" + artifactId + "</artifactId>\n"
				+ "  <version>" + version + "</version>\n"
				+ "  <name>" + name + "</name>\n"
				+ "  <description>\n    " + description + "\n  </description>\n"
				+ "  <url>https://example.org/" + artifactId + "</url>\n"
				+ "  <developers><developer><id>ada</id><name>Ada Lovelace</name></developer></developers>\n"
				+ "</project>\n";
	}
}
