package org.featurize.unet.site;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * An update site's index, {@code db.xml.gz}: gzip of UTF-8 XML with the document type the updater writes
 * (its {@code XMLFileWriter}), one {@code <plugin>} per file identity. Children are written in the order
 * the document type requires and text elements hold no surrounding whitespace (the updater's reader does
 * not trim). {@code update-site} elements belong to an installation's own database and are never written.
 */
public final class SiteDatabase
{
	/** One file of the site: {@code version} is null for a file the site no longer ships (obsolete). */
	public record Plugin( String filename, List< String > platforms, List< String > categories, Version version,
			List< PreviousVersion > previous )
	{
		public Plugin
		{
			platforms = List.copyOf( platforms );
			categories = List.copyOf( categories );
			previous = List.copyOf( previous );
		}
	}

	/** The current version of a file; its bytes are at {@code <site>/<filename>-<timestamp>}. */
	public record Version( String checksum, String timestamp, long filesize, String description,
			List< Dependency > dependencies, List< String > links, List< String > authors )
	{
		public Version
		{
			dependencies = List.copyOf( dependencies );
			links = List.copyOf( links );
			authors = List.copyOf( authors );
		}
	}

	/** A file that must be installed with this one; {@code timestamp} may be null (not known here). */
	public record Dependency( String filename, String timestamp )
	{}

	/** An earlier checksum of the same file, so that installed older copies read as outdated, not modified. */
	public record PreviousVersion( String filename, String timestamp, String timestampObsolete, String checksum )
	{}

	/** The document type of the updater's database, as its XMLFileWriter writes it. */
	static final String DOCTYPE = "<!DOCTYPE pluginRecords [\n"
			+ "<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>\n"
			+ "<!ELEMENT update-site EMPTY>\n"
			+ "<!ELEMENT disabled-update-site EMPTY>\n"
			+ "<!ELEMENT plugin (platform*, category*, version?, previous-version*)>\n"
			+ "<!ELEMENT version (description?, dependency*, link*, author*)>\n"
			+ "<!ELEMENT previous-version EMPTY>\n"
			+ "<!ELEMENT description (#PCDATA)>\n"
			+ "<!ELEMENT dependency EMPTY>\n"
			+ "<!ELEMENT link (#PCDATA)>\n"
			+ "<!ELEMENT author (#PCDATA)>\n"
			+ "<!ELEMENT platform (#PCDATA)>\n"
			+ "<!ELEMENT category (#PCDATA)>\n"
			+ "<!ATTLIST update-site name CDATA #REQUIRED>\n"
			+ "<!ATTLIST update-site url CDATA #REQUIRED>\n"
			+ "<!ATTLIST update-site ssh-host CDATA #IMPLIED>\n"
			+ "<!ATTLIST update-site upload-directory CDATA #IMPLIED>\n"
			+ "<!ATTLIST update-site description CDATA #IMPLIED>\n"
			+ "<!ATTLIST update-site maintainer CDATA #IMPLIED>\n"
			+ "<!ATTLIST update-site timestamp CDATA #REQUIRED>\n"
			+ "<!ATTLIST disabled-update-site name CDATA #REQUIRED>\n"
			+ "<!ATTLIST disabled-update-site url CDATA #REQUIRED>\n"
			+ "<!ATTLIST disabled-update-site ssh-host CDATA #IMPLIED>\n"
			+ "<!ATTLIST disabled-update-site upload-directory CDATA #IMPLIED>\n"
			+ "<!ATTLIST disabled-update-site description CDATA #IMPLIED>\n"
			+ "<!ATTLIST disabled-update-site maintainer CDATA #IMPLIED>\n"
			+ "<!ATTLIST disabled-update-site timestamp CDATA #REQUIRED>\n"
			+ "<!ATTLIST plugin update-site CDATA #IMPLIED>\n"
			+ "<!ATTLIST plugin filename CDATA #REQUIRED>\n"
			+ "<!ATTLIST plugin executable CDATA #IMPLIED>\n"
			+ "<!ATTLIST dependency filename CDATA #REQUIRED>\n"
			+ "<!ATTLIST dependency timestamp CDATA #IMPLIED>\n"
			+ "<!ATTLIST dependency overrides CDATA #IMPLIED>\n"
			+ "<!ATTLIST version timestamp CDATA #REQUIRED>\n"
			+ "<!ATTLIST version checksum CDATA #REQUIRED>\n"
			+ "<!ATTLIST version filesize CDATA #REQUIRED>\n"
			+ "<!ATTLIST previous-version filename CDATA #IMPLIED>\n"
			+ "<!ATTLIST previous-version timestamp CDATA #REQUIRED>\n"
			+ "<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>\n"
			+ "<!ATTLIST previous-version checksum CDATA #REQUIRED>]>\n";

