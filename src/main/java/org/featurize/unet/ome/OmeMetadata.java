package org.featurize.unet.ome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OME-NGFF 0.4 attributes of a feature output: {@code multiscales} (axes with the input's units, one
 * dataset per level with its scale and, where needed, translation) and {@code omero} (one named channel per
 * feature, {@code feature_00}, {@code feature_01}, ..., or {@code <channel>_feature_NN} where each input channel
 * has its own, with a display window).
 */
public final class OmeMetadata
{
	public static final String VERSION = "0.4";

	/** The downsampling method, named as ome-zarr-py names a block mean. */
	public static final String DOWNSAMPLING = "local_mean";

	/** Colours of the channels in turn: the first three are red, green and blue, and only they are shown at first. */
	private static final String[] COLORS = { "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "FF8000", "8000FF",
			"00FF80", "FF0080", "80FF00", "0080FF", "FFFFFF", "808080", "804000", "408080" };

	private OmeMetadata()
	{}

	/** The name of feature channel {@code c}. */
	public static String channelName( final int c )
	{
		return String.format( "feature_%02d", c );
	}

	/** The {@code multiscales} list, with one multiscale image of {@code layout.levels()} datasets "0", "1", ... */
	public static List< Object > multiscales( final OmeLayout layout, final String name, final String version )
	{
		final List< OmeAxis > axes = layout.axes();
		final int n = axes.size();
		final List< Object > axisList = new ArrayList<>();
		for ( final OmeAxis a : axes )
			axisList.add( a.toMap() );
		final List< Object > datasets = new ArrayList<>();
		for ( int k = 0; k < layout.levels(); k++ )
		{
			final List< Double > scale = new ArrayList<>(), translation = new ArrayList<>();
			boolean translated = false;
			for ( int d = 0; d < n; d++ )
			{
				final OmeAxis a = axes.get( d );
				final double factor = d >= n - 2 ? 1 << k : 1; // y and x are halved per level
				scale.add( a.scale() * factor );
				// the centre of a block of 2^k pixels lies (2^k - 1) / 2 pixels from its first pixel's centre
				final double t = a.translation() + ( factor - 1 ) / 2 * a.scale();
				translation.add( t );
				translated |= t != 0;
			}
			final List< Object > transforms = new ArrayList<>();
			transforms.add( transform( "scale", scale ) );
			if ( translated )
				transforms.add( transform( "translation", translation ) );
			final Map< String, Object > dataset = new LinkedHashMap<>();
			dataset.put( "path", Integer.toString( k ) );
			dataset.put( "coordinateTransformations", transforms );
			datasets.add( dataset );
		}
		final Map< String, Object > metadata = new LinkedHashMap<>();
		metadata.put( "description", "level k is the 2 x 2 mean in y and x of level k - 1 (an odd last row or column: the mean of "
				+ "the pixels there); features computed once, at level 0" );
		metadata.put( "method", Pyramid.class.getName() );
		metadata.put( "version", version );
		final Map< String, Object > multiscale = new LinkedHashMap<>();
		multiscale.put( "version", VERSION );
		multiscale.put( "name", name );
		multiscale.put( "axes", axisList );
		multiscale.put( "datasets", datasets );
		multiscale.put( "type", DOWNSAMPLING );
		multiscale.put( "metadata", metadata );
		return List.of( multiscale );
	}

	private static Map< String, Object > transform( final String type, final List< Double > values )
	{
		final Map< String, Object > t = new LinkedHashMap<>();
		t.put( "type", type );
		t.put( type, values );
		return t;
	}

	/**
	 * The {@code omero} block: one channel per feature with a display window (start..end within min..max, per
	 * channel; null for 0..1), the first three shown in red, green and blue.
	 */
	public static Map< String, Object > omero( final OmeLayout layout, final String name, final double[][] windows )
	{
		final int channels = layout.features().channels();
		final List< Object > list = new ArrayList<>();
		for ( int c = 0; c < channels; c++ )
		{
			final double[] w = windows == null ? new double[] { 0, 1, 0, 1 } : windows[ c ];
			final Map< String, Object > window = new LinkedHashMap<>();
			window.put( "min", w[ 0 ] );
			window.put( "max", w[ 1 ] );
			window.put( "start", w[ 2 ] );
			window.put( "end", w[ 3 ] );
			final Map< String, Object > channel = new LinkedHashMap<>();
			channel.put( "label", layout.features().channelName( c ) );
			channel.put( "color", COLORS[ c % COLORS.length ] );
			channel.put( "active", c < 3 );
			channel.put( "coefficient", 1.0 );
			channel.put( "family", "linear" );
			channel.put( "inverted", false );
			channel.put( "window", window );
			list.add( channel );
		}
		final long[] shape = layout.shape( 0 );
		final Map< String, Object > rdefs = new LinkedHashMap<>();
		rdefs.put( "model", "color" );
		rdefs.put( "defaultT", 0 );
		final int z = zAxis( layout );
		rdefs.put( "defaultZ", z < 0 ? 0 : shape[ z ] / 2 );
		final Map< String, Object > omero = new LinkedHashMap<>();
		omero.put( "name", name );
		omero.put( "channels", list );
		omero.put( "rdefs", rdefs );
		return omero;
	}

	/** The index of the third space axis (z), or -1. */
	static int zAxis( final OmeLayout layout )
	{
		final List< OmeAxis > axes = layout.axes();
		return axes.size() - 3 >= 0 && OmeAxis.SPACE.equals( axes.get( axes.size() - 3 ).type() ) ? axes.size() - 3 : -1;
	}
}
