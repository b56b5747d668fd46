package org.featurize.unet.site;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.featurize.unet.site.SiteDatabase.Plugin;
import org.featurize.unet.site.UpdateSiteBuilder.Result;

/**
 * The command line of the update site assembler; {@code fiji-update-site/build-site.sh} runs it after Maven
 * has resolved the files. Exit status 0 on success, 1 when the site cannot be built, 2 on a usage error.
 */
public final class UpdateSite
{
	static final String USAGE = String.join( "\n",
			"Usage: UpdateSite --plugin-jar JAR --out DIR [options]",
			"  --plugin-jar JAR      the plugin's jar (its POM inside gives the description)",
			"  --repository DIR      runtime dependencies and native jars, Maven repository layout",
			"  --platforms FILE      classifier -> updater platform table (fiji-update-site/platforms.txt)",
			"  --fiji-provided FILE  groupId:artifactId list that Fiji ships (fiji-update-site/fiji-provided.txt)",
			"  --model FILE          a model file to ship (repeatable)",
			"  --model-folder PATH   where models go in Fiji (default models/featurize-unet)",
			"  --timestamp STAMP     yyyyMMddHHmmss (default: $SOURCE_DATE_EPOCH, else now; UTC)",
			"  --previous DB         the db.xml.gz of the site online now, to keep its history",
			"  --out DIR             the folder to write the site to",
			"  --force               replace the site already in DIR" );

	private UpdateSite()
	{}

	public static void main( final String... args )
	{
		System.exit( run( System.out, System.err, args ) );
	}

	/** Runs the command; returns the exit status. */
	static int run( final PrintStream out, final PrintStream err, final String... args )
	{
		final UpdateSiteBuilder builder = new UpdateSiteBuilder();
		String timestamp = null;
		try
		{
			for ( final Iterator< String > it = Arrays.asList( args ).iterator(); it.hasNext(); )
			{
				final String option = it.next();
				switch ( option )
				{
				case "--plugin-jar" -> builder.pluginJar( Path.of( value( option, it ) ) );
				case "--repository" -> builder.repository( Path.of( value( option, it ) ) );
				case "--platforms" -> builder.platforms( PlatformMap.read( Path.of( value( option, it ) ) ) );
				case "--fiji-provided" -> builder.fijiProvided( FijiProvided.read( Path.of( value( option, it ) ) ) );
				case "--model" -> builder.model( Path.of( value( option, it ) ) );
				case "--model-folder" -> builder.modelFolder( value( option, it ) );
				case "--timestamp" -> timestamp = value( option, it );
				case "--previous" -> builder.previous( Path.of( value( option, it ) ) );
				case "--out" -> builder.output( Path.of( value( option, it ) ) );
				case "--force" -> builder.replaceOutput( true );
				case "-h", "--help" ->
				{
					out.println( USAGE );
					return 0;
				}
				default -> throw new IllegalArgumentException( "Unknown option " + option );
				}
			}
		}
		catch ( final IllegalArgumentException e )
		{
			err.println( e.getMessage() );
			err.println( USAGE );
			return 2;
		}
		catch ( final SiteException e )
		{
			err.println( "Cannot build the update site: " + e.getMessage() );
			return 1;
		}
		try
		{
			final Result result = builder.timestamp( timestamp != null ? timestamp : defaultTimestamp() ).build();
			report( result, out );
			return 0;
		}
		catch ( final SiteException e )
		{
			err.println( "Cannot build the update site: " + e.getMessage() );
			return 1;
		}
	}

	private static String value( final String option, final Iterator< String > it )
	{
		if ( !it.hasNext() )
			throw new IllegalArgumentException( option + " needs a value" );
		return it.next();
	}

	/** {@code SOURCE_DATE_EPOCH} (reproducible builds) when set, else the current time; UTC. */
	static String defaultTimestamp()
	{
		final String epoch = System.getenv( "SOURCE_DATE_EPOCH" );
		final Instant when = epoch != null && !epoch.isBlank() ? Instant.ofEpochSecond( Long.parseLong( epoch
				.strip() ) ) : Instant.now();
		return UpdateSiteBuilder.TIMESTAMP.format( when.atOffset( ZoneOffset.UTC ) );
	}

	private static void report( final Result result, final PrintStream out )
	{
		out.println( "Update site files:" );
		for ( final Plugin p : result.records() )
		{
			if ( p.version() == null )
				out.printf( "  %-60s obsolete (kept in the index, no longer shipped)%n", p.filename() );
			else
				out.printf( "  %-60s %12d bytes  %s%s%n", p.filename(), p.version().filesize(), p.version()
						.timestamp(), p.platforms().isEmpty() ? "" : "  [" + String.join( ",", p.platforms() ) + "]" );
		}
		final List< MavenArtifact > assumed = result.assumedInFiji();
		if ( !assumed.isEmpty() )
		{
			out.println( "Assumed in Fiji (not on the site):" );
			final FijiProvided fiji = result.fijiProvided();
			for ( final MavenArtifact a : assumed )
				out.printf( "  %-60s Fiji ships %s%s%n", a.coordinates(), fiji.fijiVersion( a ), fiji
						.majorVersionDiffers( a ) ? " (another major version: check compatibility)" : "" );
		}
	}
}
