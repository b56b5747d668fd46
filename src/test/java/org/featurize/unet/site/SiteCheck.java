package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParserFactory;

import org.featurize.unet.site.SiteDatabase.Plugin;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Checks an update site folder against its {@code db.xml.gz}, as the updater would read it: the index is
 * gzipped UTF-8 XML valid against its own document type (so children are in the order it declares), text
 * elements hold no surrounding whitespace, and every record with a version has its bytes at
 * {@code <filename>-<timestamp>} with that size and the checksum recomputed by {@link ReferenceChecksum};
 * nothing else lies in the folder, each identity has one record, and platform folders match
 * {@code <platform>} elements.
 */
final class SiteCheck
{
	private static final Pattern PLATFORM_FOLDER = Pattern.compile( "jars/([^/]+)/[^/]+" );

	private SiteCheck()
	{}

	static List< Plugin > verify( final Path site ) throws Exception
	{
		final Path db = site.resolve( "db.xml.gz" );
		assertTrue( Files.isRegularFile( db ), "no db.xml.gz in " + site );
		final byte[] xml = SiteDatabase.gunzip( db );
		final String text = new String( xml, StandardCharsets.UTF_8 );
		assertTrue( text.startsWith( "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE pluginRecords [" ),
				"XML declaration and document type first" );
		validateAgainstDoctype( xml );
		checkTextElements( xml );

		final List< Plugin > plugins = SiteDatabase.parse( xml );
		final Set< String > expectedFiles = new TreeSet<>();
		final Set< String > identities = new HashSet<>();
		for ( final Plugin p : plugins )
		{
			assertTrue( identities.add( FileIdentity.of( p.filename() ) ), "one record per identity: " + p.filename() );
			final Matcher m = PLATFORM_FOLDER.matcher( p.filename() );
			if ( m.matches() )
				assertEquals( List.of( m.group( 1 ) ), p.platforms(), "platform of " + p.filename() );
			else
				assertEquals( List.of(), p.platforms(), "no platform for " + p.filename() );
			for ( final String platform : p.platforms() )
				assertTrue( PlatformMap.UPDATER_PLATFORMS.contains( platform ), "known platform " + platform );
			if ( p.version() == null )
				continue;
			assertTrue( p.version().checksum().matches( "[0-9a-f]{40}" ), "checksum of " + p.filename() );
			assertTrue( p.version().timestamp().matches( "\\d{14}" ), "timestamp of " + p.filename() );
			final String relative = p.filename() + "-" + p.version().timestamp();
			final Path file = site.resolve( relative );
			assertTrue( Files.isRegularFile( file ), "the site has " + relative );
			assertEquals( p.version().filesize(), Files.size( file ), "size of " + relative );
			assertEquals( ReferenceChecksum.of( p.filename(), file ), p.version().checksum(), "checksum of " + relative );
			expectedFiles.add( relative );
		}
		expectedFiles.add( "db.xml.gz" );
		assertEquals( expectedFiles, relativeFiles( site ), "files in the site folder" );
		return plugins;
	}

	static Set< String > relativeFiles( final Path folder ) throws Exception
	{
		try ( Stream< Path > s = Files.walk( folder ) )
		{
			return s.filter( Files::isRegularFile ).map( f -> folder.relativize( f ).toString().replace( '\\', '/' ) )
					.collect( Collectors.toCollection( TreeSet::new ) );
		}
	}

	/** A validating parse: the internal DTD fixes child order and required attributes. */
	static void validateAgainstDoctype( final byte[] xml ) throws Exception
	{
		final SAXParserFactory factory = SAXParserFactory.newInstance();
		factory.setValidating( true );
		final XMLReader reader = factory.newSAXParser().getXMLReader();
		reader.setErrorHandler( new ErrorHandler()
		{
			@Override
			public void warning( final SAXParseException e )
			{}

			@Override
			public void error( final SAXParseException e )
			{
				fail( "db.xml does not match its document type, line " + e.getLineNumber() + ": " + e.getMessage() );
			}

			@Override
			public void fatalError( final SAXParseException e )
			{
				fail( "db.xml is not well-formed, line " + e.getLineNumber() + ": " + e.getMessage() );
			}
		} );
		reader.parse( new InputSource( new ByteArrayInputStream( xml ) ) );
	}

	/** The updater does not trim: text elements must be exactly their value. */
	private static void checkTextElements( final byte[] xml ) throws Exception
	{
		final Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(
				new ByteArrayInputStream( xml ) ).getDocumentElement();
		assertFalse( root.hasAttributes(), "pluginRecords has no attributes" );
		assertEquals( 0, root.getElementsByTagName( "update-site" ).getLength(), "no update-site in a site index" );
		for ( final String tag : List.of( "platform", "category", "description", "link", "author" ) )
		{
			final NodeList nodes = root.getElementsByTagName( tag );
			for ( int i = 0; i < nodes.getLength(); i++ )
			{
				final String value = nodes.item( i ).getTextContent();
				assertFalse( value.isEmpty(), "empty <" + tag + ">" );
				assertEquals( value.strip(), value, "whitespace around <" + tag + ">" );
				assertFalse( value.contains( "\n" ), "line break in <" + tag + ">" );
			}
		}
	}
}
