package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The pom-scijava way to put a plugin into a Fiji: {@code mvn -Dscijava.app.directory=/path/to/Fiji.app
 * install} runs scijava-maven-plugin's {@code populate-app}, which copies the plugin jar and its runtime
 * dependencies into that Fiji. Checked here against a temporary folder laid out like Fiji.app: the plugin
 * lands in {@code plugins/} if it has a {@code plugins.config}, else in {@code jars/}; every runtime
 * dependency Fiji lacks is copied to {@code jars/}; the Linux native jar goes to {@code jars/linux64/}; a
 * newer copy already in Fiji is kept and an older one replaced.
 * <p>
 * The build runs in a copy of the project (so this build's {@code target/} is left alone) and invokes the
 * same mojo directly after {@code package}, with the configuration pom-scijava gives it: the
 * {@code install} phase would also need maven-install-plugin, which a {@code verify} build has not fetched.
 * {@code populate-app} refuses to run offline ({@code -o}: "requires online mode"), so Maven runs online
 * with every repository mirrored to an empty local folder: all jars come from the local repository and
 * nothing touches the network.
 */
class FijiInstallIT
{
	@TempDir
	Path tmp;

	@Test
	@Timeout( value = 5, unit = TimeUnit.MINUTES )
	void pluginAndTheDependenciesFijiLacksLandWhereFijiLoadsThem() throws Exception
	{
		final Path mvn = findOnPath( "mvn" ).orElse( null );
		if ( mvn == null )
		{
			if ( System.getenv( "CI" ) != null )
				fail( "mvn is not on the PATH" );
			Assumptions.abort( "mvn is not on the PATH: cannot run the pom-scijava install into a Fiji folder" );
		}
		final Path project = copyProject( Path.of( "" ).toAbsolutePath(), tmp.resolve( "project" ) );
		final Path fiji = tmp.resolve( "Fiji.app" );
		for ( final String dir : List.of( "jars/linux64", "jars/linux-arm64", "jars/macos-arm64", "jars/win64",
				"plugins", "macros", "scripts" ) )
			Files.createDirectories( fiji.resolve( dir ) );
		TestJars.write( fiji.resolve( "jars/gson-99.0.0.jar" ), TestJars.entries( "x", "a newer gson" ) );
		TestJars.write( fiji.resolve( "jars/pytorch-engine-0.1.0.jar" ), TestJars.entries( "x", "an older engine" ) );

		final Path emptyRepository = Files.createDirectories( tmp.resolve( "no-remote-repository" ) );
		final Path settings = Files.writeString( tmp.resolve( "settings.xml" ), "<settings>\n"
				+ "  <localRepository>" + localRepository() + "</localRepository>\n"
				+ "  <mirrors><mirror><id>central</id><mirrorOf>*</mirrorOf><url>" + emptyRepository.toUri()
				+ "</url></mirror></mirrors>\n</settings>\n" );
		final Path log = tmp.resolve( "maven.log" );
		final Process maven = new ProcessBuilder( mvn.toString(), "-B", "-Dstyle.color=never", "-s",
				settings.toString(), "package", "org.scijava:scijava-maven-plugin:populate-app",
				"-Dscijava.app.directory=" + fiji, "-Dmaven.test.skip=true", "-Djacoco.skip=true",
				"-Dmaven.source.skip=true" ).directory( project.toFile() ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
		if ( !maven.waitFor( 4, TimeUnit.MINUTES ) )
		{
			maven.destroyForcibly();
			fail( "Maven did not finish in 4 minutes:\n" + tail( log ) );
		}
		assertEquals( 0, maven.exitValue(), () -> "Maven failed:\n" + tail( log ) );

		final Path pluginJar = builtJar( project.resolve( "target" ) );
		final boolean ij1 = hasPluginsConfig( pluginJar );
		final String name = pluginJar.getFileName().toString();
		assertTrue( Files.isRegularFile( fiji.resolve( ( ij1 ? "plugins/" : "jars/" ) + name ) ), () -> name
				+ " in " + ( ij1 ? "plugins/" : "jars/" ) + "\n" + tail( log ) );
		assertFalse( Files.exists( fiji.resolve( ( ij1 ? "jars/" : "plugins/" ) + name ) ) );

		// The POM's own runtime dependencies that Fiji lacks, and DJL's API which the engine brings.
		final FijiProvided provided = FijiProvided.read( project.resolve( "fiji-update-site/fiji-provided.txt" ) );
		final List< String[] > expected = new ArrayList<>();
		expected.add( new String[] { "ai.djl", "api", null } );
		for ( final String[] d : directRuntimeDependencies( project.resolve( "pom.xml" ) ) )
			if ( !provided.fijiVersionOf().containsKey( d[ 0 ] + ":" + d[ 1 ] ) )
				expected.add( d );
		int natives = 0;
		for ( final String[] d : expected )
		{
			final String artifactId = d[ 1 ], classifier = d[ 2 ];
			final String folder = classifier == null ? "jars" : "jars/linux64";
			if ( classifier != null )
			{
				natives++;
				assertEquals( "linux-x86_64", classifier, "the POM's native classifier" );
			}
			final List< String > found = jarsIn( fiji.resolve( folder ), artifactId, classifier );
			assertEquals( 1, found.size(), () -> artifactId + " in " + folder + "/: " + found + "\n" + tail( log ) );
			if ( classifier != null )
				assertEquals( List.of(), jarsIn( fiji.resolve( "jars" ), artifactId, classifier ), "natives only in "
						+ folder );
		}
		assertEquals( 1, natives, "the Linux native jar is a runtime dependency" );
		assertTrue( expected.size() >= 5, "DJL's api, engine, JNI and native jars and blosc-java at least" );

		assertTrue( Files.exists( fiji.resolve( "jars/gson-99.0.0.jar" ) ), "a newer copy in Fiji is kept" );
		try ( Stream< Path > jars = Files.list( fiji.resolve( "jars" ) ) )
		{
			final List< String > names = jars.map( p -> p.getFileName().toString() ).toList();
			assertTrue( names.stream().noneMatch( n -> n.startsWith( "gson-2." ) ), "no older gson next to it" );
			assertFalse( names.contains( "pytorch-engine-0.1.0.jar" ), "an older copy is replaced" );
			assertTrue( names.stream().anyMatch( n -> n.matches( "pytorch-engine-0\\.3\\d.*\\.jar" ) ) );
		}
	}

	/** {groupId, artifactId, classifier or null} of the POM's dependencies in compile or runtime scope. */
	private static List< String[] > directRuntimeDependencies( final Path pom ) throws Exception
	{
		final Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse( pom.toFile() )
				.getDocumentElement();
		final Map< String, String > properties = new HashMap<>();
		for ( final Element p : children( project, "properties" ) )
			for ( Node n = p.getFirstChild(); n != null; n = n.getNextSibling() )
				if ( n instanceof Element e )
					properties.put( e.getTagName(), e.getTextContent().strip() );
		final List< String[] > result = new ArrayList<>();
		for ( final Element dependencies : children( project, "dependencies" ) )
			for ( final Element dep : children( dependencies, "dependency" ) )
			{
				final String scope = text( dep, "scope", properties );
				if ( scope == null || scope.equals( "compile" ) || scope.equals( "runtime" ) )
					result.add( new String[] { text( dep, "groupId", properties ), text( dep, "artifactId",
							properties ), text( dep, "classifier", properties ) } );
			}
		return result;
	}

	private static List< Element > children( final Element parent, final String tag )
	{
		final List< Element > result = new ArrayList<>();
		for ( Node n = parent.getFirstChild(); n != null; n = n.getNextSibling() )
			if ( n instanceof Element e && e.getTagName().equals( tag ) )
				result.add( e );
		return result;
	}

	/** A child's text with {@code ${property}} references to the POM's properties resolved. */
	private static String text( final Element parent, final String tag, final Map< String, String > properties )
	{
		final List< Element > list = children( parent, tag );
		if ( list.isEmpty() )
			return null;
		final Matcher m = Pattern.compile( "\\$\\{([^}]+)\\}" ).matcher( list.get( 0 ).getTextContent().strip() );
		final StringBuilder sb = new StringBuilder();
		while ( m.find() )
			m.appendReplacement( sb, Matcher.quoteReplacement( properties.getOrDefault( m.group( 1 ), m.group() ) ) );
		return m.appendTail( sb ).toString();
	}

	/** Names of {@code artifactId-<version>[-classifier].jar} in {@code folder}. */
	private static List< String > jarsIn( final Path folder, final String artifactId, final String classifier )
			throws IOException
	{
		final Pattern name = Pattern.compile( Pattern.quote( artifactId ) + "-\\d[^/]*" + ( classifier == null ? ""
				: "-" + Pattern.quote( classifier ) ) + "\\.jar" );
		try ( Stream< Path > files = Files.list( folder ) )
		{
			return files.map( p -> p.getFileName().toString() ).filter( n -> name.matcher( n ).matches() ).filter(
					n -> classifier != null || !n.matches( ".*-(linux|osx|win)-[a-z0-9_]+\\.jar" ) ).toList();
		}
	}

	/** The project without build output, tests or version control: what {@code mvn package} needs. */
	private static Path copyProject( final Path from, final Path to ) throws Exception
	{
		final List< Path > skip = List.of( from.resolve( "target" ), from.resolve( ".git" ), from.resolve(
				"src/test" ), from.resolve( "node_modules" ) );
		try ( Stream< Path > files = Files.walk( from ) )
		{
			for ( final Path p : ( Iterable< Path > ) files::iterator )
			{
				if ( skip.stream().anyMatch( p::startsWith ) || p.getFileName().toString().equals( "node_modules" ) )
					continue;
				final Path target = to.resolve( from.relativize( p ).toString() );
				if ( Files.isDirectory( p ) )
					Files.createDirectories( target );
				else if ( Files.isRegularFile( p ) )
					Files.copy( p, target );
			}
		}
		return to;
	}

	/** The local repository this build uses, so that the nested one finds every jar there. */
	private static String localRepository() throws Exception
	{
		final String property = System.getProperty( "maven.repo.local" );
		if ( property != null && !property.isBlank() )
			return property;
		final Path home = Path.of( System.getProperty( "user.home" ) );
		final Path userSettings = home.resolve( ".m2/settings.xml" );
		if ( Files.isRegularFile( userSettings ) )
		{
			final Matcher m = Pattern.compile( "<localRepository>\\s*([^<]+?)\\s*</localRepository>" ).matcher( Files
					.readString( userSettings ) );
			if ( m.find() )
				return m.group( 1 ).replace( "${user.home}", home.toString() );
		}
		return home.resolve( ".m2/repository" ).toString();
	}

	private static Path builtJar( final Path target ) throws Exception
	{
		try ( Stream< Path > files = Files.list( target ) )
		{
			final List< Path > jars = files.filter( p -> p.getFileName().toString().matches(
					"featurize-unet-.*\\.jar" ) && !p.getFileName().toString().matches( ".*-(sources|javadoc|tests)\\.jar" ) )
					.toList();
			assertEquals( 1, jars.size(), "one plugin jar in " + target + ": " + jars );
			return jars.get( 0 );
		}
	}

	private static boolean hasPluginsConfig( final Path jar ) throws Exception
	{
		try ( JarFile zip = new JarFile( jar.toFile() ) )
		{
			return zip.getEntry( "plugins.config" ) != null;
		}
	}

	private static Optional< Path > findOnPath( final String command )
	{
		final List< Path > candidates = new ArrayList<>();
		for ( final String dir : System.getenv().getOrDefault( "PATH", "" ).split( File.pathSeparator ) )
			if ( !dir.isEmpty() )
				candidates.add( Path.of( dir, command ) );
		return candidates.stream().filter( Files::isExecutable ).findFirst();
	}

	private static String tail( final Path log )
	{
		try
		{
			final List< String > lines = Files.readAllLines( log, StandardCharsets.UTF_8 );
			return String.join( "\n", lines.subList( Math.max( 0, lines.size() - 60 ), lines.size() ) );
		}
		catch ( final IOException e )
		{
			return "(no Maven output: " + e + ")";
		}
	}
}
