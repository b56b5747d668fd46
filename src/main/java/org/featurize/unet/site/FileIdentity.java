package org.featurize.unet.site;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file's identity for the updater: its name without the version, so that {@code jars/foo-1.0.jar} and
 * {@code jars/foo-1.1.jar} are two versions of one file ({@code jars/foo.jar}), and a site holds one record
 * per identity. The updater strips versions with scijava-common's {@code FileUtils.stripFilenameVersion};
 * this is the same rule for the names this site uses (a test compares both): in a {@code .jar} name, the
 * version starts at the first {@code -} followed by a dotted number (or a number of eight or more digits, a
 * date) and runs to {@code .jar}. Other files keep their name. Classifiers are not recognized here, so
 * classified jars must be renamed before they go on a site (native jars lose theirs in a platform folder).
 */
public final class FileIdentity
{
	private static final Pattern VERSIONED_JAR =
			Pattern.compile( "(?<base>[^/]+?)-(?:\\d+(?:\\.\\d+)+|\\d{8,})[^/]*\\.jar" );

	private FileIdentity()
	{}

	/** {@code jars/foo-1.0.jar} → {@code jars/foo.jar}; names without a version are returned as they are. */
	public static String of( final String filename )
	{
		final int slash = filename.lastIndexOf( '/' );
		final String directory = filename.substring( 0, slash + 1 );
		final Matcher m = VERSIONED_JAR.matcher( filename.substring( slash + 1 ) );
		return m.matches() ? directory + m.group( "base" ) + ".jar" : filename;
	}
}
