package org.featurize.unet.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.ome.OmeAxis;
import org.featurize.unet.ome.OmeCollection;
import org.featurize.unet.ome.OmeInput;
import org.featurize.unet.ome.OmeLayout;
import org.featurize.unet.zarr.Hdf5Arrays;
import org.featurize.unet.zarr.N5Images;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrAxes;
import org.featurize.unet.zarr.ZarrException;
import org.featurize.unet.zarr.ZarrGroup;
import org.featurize.unet.zarr.ZarrImages;
import org.featurize.unet.zarr.ZipStores;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * The part of an input that a run featurizes: a plain Zarr array or an OME-Zarr image, cut to a {@link Region}
 * (all of it by default), one of its channels or each of them, at one of its resolution levels. Opened and checked once, before anything is written;
 * every front end (the command, the launcher, the Spark driver and its executors) reads the input through it, so they
 * featurize the same pixels. The region is a view of the input: its planes are read with their context from outside
 * the region ({@link PlaneReader#PlaneReader(RandomAccessibleInterval, Interval)}), so that its features are those of
 * the whole input there; the output has the region's shape, and its OME axes the region's translation.
 * <p>
 * The channel axis is an OME-Zarr image's axis of type {@code channel}, or a plain array's axis named {@code c} in its
 * {@code _ARRAY_DIMENSIONS} (xarray's attribute), or the axis that {@code channel_axis} declares. An input with several channels needs {@code channel}: an index, a
 * name (the image's {@code omero.channels[].label}) or {@code all}; channels without a label are named {@code c0},
 * {@code c1}, ...
 */
public final class InputView
{
	private final Path root;

	private final ZarrArray array;

	private final OmeInput ome;

	private final long[] wholeShape;

	private final List< OmeAxis > axes;

	private final Region region;

	private final long[][] bounds;

	/** The array's channel axis (NumPy order), or -1. */
	private final int channelAxis;

	/** The channels read, by index; {0} without a channel axis. */
	private final int[] channels;

	/** Every channel's name. */
	private final List< String > names;

	/** Whether each channel goes through the model separately ({@code channel=all}). */
	private final boolean each;

	/** The channel as given, or null. */
	private final String channel;

	/** The level as given, or null. */
	private final Integer level;

	/** The channel axis as given, or null. */
	private final Integer declaredChannelAxis;

	private InputView( final Path root, final ZarrArray array, final OmeInput ome, final long[] wholeShape, final List< OmeAxis > axes,
			final Region region, final long[][] bounds, final int channelAxis, final List< String > names, final String channel, final Integer level,
			final Integer declaredChannelAxis )
	{
		this.level = level;
		this.declaredChannelAxis = declaredChannelAxis;
		this.root = root;
		this.array = array;
		this.ome = ome;
		this.wholeShape = wholeShape;
		this.axes = axes;
		this.region = region;
		this.bounds = bounds;
		this.channelAxis = channelAxis;
		this.names = names;
		this.channel = channel;
		this.each = Selection.ALL_CHANNELS.equalsIgnoreCase( channel );
		this.channels = each ? java.util.stream.IntStream.range( 0, names.size() ).toArray() : new int[] { index( channel ) };
	}

	/**
	 * Opens {@code root/dataset} (an OME-Zarr image, a plain array of 2, 3 or 4 dimensions, or an N5 dataset, whose
	 * levels are its pyramid's {@code s0, s1, ...}) and resolves the part of it that {@code selection} chooses; refuses a
	 * region that does not fit the input.
	 */
	public static InputView open( final Path input, final String dataset, final Selection selection )
	{
		final String region = selection.region();
		final String where = "Input " + ( dataset == null || dataset.isEmpty() ? input : input.resolve( dataset ) );
		final Path root = ZipStores.root( input ); // a zipped store is read in place
		final ZarrArray hdf5 = openHdf5( root, dataset, selection.level(), where ); // null unless an HDF5 file
		final OmeInput probed = hdf5 != null ? null : OmeInput.probe( root, dataset ); // null unless the input is an OME-Zarr image
		final String n5 = hdf5 == null && probed == null ? n5Level( root, dataset, selection.level(), where ) : null; // null unless an N5 dataset
		final OmeInput ome = hdf5 != null || n5 != null ? null : level( probed, selection.level(), where );
		if ( ome == null && hdf5 == null )
			refuseGroup( root, dataset, where );
		final ZarrArray array = hdf5 != null ? hdf5 : ome != null ? ome.array() : ZarrArray.open( root, n5 != null ? n5 : n5Image( root, dataset ) );
		final int channelAxis = channelAxis( array, ome, selection.channelAxis(), where );
		final long[] shape = without( array.shape(), channelAxis );
		if ( shape.length < 2 || shape.length > 4 )
			throw new FeaturizeException( String.format(
					"Input %s has %d dimension%s (shape %s); expected 2, 3 or 4: (y, x), (z, y, x) or (t, z, y, x)%s",
					array.path(), shape.length, shape.length == 1 ? "" : "s", Arrays.toString( shape ),
					ome == null && channelAxis < 0 && shape.length == 5 ? ", or a channel axis more: name it \"c\" in the array's "
							+ "_ARRAY_DIMENSIONS, or say which it is with channel_axis" : "" ) );
		final List< OmeAxis > axes = ome != null ? ome.axes() : OmeLayout.defaultAxes( shape.length );
		final Region r = Region.parse( region );
		final long[][] bounds;
		if ( r != null )
			bounds = r.resolve( shape, axes.stream().map( OmeAxis::name ).toList() );
		else
		{
			bounds = new long[ shape.length ][];
			for ( int d = 0; d < shape.length; d++ )
				bounds[ d ] = new long[] { 0, shape[ d ] };
		}
		final List< String > names = new ArrayList<>();
		final long count = channelAxis < 0 ? 1 : array.shape()[ channelAxis ];
		final List< String > labels = ome != null ? ome.channelLabels() : List.of();
		for ( int c = 0; c < count; c++ )
			names.add( c < labels.size() && labels.get( c ) != null && !labels.get( c ).isBlank() ? labels.get( c ) : "c" + c );
		final String channel = selection.channel() == null || selection.channel().isBlank() ? null : selection.channel().trim();
		if ( channel == null && count > 1 )
			throw new InputException( String.format( "%s has %d channels (axis \"%s\"): %s; the model takes one: choose one with channel= "
					+ "(an index or a name), or channel=all to featurize each separately", where, count, axisName( ome, array, channelAxis ),
					list( names ) ) );
		if ( channel != null && !Selection.ALL_CHANNELS.equalsIgnoreCase( channel ) && find( channel, names ) < 0 )
			throw new InputException( String.format( "channel=%s does not exist: %s has %d channel%s%s: %s", channel, where, count,
					count == 1 ? "" : "s", channelAxis < 0 ? " (no channel axis)" : " (axis \"" + axisName( ome, array, channelAxis ) + "\")",
					list( names ) ) );
		return new InputView( input, array, ome, shape, axes, r, bounds, channelAxis, List.copyOf( names ), channel, selection.level(),
				selection.channelAxis() );
	}

	/**
	 * Refuses {@code root/dataset} where it is a group that is neither an OME-Zarr image nor a collection of one,
	 * naming what it holds; returns where it is no group.
	 */
	public static void refuseGroup( final Path root, final String dataset, final String where )
	{
		final ZarrGroup group;
		try
		{
			group = ZarrGroup.open( root, dataset == null ? "" : dataset );
		}
		catch ( final ZarrException e )
		{
			return; // not a group: opened as an array, or refused as one
		}
		throw new InputException( String.format( "%s is a Zarr group, not an array or an OME-Zarr image (no \"multiscales\" in its attributes). "
				+ "It holds %s: give the array or image to featurize with dataset=PATH (bin/featurize --dataset=PATH)", where,
				OmeCollection.describe( group ) ) );
	}

	/**
	 * The dataset to open where {@code root/dataset} is an N5 group of one image (BigDataViewer's
	 * {@code setup0/timepoint0/s0}, a pyramid's {@code s0}): that image's full resolution; else {@code dataset} as given.
	 */
	public static String n5Image( final Path root, final String dataset )
	{
		final boolean none = dataset == null || dataset.isEmpty();
		final Path dir = none ? root : root.resolve( dataset );
		if ( !N5Images.isGroup( dir ) )
			return dataset;
		final List< String > images = N5Images.images( dir );
		return images.size() == 1 ? ( none ? "" : dataset + "/" ) + images.get( 0 ) : dataset;
	}

	/**
	 * The array of {@code root/dataset} where {@code root} is an HDF5 file or a path into one: the dataset, or a
	 * group's one image, at {@code level} (null: 0): BigDataViewer's {@code tT/sS/K/cells}, Imaris'
	 * {@code ResolutionLevel K}; refused where there is no such level. Null where {@code root} is no HDF5 file.
	 */
	public static ZarrArray openHdf5( final Path root, final String dataset, final Integer level, final String where )
	{
		final Object[] h5 = Hdf5Arrays.split( root );
		if ( h5 == null )
			return null;
		final Path file = ( Path ) h5[ 0 ];
		final String inner = ( String ) h5[ 1 ];
		final String given = dataset == null ? "" : dataset.replaceAll( "^/+|/+$", "" );
		String image = inner.isEmpty() ? given : given.isEmpty() ? inner : inner + "/" + given;
		final List< String > images = Hdf5Arrays.images( file, image );
		if ( images.size() == 1 )
			image = ( image.isEmpty() ? "" : image + "/" ) + images.get( 0 );
		if ( level != null && level != 0 )
		{
			final List< String > levels = Hdf5Arrays.levels( file, image );
			if ( level < 0 || level >= levels.size() )
				throw new InputException( String.format( "level=%d does not exist: %s has %d resolution level%s (0 to %d%s)", level, where,
						levels.size(), levels.size() == 1 ? "" : "s", levels.size() - 1, levels.size() == 1
								? "; an HDF5 image has levels where it is a BigDataViewer view (tT/sS/K/cells) or an Imaris image (ResolutionLevel K)"
								: ": " + String.join( ", ", levels ) ) );
			image = levels.get( level );
		}
		return ZarrArray.open( file, image );
	}

	/**
	 * The N5 dataset of {@code root/dataset} at {@code level} (null: level 0): the image's {@code sK} beside its
	 * {@code s0}; refused where there is no such level (a dataset given as the input itself has one level: give the
	 * pyramid's folder as the input). Null where {@code root/dataset} is no N5 dataset or group of one.
	 */
	public static String n5Level( final Path root, final String dataset, final Integer level, final String where )
	{
		final String image = n5Image( root, dataset );
		final Path dir = image == null || image.isEmpty() ? root : root.resolve( image );
		if ( !N5Images.isDataset( dir ) )
			return null;
		if ( level == null || level == 0 )
			return image;
		final List< String > levels = image == null || image.isEmpty() ? List.of( dir.getFileName().toString() ) : N5Images.levels( dir );
		if ( level < 0 || level >= levels.size() )
			throw new InputException( String.format( "level=%d does not exist: %s has %d resolution level%s (0 to %d%s)", level, where, levels.size(),
					levels.size() == 1 ? "" : "s", levels.size() - 1, levels.size() == 1 ? "; an N5 pyramid keeps its levels as s0, s1, ..."
							: ": " + String.join( ", ", levels ) ) );
		final String parent = image.contains( "/" ) ? image.substring( 0, image.lastIndexOf( '/' ) + 1 ) : "";
		return parent + levels.get( level );
	}

	/** The image at {@code level} (null: level 0), refused where it has no such level or is not a multiscale image. */
	private static OmeInput level( final OmeInput ome, final Integer level, final String where )
	{
		if ( level == null )
			return ome;
		if ( ome == null )
			throw new InputException( String.format( "level=%d needs an OME-Zarr multiscale image, but %s is a plain Zarr array (one level, 0)",
					level, where ) );
		if ( level < 0 || level >= ome.levels() )
			throw new InputException( String.format( "level=%d does not exist: %s has %d resolution level%s (0 to %d)", level, where, ome.levels(),
					ome.levels() == 1 ? "" : "s", ome.levels() - 1 ) );
		return ome.level( level );
	}

	/**
	 * The channel axis: an OME-Zarr image's (where {@code declared} is null or says the same), or a plain array's,
	 * {@code declared} or else the one its {@code _ARRAY_DIMENSIONS} names; -1 for none. A declared axis that is
	 * outside the array, one of its last two (y and x), or that contradicts the metadata is refused.
	 */
	private static int channelAxis( final ZarrArray array, final OmeInput ome, final Integer declared, final String where )
	{
		final int named = ome != null ? ome.channelAxis() : plainChannelAxis( array );
		if ( declared == null )
			return named;
		final int rank = array.shape().length;
		if ( declared < 0 || declared >= rank - 2 )
			throw new InputException( String.format( "channel_axis=%d does not fit %s: its shape %s has %d axes, of which the channel axis "
					+ "can be one of the first %d (0 to %d; the last two are y and x)", declared, where, Arrays.toString( array.shape() ), rank,
					Math.max( 0, rank - 2 ), rank - 3 ) );
		if ( ome != null && named != declared )
			throw new InputException( String.format( "channel_axis=%d contradicts %s, whose OME-Zarr metadata declare %s; leave channel_axis "
					+ "empty for OME-Zarr images", declared, where, named < 0 ? "no channel axis" : "axis " + named + " (\"" + ome.channelAxisName()
					+ "\") as the channel axis" ) );
		if ( ome == null && named >= 0 && named != declared )
			throw new InputException( String.format( "channel_axis=%d contradicts %s, whose _ARRAY_DIMENSIONS %s name axis %d the channel axis",
					declared, where, array.attributes().get( "_ARRAY_DIMENSIONS" ), named ) );
		return declared;
	}

	/** A plain array's channel axis: the one its {@code _ARRAY_DIMENSIONS} names {@code c} (or {@code channel}), else -1. */
	public static int plainChannelAxis( final ZarrArray array )
	{
		final Map< String, Object > attributes = array.attributes();
		final Object dims = attributes == null ? null : attributes.get( "_ARRAY_DIMENSIONS" );
		if ( !( dims instanceof List ) || ( ( List< ? > ) dims ).size() != array.shape().length )
			return -1;
		final List< ? > names = ( List< ? > ) dims;
		for ( int d = 0; d < names.size(); d++ )
			if ( "c".equalsIgnoreCase( String.valueOf( names.get( d ) ) ) || "channel".equalsIgnoreCase( String.valueOf( names.get( d ) ) ) )
				return d;
		return -1;
	}

	/** The channel axis's name for messages: the OME axis's, the plain array's {@code _ARRAY_DIMENSIONS} entry, or its index. */
	private static String axisName( final OmeInput ome, final ZarrArray array, final int channelAxis )
	{
		if ( ome != null )
			return ome.channelAxisName();
		return plainChannelAxis( array ) == channelAxis ? String.valueOf( ( ( List< ? > ) array.attributes().get( "_ARRAY_DIMENSIONS" ) ).get( channelAxis ) )
				: Integer.toString( channelAxis );
	}

	private static long[] without( final long[] shape, final int axis )
	{
		if ( axis < 0 )
			return shape;
		final long[] out = new long[ shape.length - 1 ];
		for ( int d = 0, i = 0; d < shape.length; d++ )
			if ( d != axis )
				out[ i++ ] = shape[ d ];
		return out;
	}

	/** The index {@code channel} names (a number, or a name), or -1. */
	private static int find( final String channel, final List< String > names )
	{
		if ( channel.matches( "[0-9]+" ) )
		{
			final long i = Long.parseLong( channel );
			return i < names.size() ? ( int ) i : -1;
		}
		return names.indexOf( channel );
	}

	private int index( final String channel )
	{
		return channel == null ? 0 : find( channel, names );
	}

	/** {@code 0 "DAPI", 1 "GFP"}: the channels as a message lists them. */
	private static String list( final List< String > names )
	{
		final StringBuilder s = new StringBuilder();
		for ( int c = 0; c < names.size(); c++ )
			s.append( c == 0 ? "" : ", " ).append( c ).append( " \"" ).append( names.get( c ) ).append( '"' );
		return s.toString();
	}

	/** The array read (an OME-Zarr image's level: the one chosen, else level 0), with all its axes. */
	public ZarrArray array()
	{
		return array;
	}

	/** The OME-Zarr image, or null for a plain array. */
	public OmeInput ome()
	{
		return ome;
	}

	/** The input's shape without a channel axis, NumPy order. */
	public long[] wholeShape()
	{
		return wholeShape.clone();
	}

	/** The shape featurized: the region's, NumPy order ([t,] [z,] y, x). */
	public long[] shape()
	{
		final long[] shape = new long[ bounds.length ];
		for ( int d = 0; d < shape.length; d++ )
			shape[ d ] = bounds[ d ][ 1 ] - bounds[ d ][ 0 ];
		return shape;
	}

	/** The region, per axis {start, stop}, NumPy order; the whole input when none was given. */
	public long[][] bounds()
	{
		final long[][] out = new long[ bounds.length ][];
		for ( int d = 0; d < out.length; d++ )
			out[ d ] = bounds[ d ].clone();
		return out;
	}

	/** The region given, or null. */
	public Region region()
	{
		return region;
	}

	/**
	 * The axes of the part featurized, NumPy order, without channel: the input's, each translated to the region's
	 * start ({@code translation + start * scale}), so that an OME output lies where the region lies in the input.
	 */
	public List< OmeAxis > axes()
	{
		final List< OmeAxis > out = new ArrayList<>();
		for ( int d = 0; d < axes.size(); d++ )
		{
			final OmeAxis a = axes.get( d );
			out.add( new OmeAxis( a.name(), a.type(), a.unit(), a.scale(), a.translation() + bounds[ d ][ 0 ] * a.scale() ) );
		}
		return out;
	}

	/** The name of the image: OME's, else the input folder's without {@code .zarr}. */
	public String name()
	{
		return ome != null ? ome.name() : root.toAbsolutePath().normalize().getFileName().toString().replaceFirst( "(\\.zip|\\.ozx)$", "" ).replaceFirst( "\\.(ome\\.)?zarr$", "" );
	}

	/** Channel {@code c}'s pixels as a lazy image without a channel axis, ImgLib2 order (x, y[, z[, t]]), of {@code whole} (all the array's axes). */
	private < T extends NativeType< T > & RealType< T > > RandomAccessibleInterval< T > channel( final RandomAccessibleInterval< T > whole, final int c )
	{
		if ( channelAxis < 0 )
			return whole;
		return Views.hyperSlice( whole, ZarrAxes.toImgLib2Axis( channelAxis, array.shape().length ), c );
	}

	/**
	 * Reads the planes of the region of {@code whole} (the array opened as an image, all its axes), their context from
	 * outside it; of every channel chosen, one after the other.
	 */
	public < T extends NativeType< T > & RealType< T > > PlaneReader< T > reader( final RandomAccessibleInterval< T > whole )
	{
		final List< RandomAccessibleInterval< T > > images = new ArrayList<>();
		for ( final int c : channels )
			images.add( channel( whole, c ) );
		return new PlaneReader<>( images, interval( images.get( 0 ) ) );
	}

	/** Whether each channel goes through the model separately ({@code channel=all}): the features are C x K. */
	public boolean eachChannel()
	{
		return each;
	}

	/** The names of the channels read, in order ({@code omero} labels, else {@code c0}, {@code c1}, ...). */
	public List< String > channelNames()
	{
		final List< String > out = new ArrayList<>();
		for ( final int c : channels )
			out.add( names.get( c ) );
		return out;
	}

	/** Reads the planes of the region, the array opened as a lazy image with a chunk cache of {@code cacheBytes}. */
	public < T extends NativeType< T > & RealType< T > > PlaneReader< T > reader( final long cacheBytes )
	{
		return reader( ZarrImages.< T >open( array, cacheBytes ) );
	}

	/** The region as an interval of {@code image} (ImgLib2 order). */
	Interval interval( final RandomAccessibleInterval< ? > image )
	{
		final int n = bounds.length;
		final long[] min = new long[ n ], max = new long[ n ];
		for ( int d = 0; d < n; d++ )
		{
			final int axis = n - 1 - d;
			min[ axis ] = image.min( axis ) + bounds[ d ][ 0 ];
			max[ axis ] = image.min( axis ) + bounds[ d ][ 1 ] - 1;
		}
		return new FinalInterval( min, max );
	}

	/** The number of the array's chunks that the region touches (without its halo). */
	public long chunks()
	{
		final int[] chunk = array.chunkShape();
		long n = 1;
		for ( int d = 0; d < bounds.length; d++ )
		{
			final int c = chunk[ channelAxis >= 0 && channelAxis <= d ? d + 1 : d ]; // the array's axis: past the channel axis
			n *= ( bounds[ d ][ 1 ] - 1 ) / c - bounds[ d ][ 0 ] / c + 1;
		}
		if ( channelAxis >= 0 )
			n *= java.util.Arrays.stream( channels ).map( c -> c / chunk[ channelAxis ] ).distinct().count();
		return n;
	}

	/**
	 * Adds what decides the pixels featurized to a run's parameters: the region, where one was given ({@code region}:
	 * [[start, stop], ...]); the channel, where one was given ({@code channel}: its index, or {@code "all"}); the level,
	 * where one was given ({@code level}); the channel axis, where one was declared ({@code channel_axis}).
	 */
	public void record( final Map< String, Object > parameters )
	{
		if ( region != null )
			parameters.put( "region", Region.toList( bounds ) );
		if ( channel != null )
			parameters.put( "channel", each ? Selection.ALL_CHANNELS : channels[ 0 ] );
		if ( level != null )
			parameters.put( "level", level );
		if ( declaredChannelAxis != null )
			parameters.put( "channel_axis", declaredChannelAxis );
	}

	/**
	 * What this view is of the input, for messages: "the input", or its region and level, e.g. "region 0:2,0:64,0:64 of
	 * level 1 of the input".
	 */
	public String part()
	{
		return ( region != null ? "region " + Region.format( bounds ) + " of " : "" ) + ( level != null && level > 0 ? "level " + level + " of " : "" )
				+ "the input";
	}

	/** For logs: the input, its axes and shape, and the region. */
	@Override
	public String toString()
	{
		return array.path() + ( ome != null ? " (OME-Zarr level " + ome.level() + " of " + ome.levels() + ", axes " + ome.axes() + ")" : "" ) + ", shape " + Arrays.toString( wholeShape )
				+ ( region != null ? ", region " + Region.format( bounds ) + " of shape " + Arrays.toString( shape() ) : "" )
				+ ( channel != null ? ", channel" + ( channels.length == 1 ? " " : "s " ) + String.join( ", ", channelNames() ) : "" );
	}
}
