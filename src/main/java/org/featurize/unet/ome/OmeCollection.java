package org.featurize.unet.ome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;
import org.featurize.unet.zarr.ZarrGroup;

/**
 * A Zarr group that holds images rather than being one: what converters and microscopes write around their
 * OME-Zarr images. Three kinds are known:
 * <ul>
 * <li>bioformats2raw's layout (attribute {@code bioformats2raw.layout}): one image per series, at {@code 0},
 * {@code 1}, ..., listed by the {@code series} attribute of its {@code OME} group where that exists;</li>
 * <li>an NGFF high-content screening plate ({@code plate}): wells ({@code plate.wells[].path}), each a group whose
 * {@code well.images[].path} are its fields;</li>
 * <li>a well on its own ({@code well}).</li>
 * </ul>
 * A collection of one image opens as that image. A collection of several, or a group that is neither an image nor a
 * collection, is described by {@link #describe} so that an error can name what there is to choose from.
 */
public final class OmeCollection
{
	/** How many paths a message lists before it says how many more there are. */
	private static final int LISTED = 12;

	private final String kind;

	private final List< String > images;

	private OmeCollection( final String kind, final List< String > images )
	{
		this.kind = kind;
		this.images = List.copyOf( images );
	}

	/**
	 * The collection that {@code group} is, or null when its attributes declare none of the known kinds.
	 *
	 * @throws OmeException if the attributes declare a collection but do not say where its images are
	 */
	public static OmeCollection of( final ZarrGroup group )
	{
		final Map< String, Object > attributes = attributes( group );
		if ( attributes.containsKey( "bioformats2raw.layout" ) )
			return new OmeCollection( "bioformats2raw collection", series( group ) );
		if ( attributes.get( "plate" ) instanceof Map )
			return new OmeCollection( "OME-Zarr plate", plate( group, OmeInput.asMap( attributes.get( "plate" ) ) ) );
		if ( attributes.get( "well" ) instanceof Map )
			return new OmeCollection( "OME-Zarr well", fields( group, OmeInput.asMap( attributes.get( "well" ) ), "" ) );
		return null;
	}

	/**
	 * The images of the collection at {@code root}, where it holds more than one: each is an input of its own in a
	 * run over many inputs. Empty for anything else (an image, an array, a collection of one image, a group that is not
	 * a collection, or metadata that cannot be read, which the run over that input then reports).
	 */
	public static List< String > severalImages( final Path root )
	{
		try
		{
			final OmeCollection collection = OmeInput.multiscale( ZarrGroup.open( root, "" ) ) != null ? null : of( ZarrGroup.open( root, "" ) );
			return collection == null || collection.images().size() < 2 ? List.of() : collection.images();
		}
		catch ( final ZarrException | OmeException e )
		{
			return List.of();
		}
	}

	/** What kind of collection this is, for messages ("bioformats2raw collection", "OME-Zarr plate", "OME-Zarr well"). */
	public String kind()
	{
		return kind;
	}

	/** The paths of its images, relative to the collection's group, in the order its metadata give them. */
	public List< String > images()
	{
		return images;
	}

	/**
	 * What a group holds, for a message that asks the user to choose: its images (groups with {@code multiscales})
	 * and arrays with their shapes and data types, one level down.
	 */
	public static String describe( final ZarrGroup group )
	{
		final List< String > entries = new ArrayList<>();
		for ( final String child : group.children() )
		{
			final String path = group.groupPath().isEmpty() ? child : group.groupPath() + "/" + child;
			try
			{
				final ZarrArray array = ZarrArray.open( group.root(), path );
				entries.add( child + " (array " + java.util.Arrays.toString( array.shape() ) + " " + array.dataType().v3Name() + ")" );
				continue;
			}
			catch ( final ZarrException e )
			{
				// not an array: a group, or no Zarr node at all
			}
			try
			{
				final ZarrGroup sub = ZarrGroup.open( group.root(), path );
				entries.add( child + ( OmeInput.multiscale( sub ) != null ? " (OME-Zarr image)" : " (group)" ) );
			}
			catch ( final ZarrException | OmeException e )
			{
				// neither: a stray folder or file, not offered
			}
		}
		return entries.isEmpty() ? "nothing (no arrays or groups in it)" : list( entries );
	}

	/** {@code path} where it names a node inside the collection: relative, without empty, {@code .} or {@code ..} parts. */
	private static String inside( final String path, final String where )
	{
		for ( final String part : path.split( "/", -1 ) )
			if ( part.isEmpty() || part.equals( "." ) || part.equals( ".." ) || part.contains( "\\" ) )
				throw new OmeException( where + ": the image path \"" + path + "\" does not name a node inside the collection "
						+ "(expected a relative path such as 0 or A/1/0)" );
		return path;
	}