	private SiteDatabase()
	{}

	/** The XML of the index, in the given order of records. */
	public static String toXml( final List< Plugin > plugins )
	{
		final StringBuilder x = new StringBuilder( "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" );
		x.append( DOCTYPE ).append( "<pluginRecords>\n" );
		for ( final Plugin p : plugins )
		{
			x.append( "    <plugin filename=\"" ).append( escape( p.filename() ) ).append( "\">\n" );
			for ( final String platform : p.platforms() )
				textElement( x, 8, "platform", platform );
			for ( final String category : p.categories() )
				textElement( x, 8, "category", category );
			final Version v = p.version();
			if ( v != null )
			{
				x.append( "        <version checksum=\"" ).append( escape( v.checksum() ) )
						.append( "\" timestamp=\"" ).append( escape( v.timestamp() ) )
						.append( "\" filesize=\"" ).append( v.filesize() ).append( "\">\n" );
				if ( v.description() != null )
					textElement( x, 12, "description", v.description() );
				for ( final Dependency d : v.dependencies() )
				{
					x.append( "            <dependency filename=\"" ).append( escape( d.filename() ) ).append( '"' );
					if ( d.timestamp() != null )
						x.append( " timestamp=\"" ).append( escape( d.timestamp() ) ).append( '"' );
					x.append( "/>\n" );
				}
				for ( final String link : v.links() )
					textElement( x, 12, "link", link );
				for ( final String author : v.authors() )
					textElement( x, 12, "author", author );
				x.append( "        </version>\n" );
			}
			for ( final PreviousVersion pv : p.previous() )
			{
				x.append( "        <previous-version timestamp=\"" ).append( escape( pv.timestamp() ) ).append( '"' );
				if ( pv.timestampObsolete() != null )
					x.append( " timestamp-obsolete=\"" ).append( escape( pv.timestampObsolete() ) ).append( '"' );
				x.append( " checksum=\"" ).append( escape( pv.checksum() ) ).append( '"' );
				if ( pv.filename() != null )
					x.append( " filename=\"" ).append( escape( pv.filename() ) ).append( '"' );
				x.append( "/>\n" );
			}
			x.append( "    </plugin>\n" );
		}
		return x.append( "</pluginRecords>\n" ).toString();
	}

	/** Writes {@code db.xml.gz}: the index, UTF-8, gzipped (no file name or time in the gzip header). */
	public static void write( final List< Plugin > plugins, final Path dbXmlGz )
	{
		try ( OutputStream out = new GZIPOutputStream( Files.newOutputStream( dbXmlGz ) ) )
		{
			out.write( toXml( plugins ).getBytes( StandardCharsets.UTF_8 ) );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot write " + dbXmlGz, e );
		}
	}

