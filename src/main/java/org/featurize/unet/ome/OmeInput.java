package org.featurize.unet.ome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrAxes;
import org.featurize.unet.zarr.ZarrException;
import org.featurize.unet.zarr.ZarrGroup;
import org.featurize.unet.zarr.ZarrImages;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * An OME-Zarr image given as input: a group whose attributes hold {@code multiscales} (NGFF 0.1 to 0.4 in
 * {@code .zattrs}; 0.5 under {@code ome} in {@code zarr.json}). It is read at its full-resolution level (the
 * first dataset), or at another level ({@link #level(int)}: its scale and translation say where it lies), with its axes: at most one time axis, then at most one channel axis, then two or three space
 * axes, the last two being y and x. The channel axis is left out of {@link #shape()} and {@link #axes()}: which
 * channel is read is chosen by the caller ({@code input.InputView}), by index or by its {@code omero} label. What
 * remains is a {@code ([t,] [z,] y, x)} volume as the rest of the tool expects.
 */
public final class OmeInput
{
	private final ZarrArray array;

	private final ZarrGroup group;

	private final Map< String, Object > multiscale;

	/** The level read, and how many the image has. */
	private final int level, levels;

	private final List< OmeAxis > axes;

	private final int channelAxis;

	private final String name;

	private final List< String > labels;

	private OmeInput( final ZarrGroup group, final Map< String, Object > multiscale, final int level, final int levels, final ZarrArray array,
			final List< OmeAxis > axes, final int channelAxis, final String name, final List< String > labels )
	{
		this.group = group;
		this.multiscale = multiscale;
		this.level = level;
		this.levels = levels;
		this.array = array;
		this.axes = axes;
		this.channelAxis = channelAxis;
		this.name = name;
		this.labels = labels;
	}

	/**
	 * The OME-Zarr image at {@code root/dataset}, or null when that is not a group with {@code multiscales}
	 * (then it is read as a plain Zarr array, or refused as such). A collection of images ({@link OmeCollection}:
	 * bioformats2raw's layout, a plate, a well) that holds one image is that image; one that holds several is refused
	 * with their paths.
	 */
	public static OmeInput probe( final Path root, final String dataset )
	{
		final ZarrGroup group;
		try
		{
			group = ZarrGroup.open( root, dataset == null ? "" : dataset );
		}
		catch ( final ZarrException e )
		{
			return null;
		}
		final Map< String, Object > multiscale = multiscale( group );
		if ( multiscale != null )
			return open( group, multiscale, 0 );
		final OmeCollection collection = OmeCollection.of( group );
		if ( collection == null )
			return null;
		final List< String > images = collection.images();
		if ( images.size() > 1 )
			throw new OmeException( String.format( "%s is %s %s of %d images: %s. Featurize one with dataset=PATH (bin/featurize --dataset=%s), "
					+ "or all of them with a run over many inputs (bin/featurize --output-dir DIR %s; UNet (Folder)), which takes each as an "
					+ "input of its own", group.path(), collection.kind().startsWith( "OME" ) ? "an" : "a", collection.kind(), images.size(), OmeCollection.list( images ),
					images.get( 0 ), group.path() ) );
		final String path = group.groupPath().isEmpty() ? images.get( 0 ) : group.groupPath() + "/" + images.get( 0 );
		final String where = collection.kind() + " " + group.path() + ": its one image, " + images.get( 0 ) + ",";
		final ZarrGroup image;
		try
		{
			image = ZarrGroup.open( group.root(), path );
		}
		catch ( final ZarrException e )
		{
			throw new OmeException( where + " is not an OME-Zarr image (" + e.getMessage() + ")", e );
		}
		final Map< String, Object > imageMultiscale = multiscale( image );
		if ( imageMultiscale == null )
			throw new OmeException( where + " is a group without \"multiscales\": not an OME-Zarr image" );
		return open( image, imageMultiscale, 0 );
	}

	/** The same image read at resolution level {@code k} (its {@code k}-th dataset), {@code 0 <= k < }{@link #levels()}. */
	public OmeInput level( final int k )
	{
		if ( k < 0 || k >= levels )
			throw new IndexOutOfBoundsException( "Level " + k + " of " + levels );
		return k == level ? this : open( group, multiscale, k );
	}

	/** The level read: 0 for full resolution. */
	public int level()
	{
		return level;
	}

	/** How many resolution levels (datasets) the image has. */
	public int levels()
	{
		return levels;
	}

	/** The {@code omero.channels[].label} of a group's attributes (NGFF 0.4, or under {@code ome} in 0.5), null where one is missing. */
	static List< String > labels( final ZarrGroup group )
	{
		Map< String, Object > attributes = group.attributes();
		if ( attributes == null )
			return List.of();
		if ( !attributes.containsKey( "omero" ) && attributes.get( "ome" ) instanceof Map )
			attributes = asMap( attributes.get( "ome" ) );
		final Map< String, Object > omero = asMap( attributes.get( "omero" ) );
		if ( omero == null || !( omero.get( "channels" ) instanceof List ) )
			return List.of();
		final List< String > labels = new ArrayList<>();
		for ( final Object c : ( List< ? > ) omero.get( "channels" ) )
			labels.add( asMap( c ) != null && asMap( c ).get( "label" ) instanceof String ? ( String ) asMap( c ).get( "label" ) : null );
		return labels;
	}

	/** The first {@code multiscales} entry of a group's attributes, or null. */
	static Map< String, Object > multiscale( final ZarrGroup group )
	{
		Map< String, Object > attributes = group.attributes();
		if ( attributes == null )
			return null;
		if ( !attributes.containsKey( "multiscales" ) && attributes.get( "ome" ) instanceof Map )
			attributes = asMap( attributes.get( "ome" ) );
		final Object multiscales = attributes.get( "multiscales" );
		if ( multiscales == null )
			return null;
		if ( !( multiscales instanceof List ) || ( ( List< ? > ) multiscales ).isEmpty() || !( ( ( List< ? > ) multiscales ).get( 0 ) instanceof Map ) )
			throw new OmeException( "OME-Zarr " + group.path() + ": \"multiscales\" must be a non-empty list of objects, found " + multiscales );
		return asMap( ( ( List< ? > ) multiscales ).get( 0 ) );
	}

	private static OmeInput open( final ZarrGroup group, final Map< String, Object > multiscale, final int level )
	{
		final String where = "OME-Zarr " + group.path();
		final Object datasets = multiscale.get( "datasets" );
		if ( !( datasets instanceof List ) || ( ( List< ? > ) datasets ).isEmpty() || !( ( ( List< ? > ) datasets ).get( level ) instanceof Map ) )
			throw new OmeException( where + ": \"multiscales[0].datasets\" must be a non-empty list of objects, found " + datasets );
		final int levels = ( ( List< ? > ) datasets ).size();
		final Map< String, Object > first = asMap( ( ( List< ? > ) datasets ).get( level ) );
		if ( !( first.get( "path" ) instanceof String ) )
			throw new OmeException( where + ": dataset " + level + " has no \"path\"" );
		final String path = ( String ) first.get( "path" );
		final String arrayPath = group.groupPath().isEmpty() ? path : group.groupPath() + "/" + path;
		final ZarrArray array = ZarrArray.open( group.root(), arrayPath );
		final int rank = array.shape().length;

		final List< Map< String, Object > > declared = axes( multiscale, rank, where );
		final double[] scale = new double[ rank ], translation = new double[ rank ];
		Arrays.fill( scale, 1 );
		transforms( first.get( "coordinateTransformations" ), scale, translation, where + " dataset \"" + path + "\"" );
		transforms( multiscale.get( "coordinateTransformations" ), scale, translation, where + " multiscales[0]" );
		final List< OmeAxis > axes = new ArrayList<>();
		for ( int d = 0; d < rank; d++ )
		{
			final Map< String, Object > a = declared.get( d );
			axes.add( new OmeAxis( ( String ) a.get( "name" ), ( String ) a.get( "type" ),
					a.get( "unit" ) instanceof String ? ( String ) a.get( "unit" ) : null, scale[ d ], translation[ d ] ) );
		}
		final int channel = check( axes, where );
		final String name = multiscale.get( "name" ) instanceof String ? ( String ) multiscale.get( "name" )
				: group.path().getFileName() == null ? "image" : group.path().getFileName().toString(); // a zip's root has no name
		final List< String > labels = labels( group );
		return new OmeInput( group, multiscale, level, levels, array, axes, channel, name,
				channel >= 0 && labels.size() == array.shape()[ channel ] ? java.util.Collections.unmodifiableList( labels ) : List.of() );
	}

	/** The axes as maps with name and type, from NGFF 0.4's objects, 0.3's names, or 0.1/0.2's fixed order. */
	private static List< Map< String, Object > > axes( final Map< String, Object > multiscale, final int rank, final String where )
	{
		Object axes = multiscale.get( "axes" );
		if ( axes == null )
		{
			if ( rank != 5 )
				throw new OmeException( where + " gives no \"axes\" (NGFF before 0.3: (t, c, z, y, x)), but its first level has "
						+ rank + " dimensions" );
			axes = List.of( "t", "c", "z", "y", "x" );
		}
		if ( !( axes instanceof List ) || ( ( List< ? > ) axes ).size() != rank )
			throw new OmeException( String.format( "%s: \"axes\" must list one axis per dimension of the first level (%d), found %s",
					where, rank, axes ) );
		final List< Map< String, Object > > out = new ArrayList<>();
		for ( final Object a : ( List< ? > ) axes )
		{
			final Map< String, Object > axis;
			if ( a instanceof String )
				axis = new java.util.LinkedHashMap<>( Map.of( "name", a, "type", typeOfName( ( String ) a ) ) );
			else if ( a instanceof Map && asMap( a ).get( "name" ) instanceof String )
			{
				axis = new java.util.LinkedHashMap<>( asMap( a ) );
				if ( !( axis.get( "type" ) instanceof String ) )
					axis.put( "type", typeOfName( ( String ) axis.get( "name" ) ) );
			}
			else
				throw new OmeException( where + ": an axis must be a name or an object with \"name\", found " + a );
			out.add( axis );
		}
		return out;
	}

	private static String typeOfName( final String name )
	{
		switch ( name.toLowerCase( Locale.ROOT ) )
		{
		case "t":
			return OmeAxis.TIME;
		case "c":
			return OmeAxis.CHANNEL;
		case "x":
		case "y":
		case "z":
			return OmeAxis.SPACE;
		default:
			return "";
		}
	}

	/** Applies a list of NGFF scale and translation transforms to per-axis scale and translation. */
	private static void transforms( final Object list, final double[] scale, final double[] translation, final String where )
	{
		if ( list == null )
			return;
		if ( !( list instanceof List ) )
			throw new OmeException( where + ": \"coordinateTransformations\" must be a list, found " + list );
		for ( final Object t : ( List< ? > ) list )
		{
			final Map< String, Object > transform = asMap( t );
			final String type = transform == null ? null : String.valueOf( transform.get( "type" ) );
			if ( "identity".equals( type ) )
				continue;
			if ( !"scale".equals( type ) && !"translation".equals( type ) )
				throw new OmeException( where + ": only scale and translation transforms given as lists of numbers are supported, found " + t );
			final Object values = transform.get( type );
			if ( !( values instanceof List ) || ( ( List< ? > ) values ).size() != scale.length )
				throw new OmeException( String.format( "%s: a %s needs %d numbers (one per axis), found %s", where, type, scale.length, values ) );
			for ( int d = 0; d < scale.length; d++ )
			{
				final Object v = ( ( List< ? > ) values ).get( d );
				if ( !( v instanceof Number ) )
					throw new OmeException( where + ": " + type + " values must be numbers, found " + values );
				final double x = ( ( Number ) v ).doubleValue();
				if ( type.equals( "scale" ) )
				{
					scale[ d ] *= x;
					translation[ d ] *= x;
				}
				else
					translation[ d ] += x;
			}
		}
	}

	/** Checks the order and kinds of the axes; returns the channel axis, or -1. */
	private static int check( final List< OmeAxis > axes, final String where )
	{
		int channel = -1, time = -1, space = 0;
		for ( int d = 0; d < axes.size(); d++ )
		{
			final OmeAxis a = axes.get( d );
			switch ( a.type() )
			{
			case OmeAxis.TIME:
				if ( time >= 0 || channel >= 0 || space > 0 )
					throw order( where, axes );
				time = d;
				break;
			case OmeAxis.CHANNEL:
				if ( channel >= 0 || space > 0 )
					throw order( where, axes );
				channel = d;
				break;
			case OmeAxis.SPACE:
				space++;
				break;
			default:
				throw new OmeException( String.format( "%s has an axis \"%s\" of type \"%s\"; only time, channel and space axes are supported",
						where, a.name(), a.type() ) );
			}
		}
		if ( space < 2 || space > 3 ) // time and channel come first (checked above), so the space axes are the last ones
			throw new OmeException( String.format( "%s has %d space axes %s; expected 2 or 3 (y, x or z, y, x)", where, space, axes ) );
		return channel;
	}

	private static OmeException order( final String where, final List< OmeAxis > axes )
	{
		return new OmeException( where + " has axes " + axes + " in an order NGFF does not allow: expected time, then channel, then space" );
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > asMap( final Object o )
	{
		return o instanceof Map ? ( Map< String, Object > ) o : null;
	}

	/** The channel axis of the arrays (NumPy order), or -1 when there is none. */
	public int channelAxis()
	{
		return channelAxis;
	}

	/** The channel axis' name ("c"), or null when there is none. */
	public String channelAxisName()
	{
		return channelAxis < 0 ? null : axes.get( channelAxis ).name();
	}

	/** The channels' labels ({@code omero.channels[].label}, null where one has none), or an empty list when the image names none. */
	public List< String > channelLabels()
	{
		return labels;
	}

	/** The array of the level read (full resolution unless {@link #level(int)} chose another), with all its axes (the channel axis included). */
	public ZarrArray array()
	{
		return array;
	}

	/** The image's name (multiscales' name, else the group's folder name). */
	public String name()
	{
		return name;
	}

	/**
	 * The axes without the channel axis, NumPy order: ([t,] [z,] y, x), with the scale and translation of the level
	 * read (in the image's coordinates, the level's pixels' size and where its first pixel's centre lies).
	 */
	public List< OmeAxis > axes()
	{
		final List< OmeAxis > kept = new ArrayList<>( axes );
		if ( channelAxis >= 0 )
			kept.remove( channelAxis );
		return kept;
	}

	/** The shape without the channel axis, NumPy order. */
	public long[] shape()
	{
		final long[] shape = array.shape();
		if ( channelAxis < 0 )
			return shape;
		final long[] out = new long[ shape.length - 1 ];
		for ( int d = 0, i = 0; d < shape.length; d++ )
			if ( d != channelAxis )
				out[ i++ ] = shape[ d ];
		return out;
	}

	/** The full-resolution level's first channel as a lazy image without the channel axis, ImgLib2 order (x, y[, z][, t]). */
	public < T extends NativeType< T > & RealType< T > > RandomAccessibleInterval< T > image( final long cacheBytes )
	{
		final RandomAccessibleInterval< T > all = ZarrImages.open( array, cacheBytes );
		if ( channelAxis < 0 )
			return all;
		return Views.hyperSlice( all, ZarrAxes.toImgLib2Axis( channelAxis, array.shape().length ), 0 );
	}

	@Override
	public String toString()
	{
		return "OME-Zarr " + array.path() + " (level " + level + " of " + levels + "), axes " + axes;
	}
}
