package org.featurize.unet.plugin;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.input.InputException;
import org.featurize.unet.input.InputView;
import org.featurize.unet.ome.OmeAxis;
import org.featurize.unet.ome.OmeInput;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZipStores;
import org.featurize.unet.zarr.ZarrImages;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * A Zarr array or an OME-Zarr image (one of its resolution levels) opened for looking at: a lazy image over the
 * array's chunks, whatever its data type (float16 is read as float), with its axes in the order ImageJ and
 * BigDataViewer expect. NumPy's {@code (t, [c,] z, y, x)} is ImgLib2's {@code (x, y, [c,] z, t)}: the channel axis
 * (an OME axis of type {@code channel}, or a plain array's axis that {@code _ARRAY_DIMENSIONS} names {@code c}, as in
 * this project's feature output {@code (t, z, y, x, c)}) goes third, wherever it lies in the array. The other axes
 * are, from the last: x, y, then z and t (an OME axis of type {@code time} is t).
 */
public final class ZarrView
{
	/** The axes in the order of {@link #image()} where present: x, y, c, z, t. */
	private static final String ORDER = "xyczt";

	private final ZarrArray array;

	private final RandomAccessibleInterval< ? > image;

	/** The axis of each dimension of {@link #image()}: one of x, y, c, z, t. */
	private final String axes;

	private final String title;

	private ZarrView( final ZarrArray array, final RandomAccessibleInterval< ? > image, final String axes, final String title )
	{
		this.array = array;
		this.image = image;
		this.axes = axes;
		this.title = title;
	}

	/**
	 * Opens {@code root/dataset}: an OME-Zarr image at {@code level} (null: 0), or a plain Zarr array (level null or
	 * 0, its only one).
	 *
	 * @throws FeaturizeException
	 *             when there is no such array or level, or its axes cannot be shown as (x, y, [c,] [z,] [t])
	 */
	public static ZarrView open( final Path input, final String dataset, final Integer level )
	{
		final String where = "Input " + ( dataset == null || dataset.isEmpty() ? input : input.resolve( dataset ) );
		final Path root = ZipStores.root( input ); // a zipped store is read in place
		final ZarrArray hdf5 = InputView.openHdf5( root, dataset, level, where ); // null unless an HDF5 file
		OmeInput ome = hdf5 != null ? null : OmeInput.probe( root, dataset );
		final String n5 = ome == null && hdf5 == null ? InputView.n5Level( root, dataset, level, where ) : null; // null unless an N5 dataset
		if ( ome != null && level != null )
		{
			if ( level < 0 || level >= ome.levels() )
				throw new InputException( String.format( "level=%d does not exist: %s has %d resolution level%s (0 to %d)", level, where,
						ome.levels(), ome.levels() == 1 ? "" : "s", ome.levels() - 1 ) );
			ome = ome.level( level );
		}
		if ( ome == null && n5 == null && hdf5 == null && level != null && level != 0 )
			throw new InputException( String.format( "level=%d needs an OME-Zarr multiscale image, but %s is a plain Zarr array (one level, 0)",
					level, where ) );
		if ( ome == null && hdf5 == null )
			InputView.refuseGroup( root, dataset, where );
		final ZarrArray array = hdf5 != null ? hdf5 : ome != null ? ome.array() : ZarrArray.open( root, n5 != null ? n5 : dataset == null ? "" : dataset );
		final int channelAxis = ome != null ? ome.channelAxis() : InputView.plainChannelAxis( array );
		final char[] roles = roles( array.shape().length, channelAxis, ome == null ? null : ome.axes() );
		if ( roles == null )
			throw new InputException( String.format( "%s has shape %s%s; expected (y, x), (z, y, x) or (t, z, y, x), and a channel axis "
					+ "anywhere", where, Arrays.toString( array.shape() ), channelAxis < 0 ? "" : " with its channel axis at " + channelAxis ) );
		final StringBuilder axes = new StringBuilder(); // ImgLib2 order: the NumPy axes reversed
		for ( int d = roles.length - 1; d >= 0; d-- )
			axes.append( roles[ d ] );
		final RandomAccessibleInterval< ? > image = lazy( array, axes );
		final String name = input.getFileName() == null ? input.toString()
				: input.getFileName().toString().replaceFirst( "(\\.zip|\\.ozx)$", "" ).replaceFirst( "\\.(zarr|ome\\.zarr)$", "" );
		final String title = name + ( dataset == null || dataset.isEmpty() ? "" : "/" + dataset )
				+ ( ome != null && ome.level() > 0 ? " level " + ome.level() : "" );
		return new ZarrView( array, image, axes.toString(), title );
	}

	/**
	 * The role of each NumPy axis: c for the channel axis, then from the last: x, y, then z or t (t for an OME axis of
	 * type time, else z first); null when that makes no sense (fewer than two or more than four other axes, two z or two t).
	 */
	private static char[] roles( final int n, final int channelAxis, final List< OmeAxis > omeAxes )
	{
		final int others = n - ( channelAxis < 0 ? 0 : 1 );
		if ( others < 2 || others > 4 )
			return null;
		final char[] roles = new char[ n ];
		int k = others; // index among the other axes, counted from the end
		boolean z = false, t = false;
		for ( int d = n - 1; d >= 0; d-- )
		{
			if ( d == channelAxis )
			{
				roles[ d ] = 'c';
				continue;
			}
			k--;
			final int fromEnd = others - 1 - k;
			final boolean time = omeAxes != null && OmeAxis.TIME.equals( omeAxes.get( k ).type() );
			if ( fromEnd == 0 )
				roles[ d ] = 'x';
			else if ( fromEnd == 1 )
				roles[ d ] = 'y';
			else if ( !time && !z && !t )
			{
				roles[ d ] = 'z';
				z = true;
			}
			else if ( !t )
			{
				roles[ d ] = 't';
				t = true;
			}
			else
				return null;
		}
		return roles;
	}

	/** The array as a lazy image, its dimensions reordered from {@code axes} to x, y, c, z, t; {@code axes} is updated. */
	private static < T extends NativeType< T > & RealType< T > > RandomAccessibleInterval< T > lazy( final ZarrArray array, final StringBuilder axes )
	{
		final RandomAccessibleInterval< T > image = ZarrImages.open( array, ZarrImages.defaultCacheBytes() );
		return sorted( image, axes );
	}

	/** The image with its dimensions reordered from {@code axes} to x, y, c, z, t; {@code axes} is updated. */
	private static < T > RandomAccessibleInterval< T > sorted( final RandomAccessibleInterval< T > image, final StringBuilder axes )
	{
		RandomAccessibleInterval< T > out = image;
		int i = 0;
		for ( final char role : ORDER.toCharArray() )
		{
			final int j = axes.indexOf( String.valueOf( role ) );
			if ( j < 0 )
				continue;
			if ( j != i )
			{
				out = Views.permute( out, i, j );
				final char a = axes.charAt( i );
				axes.setCharAt( i, role );
				axes.setCharAt( j, a );
			}
			i++;
		}
		return out;
	}

	/** The lazy image, axes (x, y, [c,] [z,] [t]) as the array has them ({@link #axes()}); its type is that of {@link ZarrImages}. */
	@SuppressWarnings( "unchecked" )
	public RandomAccessibleInterval< ? extends RealType< ? > > image()
	{
		return ( RandomAccessibleInterval< ? extends RealType< ? > > ) image;
	}

	/** The axes of {@link #image()}, in its order: "xyz", "xyczt", ... */
	public String axes()
	{
		return axes;
	}

	/** The image with all five axes (x, y, c, z, t), those the array lacks of size 1, as a hyperstack has them. */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public RandomAccessibleInterval< ? extends RealType< ? > > hyperstack()
	{
		RandomAccessibleInterval out = image;
		final StringBuilder all = new StringBuilder( axes );
		for ( final char role : ORDER.toCharArray() )
			if ( all.indexOf( String.valueOf( role ) ) < 0 )
			{
				out = Views.addDimension( out, 0, 0 );
				all.append( role );
			}
		return ( RandomAccessibleInterval< ? extends RealType< ? > > ) sorted( out, all );
	}

	/** The size of an axis (x, y, c, z or t): 1 where the array has none. */
	public long size( final char axis )
	{
		final int d = axes.indexOf( axis );
		return d < 0 ? 1 : image.dimension( d );
	}

	/** The array read (the level's, for an OME-Zarr image). */
	public ZarrArray array()
	{
		return array;
	}

	/** The array's data type. */
	public DataType dataType()
	{
		return array.dataType();
	}

	/** A title for a window: the input's name, the dataset, the level. */
	public String title()
	{
		return title;
	}
}
