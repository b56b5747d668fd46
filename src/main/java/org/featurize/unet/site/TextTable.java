package org.featurize.unet.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the small whitespace-separated tables under {@code fiji-update-site/}; {@code #} starts a comment. */
final class TextTable
{
	private TextTable()
	{}

	/** The non-empty lines of {@code file}, each split into exactly {@code columns} fields. */
	static List< String[] > read( final Path file, final int columns )
	{
		final List< String > lines;
		try
		{
			lines = Files.readAllLines( file, StandardCharsets.UTF_8 );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read " + file, e );
		}
		final List< String[] > rows = new ArrayList<>();
		for ( int i = 0; i < lines.size(); i++ )
		{
			final String line = lines.get( i ).replaceFirst( "#.*", "" ).strip();
			if ( line.isEmpty() )
				continue;
			final String[] fields = line.split( "\\s+" );
			if ( fields.length != columns )
				throw new SiteException( String.format( "%s line %d: expected %d fields, found %d: \"%s\"", file,
						i + 1, columns, fields.length, line ) );
			rows.add( fields );
		}
		return rows;
	}
}
