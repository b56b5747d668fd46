package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The smallest value of one feature (by default the shipped model's feature 6, its denoised plane) over a disk around
 * each pixel, a classifier's input beside the features: Weka's and Labkit's "minimum" filter. For each radius
 * {@code r} the disk holds the offsets {@code (dx, dy)} with {@code dx^2 + dy^2 <= r^2}, |dx| and |dy| at most
 * {@code round(r)}: SciPy's {@code minimum_filter} with that footprint, the window extended at its edges by
 * reflection with the edge pixel repeated (SciPy's {@code reflect}), so that the channels equal
 * {@code scipy.ndimage}'s computation of the whole plane.
 * <p>
 * A value that is not a number (no input there) is left out of its neighbours' minima, and the pixel itself has NaN:
 * such pixels stay without a class, their neighbours keep theirs.
 */
public final class Minimum implements ExtraInput
{
	/** The operation's name in a classifier file. */
	public static final String OP = "minimum";

	/** The radius measured best (see the README's "How good"). */
	public static final double[] DEFAULT_RADII = { 2 };

	private final int feature;

	private final double[] radii;

	public Minimum( final int feature, final double[] radii )
	{
		if ( feature < 0 )
			throw new LabelException( "The minimum's feature must be 0 or more, got " + feature );
		if ( radii.length == 0 )
			throw new LabelException( "The minimum needs at least one radius" );
		for ( final double r : radii )
			if ( !( r >= 1 && r <= 32 ) )
				throw new LabelException( "The minimum's radii must lie in [1, 32] pixels, got " + r );
		this.feature = feature;
		this.radii = radii.clone();
	}

	/** {@link #DEFAULT_RADII} as {@link #parse} reads them ("2"). */
	public static String defaultRadii()
	{
		return list( DEFAULT_RADII );
	}

	/** The minimum over the radii of a comma-separated list ("2", "1,3"), or null for "none". */
	public static Minimum parse( final String radii, final int feature )
	{
		final String s = radii.trim();
		if ( s.isEmpty() || s.equalsIgnoreCase( "none" ) )
			return null;
		try
		{
			return new Minimum( feature, Arrays.stream( s.split( "," ) ).map( String::trim ).mapToDouble( Double::parseDouble ).toArray() );
		}
		catch ( final NumberFormatException e )
		{
			throw new LabelException( "minimum: comma-separated radii in pixels (e.g. 2 or 1,3) or none, got '" + radii + "'", e );
		}
	}

	@Override
	public Map< String, Object > toRecord()
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		m.put( "op", OP );
		m.put( "feature", feature );
		m.put( "radii", Arrays.stream( radii ).boxed().toList() );
		return m;
	}

	/** The minimum a classifier file records; refuses a malformed record by name. */
	public static Minimum fromRecord( final Map< ?, ? > m, final String file )
	{
		if ( !( m.get( "feature" ) instanceof Number ) || !( m.get( "radii" ) instanceof List ) )
			throw new LabelException( "Classifier " + file + " is damaged or incomplete: its extra input " + m + " lacks feature or radii" );
		return new Minimum( ( ( Number ) m.get( "feature" ) ).intValue(), Extras.numbers( ( List< ? > ) m.get( "radii" ), "the minimum's radius",
				file ) );
	}

	public int feature()
	{
		return feature;
	}

	public double[] radii()
	{
		return radii.clone();
	}

	@Override
	public int count()
	{
		return radii.length;
	}

	@Override
	public int channelsRead()
	{
		return feature + 1;
	}

	@Override
	public int margin()
	{
		int m = 0;
		for ( final double r : radii )
			m = Math.max( m, reach( r ) );
		return m;
	}

	@Override
	public String name( final int c )
	{
		return String.format( Locale.ROOT, "minimum_%g", radii[ c ] ).replaceAll( "\\.?0+$", "" );
	}

	@Override
	public String toString()
	{
		return String.format( Locale.ROOT, "the minimum of feature %d over a disk of radius %s", feature, list( radii ) );
	}

	@Override
	public void compute( final Source features, final int width, final int height, final int outX, final int outY, final int outWidth,
			final int outHeight, final float[] out )
	{
		if ( outX < 0 || outY < 0 || outX + outWidth > width || outY + outHeight > height )
			throw new IllegalArgumentException( String.format( "Rectangle %d x %d at (%d, %d) outside a window of %d x %d", outWidth, outHeight,
					outX, outY, width, height ) );
		final int m = margin();
		// the rectangle grown by the reach, clipped to the window: every value a disk reads, once reflected
		final int x0 = Math.max( 0, outX - m ), y0 = Math.max( 0, outY - m );
		final int rw = Math.min( width, outX + outWidth + m ) - x0, rh = Math.min( height, outY + outHeight + m ) - y0;
		final float[] plane = new float[ rw * rh ];
		features.channel( feature, x0, y0, rw, rh, plane );
		// the plane around the rectangle, reflected where the window ends: (outWidth + 2m) x (outHeight + 2m), NaN as +inf
		final int pw = outWidth + 2 * m, ph = outHeight + 2 * m;
		final float[] padded = new float[ pw * ph ];
		final int[] columns = new int[ pw ];
		for ( int i = 0; i < pw; i++ )
			columns[ i ] = Coherence.reflect( outX - m + i, width ) - x0;
		for ( int j = 0; j < ph; j++ )
		{
			final int row = ( Coherence.reflect( outY - m + j, height ) - y0 ) * rw;
			for ( int i = 0; i < pw; i++ )
			{
				final float v = plane[ row + columns[ i ] ];
				padded[ j * pw + i ] = Float.isNaN( v ) ? Float.POSITIVE_INFINITY : v;
			}
		}
		final int n = outWidth * outHeight;
		for ( int k = 0; k < radii.length; k++ )
			disk( padded, pw, m, outWidth, outHeight, radii[ k ], out, k * n );
		for ( int y = 0; y < outHeight; y++ )
			for ( int x = 0; x < outWidth; x++ )
			{
				final float v = plane[ ( outY + y - y0 ) * rw + outX + x - x0 ];
				if ( Float.isNaN( v ) )
					for ( int k = 0; k < radii.length; k++ )
						out[ k * n + y * outWidth + x ] = Float.NaN;
			}
	}

	/**
	 * The minimum over the disk of radius {@code r} of each pixel of the {@code w x h} rectangle whose top-left lies
	 * {@code m} pixels inside the padded plane, into {@code out} from {@code o}: the disk as one run of columns per row
	 * offset, each row's runs taken as a running minimum along x first.
	 */
	private static void disk( final float[] padded, final int pw, final int m, final int w, final int h, final double r, final float[] out,
			final int o )
	{
		final int reach = reach( r );
		final float[] rowMin = new float[ w ];
		Arrays.fill( out, o, o + w * h, Float.POSITIVE_INFINITY );
		for ( int dy = -reach; dy <= reach; dy++ )
		{
			if ( dy * dy > r * r )
				continue; // no pixel of this row within r
			final int half = ( int ) Math.floor( Math.sqrt( r * r - dy * dy ) + 1e-9 ); // columns -half ... half of this row
			for ( int y = 0; y < h; y++ )
			{
				final int row = ( y + m + dy ) * pw + m;
				for ( int x = 0; x < w; x++ )
				{
					float v = Float.POSITIVE_INFINITY;
					for ( int i = row + x - half, e = row + x + half; i <= e; i++ )
						v = Math.min( v, padded[ i ] );
					rowMin[ x ] = v;
				}
				final int d = o + y * w;
				for ( int x = 0; x < w; x++ )
					out[ d + x ] = Math.min( out[ d + x ], rowMin[ x ] );
			}
		}
		for ( int i = o; i < o + w * h; i++ )
			if ( out[ i ] == Float.POSITIVE_INFINITY )
				out[ i ] = Float.NaN; // no number anywhere in the disk
	}

	/** The disk's reach: the footprint's {@code round(r)} on each side (Python's round, half to even). */
	private static int reach( final double r )
	{
		return ( int ) Math.rint( r );
	}

	private static String list( final double[] values )
	{
		final List< String > s = new ArrayList<>();
		for ( final double v : values )
			s.add( String.format( Locale.ROOT, "%s", v ).replaceAll( "\\.0$", "" ) );
		return String.join( ",", s );
	}
}
