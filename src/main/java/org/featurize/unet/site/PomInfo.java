package org.featurize.unet.site;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * What the updater shows about a jar, taken from its POM: name, description, project URL and the names of
 * its developers. Whitespace runs are collapsed to one space, so that the index holds no line breaks or
 * surrounding blanks in its text elements. Values that are still Maven expressions ({@code ${...}}) are
 * dropped.
 */
public record PomInfo( String groupId, String artifactId, String version, String name, String description,
		String url, List< String > developers )
{
	public PomInfo
	{
		developers = List.copyOf( developers );
	}

	/** Parses a POM; {@code where} names it in error messages. */
	public static PomInfo read( final InputStream in, final String where )
	{
		final Element project;
		try
		{
			final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature( XMLConstants.FEATURE_SECURE_PROCESSING, true );
			project = factory.newDocumentBuilder().parse( in ).getDocumentElement();
		}
		catch ( ParserConfigurationException | SAXException | IOException e )
		{
			throw new SiteException( "Cannot parse the POM " + where + ": " + e.getMessage(), e );
		}
		final Element parent = child( project, "parent" );
		String groupId = text( project, "groupId" );
		if ( groupId == null && parent != null )
			groupId = text( parent, "groupId" );
		String version = text( project, "version" );
		if ( version == null && parent != null )
			version = text( parent, "version" );
		final List< String > developers = new ArrayList<>();
		final Element devs = child( project, "developers" );
		if ( devs != null )
			for ( Node n = devs.getFirstChild(); n != null; n = n.getNextSibling() )
				if ( n instanceof Element dev && localName( dev ).equals( "developer" ) )
				{
					final String name = text( dev, "name" );
					final String id = text( dev, "id" );
					if ( name != null || id != null )
						developers.add( name != null ? name : id );
				}
		return new PomInfo( groupId, text( project, "artifactId" ), version, text( project, "name" ),
				text( project, "description" ), text( project, "url" ), developers );
	}

	/**
	 * The POM Maven put inside {@code jar} ({@code META-INF/maven/groupId/artifactId/pom.xml}), or null
	 * when there is none.
	 */
	public static PomInfo fromJar( final Path jar, final String groupId, final String artifactId )
	{
		final String entryName = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.xml";
		try ( JarFile zip = new JarFile( jar.toFile(), false ) )
		{
			final JarEntry entry = zip.getJarEntry( entryName );
			if ( entry == null )
				return null;
			try ( InputStream in = zip.getInputStream( entry ) )
			{
				return read( in, jar + "!/" + entryName );
			}
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + jar + " as a jar", e );
		}
	}

	/** The only {@code META-INF/maven/&#42;/&#42;/pom.xml} of {@code jar}; refused if none or several. */
	public static PomInfo onlyPomOf( final Path jar )
	{
		try ( JarFile zip = new JarFile( jar.toFile(), false ) )
		{
			final List< JarEntry > poms = zip.stream()
					.filter( e -> e.getName().matches( "META-INF/maven/[^/]+/[^/]+/pom\\.xml" ) ).toList();
			if ( poms.size() != 1 )
				throw new SiteException( String.format( "Expected one META-INF/maven/*/*/pom.xml in %s, found %d",
						jar, poms.size() ) );
			try ( InputStream in = zip.getInputStream( poms.get( 0 ) ) )
			{
				return read( in, jar + "!/" + poms.get( 0 ).getName() );
			}
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + jar + " as a jar", e );
		}
	}

	private static Element child( final Element parent, final String tag )
	{
		for ( Node n = parent.getFirstChild(); n != null; n = n.getNextSibling() )
			if ( n instanceof Element e && localName( e ).equals( tag ) )
				return e;
		return null;
	}

	private static String text( final Element parent, final String tag )
	{
		final Element e = child( parent, tag );
		if ( e == null )
			return null;
		final String s = e.getTextContent().replaceAll( "\\s+", " " ).strip();
		return s.isEmpty() || s.contains( "${" ) ? null : s;
	}

	private static String localName( final Element e )
	{
		final String tag = e.getTagName();
		return tag.substring( tag.indexOf( ':' ) + 1 );
	}
}