	/** Up to {@link #LISTED} items, then how many more. */
	static String list( final List< String > items )
	{
		final StringBuilder sb = new StringBuilder();
		for ( int i = 0; i < Math.min( items.size(), LISTED ); i++ )
			sb.append( i == 0 ? "" : ", " ).append( items.get( i ) );
		if ( items.size() > LISTED )
			sb.append( " and " ).append( items.size() - LISTED ).append( " more" );
		return sb.toString();
	}

	private static Map< String, Object > attributes( final ZarrGroup group )
	{
		final Map< String, Object > attributes = group.attributes();
		if ( attributes == null )
			return Map.of();
		if ( attributes.get( "ome" ) instanceof Map ) // NGFF 0.5 keeps its keys under "ome"
		{
			final Map< String, Object > merged = new java.util.LinkedHashMap<>( attributes );
			merged.putAll( OmeInput.asMap( attributes.get( "ome" ) ) );
			return merged;
		}
		return attributes;
	}

	/** bioformats2raw's series: the OME group's {@code series} list, else the groups named 0, 1, 2, ... in order. */
	private static List< String > series( final ZarrGroup group )
	{
		final String where = "bioformats2raw collection " + group.path();
		final String omePath = group.groupPath().isEmpty() ? "OME" : group.groupPath() + "/OME";
		try
		{
			final Object listed = ZarrGroup.open( group.root(), omePath ).attributes().get( "series" );
			if ( listed instanceof List && !( ( List< ? > ) listed ).isEmpty() )
			{
				final List< String > series = new ArrayList<>();
				for ( final Object s : ( List< ? > ) listed )
				{
					if ( !( s instanceof String ) || ( ( String ) s ).isBlank() )
						throw new OmeException( where + ": OME/.zattrs \"series\" must list the images' paths as strings, found " + listed );
					series.add( inside( ( String ) s, where ) );
				}
				return series;
			}
		}
		catch ( final ZarrException e )
		{
			// no OME group: the numbered groups are the series
		}
		final List< Integer > numbers = new ArrayList<>();
		for ( final String child : group.children() )
			if ( child.matches( "[0-9]{1,9}" ) )
				numbers.add( Integer.parseInt( child ) );
		numbers.sort( null );
		if ( numbers.isEmpty() )
			throw new OmeException( where + " holds no series: expected groups named 0, 1, ... (or an OME group whose \"series\" lists them)" );
		return numbers.stream().map( String::valueOf ).toList();
	}

	/** A plate's fields: each well's images, in the order of {@code plate.wells} and of each well's {@code well.images}. */
	private static List< String > plate( final ZarrGroup group, final Map< String, Object > plate )
	{
		final String where = "OME-Zarr plate " + group.path();
		if ( !( plate.get( "wells" ) instanceof List ) || ( ( List< ? > ) plate.get( "wells" ) ).isEmpty() )
			throw new OmeException( where + ": \"plate.wells\" must be a non-empty list of objects with a \"path\", found " + plate.get( "wells" ) );
		final List< String > images = new ArrayList<>();
		for ( final Object w : ( List< ? > ) plate.get( "wells" ) )
		{
			final Map< String, Object > well = OmeInput.asMap( w );
			if ( well == null || !( well.get( "path" ) instanceof String ) )
				throw new OmeException( where + ": a well must be an object with a \"path\", found " + w );
			final String path = inside( ( String ) well.get( "path" ), where );
			final String wellPath = group.groupPath().isEmpty() ? path : group.groupPath() + "/" + path;
			final ZarrGroup wellGroup;
			try
			{
				wellGroup = ZarrGroup.open( group.root(), wellPath );
			}
			catch ( final ZarrException e )
			{
				throw new OmeException( where + ": well " + path + " is listed in \"plate.wells\" but " + e.getMessage(), e );
			}
			final Map< String, Object > wellAttributes = attributes( wellGroup );
			if ( !( wellAttributes.get( "well" ) instanceof Map ) )
				throw new OmeException( where + ": well " + path + " has no \"well\" attribute listing its images" );
			images.addAll( fields( wellGroup, OmeInput.asMap( wellAttributes.get( "well" ) ), path + "/" ) );
		}
		return images;
	}

	/** A well's fields, each prefixed by {@code prefix} (the well's path in its plate, or nothing). */
	private static List< String > fields( final ZarrGroup group, final Map< String, Object > well, final String prefix )
	{
		if ( !( well.get( "images" ) instanceof List ) || ( ( List< ? > ) well.get( "images" ) ).isEmpty() )
			throw new OmeException( "OME-Zarr well " + group.path() + ": \"well.images\" must be a non-empty list of objects with a \"path\", found "
					+ well.get( "images" ) );
		final List< String > images = new ArrayList<>();
		for ( final Object i : ( List< ? > ) well.get( "images" ) )
		{
			final Map< String, Object > image = OmeInput.asMap( i );
			if ( image == null || !( image.get( "path" ) instanceof String ) )
				throw new OmeException( "OME-Zarr well " + group.path() + ": an image must be an object with a \"path\", found " + i );
			images.add( prefix + inside( ( String ) image.get( "path" ), "OME-Zarr well " + group.path() ) );
		}
		return images;
	}
}
