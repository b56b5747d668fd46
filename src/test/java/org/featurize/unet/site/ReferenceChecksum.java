package org.featurize.unet.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A second, independent reading of the updater's checksum rules, used to check the site: it streams the
 * jar's local entries (not its central directory), filters {@code .properties} line by line, and spells the
 * digested byte sequence out. Deliberately written apart from {@link UpdaterChecksum}.
 */
final class ReferenceChecksum
{
	private ReferenceChecksum()
	{}

	static String of( final String dbPath, final Path file ) throws Exception
	{
		return sha1( digestedBytes( dbPath, file ) );
	}

	/** The exact byte sequence the updater feeds to SHA-1 for this file. */
	static byte[] digestedBytes( final String dbPath, final Path file ) throws IOException
	{
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		if ( !dbPath.endsWith( ".jar" ) )
		{
			out.write( dbPath.getBytes( StandardCharsets.US_ASCII ) );
			out.write( Files.readAllBytes( file ) );
			return out.toByteArray();
		}
		final Map< String, byte[] > sorted = new TreeMap<>();
		try ( InputStream in = Files.newInputStream( file ); ZipInputStream zip = new ZipInputStream( in ) )
		{
			for ( ZipEntry e; ( e = zip.getNextEntry() ) != null; )
				sorted.put( e.getName(), zip.readAllBytes() );
		}
		for ( final Map.Entry< String, byte[] > e : sorted.entrySet() )
		{
			out.write( e.getKey().getBytes( StandardCharsets.US_ASCII ) );
			if ( e.getKey().equals( "META-INF/MANIFEST.MF" ) )
				continue;
			out.write( e.getKey().endsWith( ".properties" ) ? properties( e.getValue() ) : e.getValue() );
		}
		return out.toByteArray();
	}

	/**
	 * Line by line: a line that starts a line and begins with {@code #} becomes a bare line break (nothing if
	 * it is the unterminated last line); a line break read at a line start (an empty line, or a line of only
	 * {@code #}) leaves the next line not at a line start, so that line is kept as it is.
	 */
	static byte[] properties( final byte[] content )
	{
		final String text = new String( content, StandardCharsets.ISO_8859_1 );
		final StringBuilder out = new StringBuilder();
		boolean atStart = true;
		int from = 0;
		while ( from < text.length() )
		{
			final int newline = text.indexOf( '\n', from );
			final boolean terminated = newline >= 0;
			final String line = text.substring( from, terminated ? newline : text.length() );
			from = terminated ? newline + 1 : text.length();
			if ( atStart && line.startsWith( "#" ) )
			{
				if ( terminated )
					out.append( '\n' );
				atStart = terminated && !line.matches( "#+" );
			}
			else if ( atStart && line.isEmpty() )
			{
				out.append( '\n' );
				atStart = false;
			}
			else
			{
				out.append( line );
				if ( terminated )
					out.append( '\n' );
				atStart = terminated;
			}
		}
		return out.toString().getBytes( StandardCharsets.ISO_8859_1 );
	}

	static String sha1( final byte[] bytes ) throws Exception
	{
		return HexFormat.of().formatHex( MessageDigest.getInstance( "SHA-1" ).digest( bytes ) );
	}
}
