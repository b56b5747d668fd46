package org.featurize.unet.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.ome.OmeAxis;
import org.featurize.unet.ome.OmeInput;
import org.featurize.unet.ome.OmeLayout;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrAxes;
import org.featurize.unet.zarr.ZarrImages;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * The part of an input that a run featurizes: a plain Zarr array or an OME-Zarr image, cut to a {@link Region}
 * (all of it by default). Opened and checked once, before anything is written; every front end (the command, the
 * launcher, the Spark driver and its executors) reads the input through it, so they featurize the same pixels.
 * The region is a view of the input: its planes are read with their context from outside the region
 * ({@link PlaneReader#PlaneReader(RandomAccessibleInterval, Interval)}), so that its features are those of the whole
 * input there; the output has the region's shape, and its OME axes the region's translation.
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

	private InputView( final Path root, final ZarrArray array, final OmeInput ome, final long[] wholeShape, final List< OmeAxis > axes,
			final Region region, final long[][] bounds )
	{
		this.root = root;
		this.array = array;
		this.ome = ome;
		this.wholeShape = wholeShape;
		this.axes = axes;
		this.region = region;
		this.bounds = bounds;
	}

	/**
	 * Opens {@code root/dataset} (an OME-Zarr image or a plain array of 2, 3 or 4 dimensions) and resolves the part of
	 * it that {@code selection} chooses; refuses a region that does not fit the input.
	 */
	public static InputView open( final Path root, final String dataset, final Selection selection )
	{
		final String region = selection.region();
		final OmeInput ome = OmeInput.probe( root, dataset ); // null unless the input is an OME-Zarr image
		final ZarrArray array = ome != null ? ome.level0() : ZarrArray.open( root, dataset );
		final long[] shape = ome != null ? ome.shape() : array.shape();
		if ( shape.length < 2 || shape.length > 4 )
			throw new FeaturizeException( String.format(
					"Input %s has %d dimension%s (shape %s); expected 2, 3 or 4: (y, x), (z, y, x) or (t, z, y, x)",
					array.path(), shape.length, shape.length == 1 ? "" : "s", Arrays.toString( shape ) ) );
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
		return new InputView( root, array, ome, shape, axes, r, bounds );
	}

	/** The array read (an OME-Zarr image's level), with all its axes. */
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
		return ome != null ? ome.name() : root.toAbsolutePath().normalize().getFileName().toString().replaceFirst( "\\.(ome\\.)?zarr$", "" );
	}

	/**
	 * The input's pixels as a lazy image without a channel axis, ImgLib2 order (x, y[, z[, t]]), from the array
	 * opened as an image ({@code whole}: all of the array's axes).
	 */
	public < T extends NativeType< T > & RealType< T > > RandomAccessibleInterval< T > image( final RandomAccessibleInterval< T > whole )
	{
		if ( ome == null || ome.channelAxis() < 0 )
			return whole;
		return Views.hyperSlice( whole, ZarrAxes.toImgLib2Axis( ome.channelAxis(), array.shape().length ), 0 );
	}

	/** Reads the planes of the region of {@code whole} (the array opened as an image, all its axes), their context from outside it. */
	public < T extends NativeType< T > & RealType< T > > PlaneReader< T > reader( final RandomAccessibleInterval< T > whole )
	{
		final RandomAccessibleInterval< T > image = image( whole );
		return new PlaneReader<>( image, interval( image ) );
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
		final int channel = ome != null ? ome.channelAxis() : -1;
		long n = 1;
		for ( int d = 0; d < bounds.length; d++ )
		{
			final int c = chunk[ channel >= 0 && channel <= d ? d + 1 : d ]; // the array's axis: past the channel axis
			n *= ( bounds[ d ][ 1 ] - 1 ) / c - bounds[ d ][ 0 ] / c + 1;
		}
		return n;
	}

	/** Adds what decides the pixels featurized to a run's parameters: the region, where one was given. */
	public void record( final Map< String, Object > parameters )
	{
		if ( region != null )
			parameters.put( "region", Region.toList( bounds ) );
	}

	/** For logs: the input, its axes and shape, and the region. */
	@Override
	public String toString()
	{
		return array.path() + ( ome != null ? " (OME-Zarr level 0, axes " + ome.axes() + ")" : "" ) + ", shape " + Arrays.toString( wholeShape )
				+ ( region != null ? ", region " + Region.format( bounds ) + " of shape " + Arrays.toString( shape() ) : "" );
	}
}
