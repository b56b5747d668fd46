package org.featurize.unet.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.featurize.unet.site.SiteDatabase.Plugin;
import org.featurize.unet.site.UpdateSiteBuilder.SiteFile;

/**
 * The folder an update site is written to, laid out as the updater downloads it: {@code db.xml.gz} at the
 * top and each file at {@code <filename>-<timestamp>}. An existing folder must be empty, or hold an earlier
 * site (a {@code db.xml.gz}) and be replaced on request; anything else is refused rather than deleted.
 */
final class SiteFolder
{
	private SiteFolder()
	{}

	/**
	 * Writes every file to {@code <output>/<filename>-<timestamp>} and the index to
	 * {@code <output>/db.xml.gz}.
	 */
	static void write( final Path output, final boolean replace, final List< SiteFile > files,
			final List< Plugin > records )
	{
		prepare( output, replace );
		final Map< String, Plugin > byName = new LinkedHashMap<>();
		for ( final Plugin p : records )
			byName.put( p.filename(), p );
		try
		{
			for ( final SiteFile f : files )
			{
				final Path target = output.resolve( f.filename() + "-" + byName.get( f.filename() ).version()
						.timestamp() );
				Files.createDirectories( target.getParent() );
				Files.copy( f.source(), target );
			}
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot write the site's files to " + output, e );
		}
		SiteDatabase.write( records, output.resolve( "db.xml.gz" ) );
	}

	private static void prepare( final Path output, final boolean replace )
	{
		try
		{
			if ( Files.isDirectory( output ) )
			{
				final boolean empty;
				try ( Stream< Path > s = Files.list( output ) )
				{
					empty = s.findAny().isEmpty();
				}
				if ( !empty )
				{
					if ( !replace )
						throw new SiteException( "Output folder " + output + " is not empty; pass --force to replace "
								+ "the site in it" );
					if ( !Files.isRegularFile( output.resolve( "db.xml.gz" ) ) )
						throw new SiteException( "Output folder " + output + " is not empty and holds no db.xml.gz: "
								+ "not replacing what does not look like an update site" );
					deleteContents( output );
				}
			}
			Files.createDirectories( output );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot prepare the output folder " + output, e );
		}
	}

	private static void deleteContents( final Path folder ) throws IOException
	{
		try ( Stream< Path > s = Files.walk( folder ) )
		{
			for ( final Path p : ( Iterable< Path > ) s.sorted( Comparator.reverseOrder() )::iterator )
				if ( !p.equals( folder ) )
					Files.delete( p );
		}
	}
}
