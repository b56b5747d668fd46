package org.featurize.unet.site;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A jar resolved by Maven, found in a folder with the repository layout
 * ({@code group/path/artifactId/version/artifactId-version[-classifier].jar}, as
 * {@code dependency:copy-dependencies -Dmdep.useRepositoryLayout=true} writes it), with its POM next to it
 * when Maven copied one ({@code -Dmdep.copyPom=true}).
 */
public record MavenArtifact( String groupId, String artifactId, String version, String classifier, Path jar,
		PomInfo pom )
{
	/** {@code groupId:artifactId}, the key of {@code fiji-provided.txt}. */
	public String key()
	{
		return groupId + ":" + artifactId;
	}

	/** {@code groupId:artifactId:version[:classifier]}. */
	public String coordinates()
	{
		return key() + ":" + version + ( classifier.isEmpty() ? "" : ":" + classifier );
	}

	/** The jar's name without its classifier: {@code artifactId-version.jar}. */
	public String unclassifiedName()
	{
		return artifactId + "-" + version + ".jar";
	}

	/** Every jar under {@code repository}, sorted by coordinates. */
	public static List< MavenArtifact > scan( final Path repository )
	{
		if ( !Files.isDirectory( repository ) )
			throw new SiteException( "No Maven repository folder at " + repository );
		final List< MavenArtifact > result = new ArrayList<>();
		try ( Stream< Path > files = Files.walk( repository ) )
		{
			for ( final Path jar : ( Iterable< Path > ) files.filter( f -> f.toString().endsWith( ".jar" ) )::iterator )
				result.add( of( repository, jar ) );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot list " + repository, e );
		}
		result.sort( Comparator.comparing( MavenArtifact::coordinates ) );
		return result;
	}

	/** The artifact of {@code jar}, whose path below {@code repository} follows the repository layout. */
	static MavenArtifact of( final Path repository, final Path jar )
	{
		final Path relative = repository.relativize( jar );
		final int n = relative.getNameCount();
		if ( n < 4 )
			throw new SiteException( "Not in the Maven repository layout (group/artifact/version/file.jar): "
					+ relative );
		final String version = relative.getName( n - 2 ).toString();
		final String artifactId = relative.getName( n - 3 ).toString();
		final String groupId = relative.subpath( 0, n - 3 ).toString().replace( relative.getFileSystem()
				.getSeparator(), "." );
		final String file = relative.getFileName().toString();
		final String prefix = artifactId + "-" + version;
		if ( !file.startsWith( prefix ) )
			throw new SiteException( String.format( "Jar name %s does not start with %s, as the repository layout "
					+ "requires for %s:%s:%s", file, prefix, groupId, artifactId, version ) );
		final String rest = file.substring( prefix.length(), file.length() - ".jar".length() );
		if ( !rest.isEmpty() && !rest.startsWith( "-" ) )
			throw new SiteException( "Cannot tell the classifier of " + relative );
		final String classifier = rest.isEmpty() ? "" : rest.substring( 1 );
		final Path pomFile = jar.resolveSibling( prefix + ".pom" );
		PomInfo pom = null;
		if ( Files.isRegularFile( pomFile ) )
		{
			try ( InputStream in = Files.newInputStream( pomFile ) )
			{
				pom = PomInfo.read( in, pomFile.toString() );
			}
			catch ( final IOException e )
			{
				throw new SiteException( "Cannot read " + pomFile, e );
			}
		}
		else
			pom = PomInfo.fromJar( jar, groupId, artifactId );
		return new MavenArtifact( groupId, artifactId, version, classifier, jar, pom );
	}
}
