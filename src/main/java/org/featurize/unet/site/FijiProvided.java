package org.featurize.unet.site;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime dependencies a stock Fiji already ships, which the site must not carry: shipping them would
 * shadow Fiji's own copy for every plugin, not only this one. Read from {@code fiji-provided.txt}, lines of
 * {@code groupId:artifactId fijiVersion} where {@code fijiVersion} is the version seen in a Fiji
 * installation ({@code #} starts a comment; the file gives the evidence).
 */
public record FijiProvided( Map< String, String > fijiVersionOf )
{
	public FijiProvided
	{
		fijiVersionOf = Map.copyOf( fijiVersionOf );
	}

	public static FijiProvided none()
	{
		return new FijiProvided( Map.of() );
	}

	public boolean contains( final MavenArtifact artifact )
	{
		return fijiVersionOf.containsKey( artifact.key() );
	}

	/** The version Fiji ships of {@code artifact}, as listed. */
	public String fijiVersion( final MavenArtifact artifact )
	{
		return fijiVersionOf.get( artifact.key() );
	}

	/** True when the build uses another major version than the one Fiji ships (worth a compatibility check). */
	public boolean majorVersionDiffers( final MavenArtifact artifact )
	{
		final String fiji = fijiVersion( artifact );
		return fiji != null && !major( fiji ).equals( major( artifact.version() ) );
	}

	private static String major( final String version )
	{
		final int end = version.indexOf( '.' );
		return end < 0 ? version : version.substring( 0, end );
	}

	public static FijiProvided read( final Path file )
	{
		final Map< String, String > map = new LinkedHashMap<>();
		for ( final String[] fields : TextTable.read( file, 2 ) )
		{
			if ( fields[ 0 ].split( ":" ).length != 2 )
				throw new SiteException( "Expected groupId:artifactId in " + file + ", found " + fields[ 0 ] );
			if ( map.put( fields[ 0 ], fields[ 1 ] ) != null )
				throw new SiteException( fields[ 0 ] + " is listed twice in " + file );
		}
		return new FijiProvided( map );
	}
}
