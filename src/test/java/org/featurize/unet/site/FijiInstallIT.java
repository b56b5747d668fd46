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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
	private static final Pattern DEPENDENCY = Pattern.compile(
			"\\s*([^:\\s]+):([^:\\s]+):jar:(?:([^:\\s]+):)?([^:\\s]+):(compile|runtime)\\b.*" );

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
		final Path dependencies = tmp.resolve( "dependencies.txt" );
		final Path log = tmp.resolve( "maven.log" );
		final Process maven = new ProcessBuilder( mvn.toString(), "-B", "-Dstyle.color=never", "-s",
				settings.toString(), "package", "dependency:list", "org.scijava:scijava-maven-plugin:populate-app",
				"-Dscijava.app.directory=" + fiji, "-DincludeScope=runtime", "-DoutputFile=" + dependencies,
				"-Dmaven.test.skip=true", "-Djacoco.skip=true", "-Dmaven.source.skip=true" )
						.directory( project.toFile() ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
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

		final FijiProvided provided = FijiProvided.read( project.resolve( "fiji-update-site/fiji-provided.txt" ) );
		int lacking = 0, natives = 0;
		for ( final String line : Files.readAllLines( dependencies ) )
		{
			final Matcher m = DEPENDENCY.matcher( line );
			if ( !m.matches() )
				continue;
			final String groupId = m.group( 1 ), artifactId = m.group( 2 ), classifier = m.group( 3 ), version = m
					.group( 4 );
			final String file = artifactId + "-" + version + ( classifier == null ? "" : "-" + classifier ) + ".jar";
			if ( "linux-x86_64".equals( classifier ) )
			{
				natives++;
				assertTrue( Files.isRegularFile( fiji.resolve( "jars/linux64/" + file ) ), file + " in jars/linux64/" );
				assertFalse( Files.exists( fiji.resolve( "jars/" + file ) ), file + " only in jars/linux64/" );
			}
			else if ( !provided.fijiVersionOf().containsKey( groupId + ":" + artifactId ) )
			{
				lacking++;
				assertTrue( Files.isRegularFile( fiji.resolve( "jars/" + file ) ), file + " in jars/\n" + tail( log ) );
			}
		}
		assertEquals( 1, natives, "the Linux native jar is a runtime dependency" );
		assertTrue( lacking >= 4, "DJL's api, engine and JNI jars and blosc-java at least, found " + lacking );

		assertTrue( Files.exists( fiji.resolve( "jars/gson-99.0.0.jar" ) ), "a newer copy in Fiji is kept" );
		try ( Stream< Path > jars = Files.list( fiji.resolve( "jars" ) ) )
		{
			final List< String > names = jars.map( p -> p.getFileName().toString() ).toList();
			assertTrue( names.stream().noneMatch( n -> n.startsWith( "gson-2." ) ), "no older gson next to it" );
			assertFalse( names.contains( "pytorch-engine-0.1.0.jar" ), "an older copy is replaced" );
			assertTrue( names.stream().anyMatch( n -> n.matches( "pytorch-engine-0\\.3\\d.*\\.jar" ) ) );
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
