package org.featurize.unet.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The checksum the ImageJ updater records for a file and recomputes after a download and on every local
 * file. It is not a plain SHA-1 of the file:
 * <ul>
 * <li>a {@code .jar} is digested entry by entry, sorted by name, each entry contributing its name's ASCII
 * bytes and then its uncompressed content, so that zip order, timestamps and compression do not matter;
 * {@code *.properties} entries lose their {@code #} comment lines (Maven writes a build date there) and
 * {@code META-INF/MANIFEST.MF} contributes its name only;</li>
 * <li>any other file is digested as its path in the database (ASCII) followed by its bytes.</li>
 * </ul>
 * The result is lowercase hex. Written from the updater's description of the format (its
 * {@code UpdaterUtil.getDigest}, {@code SkipHashedLines} and {@code FilterManifest}), quirks included.
 */
public final class UpdaterChecksum
{
	private static final String MANIFEST = "META-INF/MANIFEST.MF";

	private UpdaterChecksum()
	{}

	/**
	 * The updater's checksum of {@code file} stored under {@code dbPath} (e.g. {@code jars/foo-1.0.jar}).
	 */
	public static String of( final String dbPath, final Path file )
	{
		return dbPath.endsWith( ".jar" ) ? ofJar( file ) : ofFile( dbPath, file );
	}

	/** The checksum of a non-jar file: SHA-1 over the path's ASCII bytes, then the content. */
	public static String ofFile( final String dbPath, final Path file )
	{
		final MessageDigest digest = sha1();
		digest.update( dbPath.getBytes( StandardCharsets.US_ASCII ) );
		try ( InputStream in = Files.newInputStream( file ) )
		{
			update( digest, in );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + file + " to checksum it", e );
		}
		return hex( digest.digest() );
	}

	/** The checksum of a jar: entries sorted by name, names and (filtered) contents. */
	public static String ofJar( final Path jar )
	{
		final MessageDigest digest = sha1();
		try ( JarFile zip = new JarFile( jar.toFile(), false ) )
		{
			final List< JarEntry > entries = new ArrayList<>( Collections.list( zip.entries() ) );
			entries.sort( Comparator.comparing( JarEntry::getName ) );
			for ( final JarEntry entry : entries )
			{
				final String name = entry.getName();
				digest.update( name.getBytes( StandardCharsets.US_ASCII ) );
				if ( name.equals( MANIFEST ) )
					continue;
				try ( InputStream in = zip.getInputStream( entry ) )
				{
					if ( name.endsWith( ".properties" ) )
						digest.update( withoutCommentLines( in.readAllBytes() ) );
					else
						update( digest, in );
				}
			}
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + jar + " as a jar to checksum it", e );
		}
		return hex( digest.digest() );
	}

	/**
	 * The bytes of a {@code .properties} entry as the updater digests them: a line that starts with
	 * {@code #} at the start of a line contributes only its {@code \n}. Two quirks of the updater's filter
	 * are kept, since checksums must agree byte for byte: a line break read at the start of a line (an
	 * empty line, or the end of a line made only of {@code #}) does not count as the start of the next line,
	 * so a comment right after it is kept; and a comment on the last line without a final {@code \n}
	 * contributes nothing.
	 */
	static byte[] withoutCommentLines( final byte[] in )
	{
		final ByteArrayOutputStream out = new ByteArrayOutputStream( in.length );
		boolean atLineStart = true;
		int i = 0;
		while ( i < in.length )
		{
			final byte b = in[ i++ ];
			if ( !atLineStart )
			{
				out.write( b );
				atLineStart = b == '\n';
			}
			else if ( b != '#' )
			{
				out.write( b );
				atLineStart = false;
			}
			else
			{
				// A comment: further '#' still count as the line start; the first other byte decides.
				while ( i < in.length && in[ i ] == '#' )
					i++;
				if ( i == in.length )
					break;
				if ( in[ i ] == '\n' )
				{
					i++;
					out.write( '\n' );
					atLineStart = false;
					continue;
				}
				while ( i < in.length && in[ i ] != '\n' )
					i++;
				if ( i == in.length )
					break;
				i++;
				out.write( '\n' );
				atLineStart = true;
			}
		}
		return out.toByteArray();
	}

	private static void update( final MessageDigest digest, final InputStream in ) throws IOException
	{
		final byte[] buffer = new byte[ 1 << 16 ];
		for ( int n; ( n = in.read( buffer ) ) >= 0; )
			digest.update( buffer, 0, n );
	}

	private static MessageDigest sha1()
	{
		try
		{
			return MessageDigest.getInstance( "SHA-1" );
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new SiteException( "This JVM offers no SHA-1, which every Java platform must", e );
		}
	}

	static String hex( final byte[] bytes )
	{
		final StringBuilder sb = new StringBuilder( 2 * bytes.length );
		for ( final byte b : bytes )
			sb.append( Character.forDigit( ( b >> 4 ) & 0xf, 16 ) ).append( Character.forDigit( b & 0xf, 16 ) );
		return sb.toString();
	}
}
