package org.featurize.unet.zarr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images of an N5 container: its datasets at full resolution. BigDataViewer's and BigStitcher's N5 keep each
 * view as {@code setupN/timepointM/s0, s1, ...} (s0 the full resolution, the others coarser), n5-viewer and Paintera
 * keep pyramids as {@code s0, s1, ...} likewise; so a dataset {@code sK} with a sibling {@code s0} is a coarser level
 * of the image {@code s0}, and every other dataset is an image of its own.
 */
public final class N5Images
{
	private static final Pattern LEVEL = Pattern.compile( "(.*/)?s(\\d+)" );

	private N5Images()
	{
		// static utility
	}

	/** @return whether the folder is an N5 group: an {@code attributes.json} without a dataset's {@code dimensions} */
	public static boolean isGroup( final Path dir )
	{
		if ( !MetadataN5.isNode( dir ) )
			return false;
		try
		{
			return !MetadataN5.isDataset( Json.readObjectOrNull( dir.resolve( MetadataN5.FILE ) ) );
		}
		catch ( final ZarrException e )
		{
			return false;
		}
	}

	/**
	 * @param group an N5 group
	 * @return the paths, relative to the group, of its images' full-resolution datasets, in natural order
	 *         ({@code setup2} before {@code setup10})
	 */
	public static List< String > images( final Path group )
	{
		final List< String > images = new ArrayList<>();
		for ( final String dataset : MetadataN5.datasetsBelow( group, Integer.MAX_VALUE ) )
		{
			final Matcher m = LEVEL.matcher( dataset );
			if ( m.matches() && !m.group( 2 ).equals( "0" )
					&& Files.isDirectory( group.resolve( ( m.group( 1 ) == null ? "" : m.group( 1 ) ) + "s0" ) ) )
				continue; // a coarser level of the image s0 beside it
			images.add( dataset );
		}
		return images;
	}

	/** @return whether the folder is an N5 dataset: an {@code attributes.json} with {@code dimensions} */
	public static boolean isDataset( final Path dir )
	{
		if ( !MetadataN5.isNode( dir ) )
			return false;
		try
		{
			return MetadataN5.isDataset( Json.readObjectOrNull( dir.resolve( MetadataN5.FILE ) ) );
		}
		catch ( final ZarrException e )
		{
			return false;
		}
	}

	/**
	 * @param image an image's full-resolution dataset
	 * @return the names of its levels, finest first: {@code s0, s1, ...} as long as they follow one another beside an
	 *         {@code s0}; the dataset's own name alone for any other dataset
	 */
	public static List< String > levels( final Path image )
	{
		final String name = image.getFileName().toString();
		final List< String > levels = new ArrayList<>();
		levels.add( name );
		if ( name.equals( "s0" ) )
			for ( int k = 1; isDataset( image.resolveSibling( "s" + k ) ); k++ )
				levels.add( "s" + k );
		return levels;
	}

	/** @return the image's name for outputs and messages: its path without a last {@code /s0} ({@code setup0/timepoint0}) */
	public static String name( final String image )
	{
		return image.endsWith( "/s0" ) ? image.substring( 0, image.length() - 3 ) : image;
	}
}