	/** Reads an existing site's {@code db.xml.gz} (for its earlier versions); local databases work too. */
	public static List< Plugin > read( final Path dbXmlGz )
	{
		try ( InputStream in = new GZIPInputStream( Files.newInputStream( dbXmlGz ) ) )
		{
			return parse( in.readAllBytes() );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + dbXmlGz + " as a gzipped update site index", e );
		}
	}

	/** Parses the XML of an index (not gzipped). */
	public static List< Plugin > parse( final byte[] xml )
	{
		final Document doc;
		try
		{
			final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature( XMLConstants.FEATURE_SECURE_PROCESSING, true );
			factory.setExpandEntityReferences( false );
			doc = factory.newDocumentBuilder().parse( new ByteArrayInputStream( xml ) );
		}
		catch ( ParserConfigurationException | SAXException | IOException e )
		{
			throw new SiteException( "Not an update site index: " + e.getMessage(), e );
		}
		final Element root = doc.getDocumentElement();
		if ( !root.getTagName().equals( "pluginRecords" ) )
			throw new SiteException( "Not an update site index: root element is <" + root.getTagName()
					+ ">, expected <pluginRecords>" );
		final List< Plugin > plugins = new ArrayList<>();
		for ( final Element p : children( root, "plugin" ) )
		{
			Version version = null;
			for ( final Element v : children( p, "version" ) )
			{
				final List< Dependency > deps = new ArrayList<>();
				for ( final Element d : children( v, "dependency" ) )
					deps.add( new Dependency( d.getAttribute( "filename" ), attribute( d, "timestamp" ) ) );
				final List< Element > description = children( v, "description" );
				version = new Version( v.getAttribute( "checksum" ), v.getAttribute( "timestamp" ),
						Long.parseLong( v.getAttribute( "filesize" ) ),
						description.isEmpty() ? null : description.get( 0 ).getTextContent(), deps,
						texts( v, "link" ), texts( v, "author" ) );
			}
			final List< PreviousVersion > previous = new ArrayList<>();
			for ( final Element pv : children( p, "previous-version" ) )
				previous.add( new PreviousVersion( attribute( pv, "filename" ), pv.getAttribute( "timestamp" ),
						attribute( pv, "timestamp-obsolete" ), pv.getAttribute( "checksum" ) ) );
			plugins.add( new Plugin( p.getAttribute( "filename" ), texts( p, "platform" ), texts( p, "category" ),
					version, previous ) );
		}
		return plugins;
	}

	/** Gunzips {@code db.xml.gz} to its XML bytes. */
	public static byte[] gunzip( final Path dbXmlGz )
	{
		try ( InputStream in = new GZIPInputStream( Files.newInputStream( dbXmlGz ) ) )
		{
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo( out );
			return out.toByteArray();
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot gunzip " + dbXmlGz, e );
		}
	}

	private static void textElement( final StringBuilder x, final int indent, final String tag, final String text )
	{
		x.append( " ".repeat( indent ) ).append( '<' ).append( tag ).append( '>' ).append( escape( text ) )
				.append( "</" ).append( tag ).append( ">\n" );
	}

	static String escape( final String s )
	{
		final StringBuilder sb = new StringBuilder( s.length() );
		for ( int i = 0; i < s.length(); i++ )
		{
			final char c = s.charAt( i );
			switch ( c )
			{
			case '&' -> sb.append( "&amp;" );
			case '<' -> sb.append( "&lt;" );
			case '>' -> sb.append( "&gt;" );
			case '"' -> sb.append( "&quot;" );
			case '\n' -> sb.append( "&#10;" );
			case '\r' -> sb.append( "&#13;" );
			case '\t' -> sb.append( "&#9;" );
			default ->
			{
				if ( c < 0x20 )
					throw new SiteException( String.format( "Control character U+%04X cannot be written to the "
							+ "index (in \"%s\")", ( int ) c, s ) );
				sb.append( c );
			}
			}
		}
		return sb.toString();
	}

	private static List< Element > children( final Element parent, final String tag )
	{
		final List< Element > result = new ArrayList<>();
		for ( Node n = parent.getFirstChild(); n != null; n = n.getNextSibling() )
			if ( n instanceof Element e && e.getTagName().equals( tag ) )
				result.add( e );
		return result;
	}

	private static List< String > texts( final Element parent, final String tag )
	{
		final List< String > result = new ArrayList<>();
		for ( final Element e : children( parent, tag ) )
			result.add( e.getTextContent() );
		return result;
	}

	private static String attribute( final Element e, final String name )
	{
		return e.hasAttribute( name ) ? e.getAttribute( name ) : null;
	}
}
