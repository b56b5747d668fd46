package org.featurize.unet.site;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which updater platform a Maven classifier of a native jar belongs to ({@code linux-x86_64 → linux64}),
 * read from a text file of {@code classifier platform} lines ({@code #} starts a comment). A native jar
 * goes to {@code jars/<platform>/} under its name without classifier, with an explicit {@code <platform>}
 * element: only those elements decide where the updater installs a file.
 */
public record PlatformMap( Map< String, String > platformOfClassifier )
{
	/** The platform names of imagej-updater's {@code Platforms} (2.0 and later). */
	public static final List< String > UPDATER_PLATFORMS =
			List.of( "linux32", "linux64", "linux-arm64", "macos64", "macos-arm64", "win32", "win64", "win-arm64" );

	public PlatformMap
	{
		platformOfClassifier = Map.copyOf( platformOfClassifier );
		for ( final Map.Entry< String, String > e : platformOfClassifier.entrySet() )
			if ( !UPDATER_PLATFORMS.contains( e.getValue() ) )
				throw new SiteException( String.format( "Classifier %s maps to platform %s, which the updater does "
						+ "not know; expected one of %s", e.getKey(), e.getValue(), UPDATER_PLATFORMS ) );
	}

	/** The platform of {@code classifier}, or null if it has none. */
	public String platformOf( final String classifier )
	{
		return platformOfClassifier.get( classifier );
	}

	public static PlatformMap read( final Path file )
	{
		final Map< String, String > map = new LinkedHashMap<>();
		for ( final String[] fields : TextTable.read( file, 2 ) )
			if ( map.put( fields[ 0 ], fields[ 1 ] ) != null )
				throw new SiteException( "Classifier " + fields[ 0 ] + " is listed twice in " + file );
		return new PlatformMap( map );
	}
}
