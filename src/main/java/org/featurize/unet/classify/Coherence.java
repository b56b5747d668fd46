package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

import org.featurize.unet.compute.ExtraChannels;

/**
 * How oriented a feature plane is around each pixel, a classifier's input beside the features: the structure
 * tensor's coherence {@code (l1 - l2) / (l1 + l2)} of one feature (by default the shipped model's feature 6, its
 * denoised plane) at one or more scales, each smoothed. For each scale {@code s}: derivatives by Gaussian
 * derivatives at {@code max(0.3, s / 2)}, the tensor's products averaged by a Gaussian at {@code s}, the coherence
 * {@code sqrt((a - c)^2 + 4 b^2) / (a + c)} (0 where {@code a + c} is 0), then averaged by a Gaussian at
 * {@code smooth}. The Gaussians are SciPy's {@code gaussian_filter}'s: truncated at 3.5 sigma (3 for the last
 * smoothing), normalized to sum 1, the derivative kernel {@code -x / sigma^2} times it, the window extended at its
 * edges by reflection with the edge pixel repeated (SciPy's {@code reflect}) before each step, so that the channels
 * equal {@code scipy.ndimage}'s computation of the whole plane.
 * <p>
 * Where the feature is not a number (no input there), it counts as 0 and the pixel's coherence is NaN: such pixels
 * stay without a class, their neighbours keep theirs.
 */
public final class Coherence implements ExtraInput
{
	/** The operation's name in a classifier file. */
	public static final String OP = "coherence";

	/** The shipped model's denoised plane (the Gaussian at 0.3 of the noise-free plane it learned). */
	public static final int DEFAULT_FEATURE = 6;

	/** The scales measured best (see the README's "How good"). */
	public static final double[] DEFAULT_SIGMAS = { 1.6 };

	public static final double DEFAULT_SMOOTH = 4;

	/** {@link #DEFAULT_SIGMAS} as {@link #parse} reads them ("1.6"). */
	public static String defaultScales()
	{
		final List< String > s = new ArrayList<>();
		for ( final double v : DEFAULT_SIGMAS )
			s.add( String.format( Locale.ROOT, "%s", v ) );
		return String.join( ",", s );
	}

	private static final double TRUNCATE = 3.5, SMOOTH_TRUNCATE = 3.0;

	private final int feature;

	private final double[] sigmas;

	private final double smooth;

	public Coherence( final int feature, final double[] sigmas, final double smooth )
	{
		if ( feature < 0 )
			throw new LabelException( "The coherence's feature must be 0 or more, got " + feature );
		if ( sigmas.length == 0 )
			throw new LabelException( "The coherence needs at least one scale" );
		for ( final double s : sigmas )
			if ( !( s > 0 && s <= 64 ) )
				throw new LabelException( "The coherence's scales must lie in (0, 64] pixels, got " + s );
		if ( !( smooth >= 0 && smooth <= 64 ) )
			throw new LabelException( "The coherence's smoothing must lie in [0, 64] pixels, got " + smooth );
		this.feature = feature;
		this.sigmas = sigmas.clone();
		this.smooth = smooth;
	}

	/**
	 * The coherence at the scales of a comma-separated list ("1.6", "1,1.6,3.5"), or null for "none" (no extra input).
	 */
	public static Coherence parse( final String sigmas, final int feature )
	{
		final String s = sigmas.trim();
		if ( s.isEmpty() || s.equalsIgnoreCase( "none" ) )
			return null;
		try
		{
			return new Coherence( feature, Arrays.stream( s.split( "," ) ).map( String::trim ).mapToDouble( Double::parseDouble ).toArray(),
					DEFAULT_SMOOTH );
		}
		catch ( final NumberFormatException e )
		{
			throw new LabelException( "coherence: comma-separated scales in pixels (e.g. 1.6 or 1,1.6,3.5) or none, got '" + sigmas + "'", e );
		}
	}

	/** What a classifier file records of it. */
	@Override
	public Map< String, Object > toRecord()
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		m.put( "op", OP );
		m.put( "feature", feature );
		m.put( "sigmas", Arrays.stream( sigmas ).boxed().toList() );
		m.put( "smooth", smooth );
		return m;
	}

	/** The coherence a classifier file records; refuses another operation or a malformed record by name. */
	public static Coherence fromRecord( final Object record, final String file )
	{
		if ( !( record instanceof Map ) || !OP.equals( ( ( Map< ?, ? > ) record ).get( "op" ) ) )
			throw new LabelException( "Classifier " + file + " asks for an extra input this version does not compute (" + record
					+ "): update featurize-unet" );
		final Map< ?, ? > m = ( Map< ?, ? > ) record;
		if ( !( m.get( "feature" ) instanceof Number ) || !( m.get( "sigmas" ) instanceof List ) || !( m.get( "smooth" ) instanceof Number ) )
			throw new LabelException( "Classifier " + file + " is damaged or incomplete: its extra input " + record + " lacks feature, sigmas or smooth" );
		return new Coherence( ( ( Number ) m.get( "feature" ) ).intValue(), Extras.numbers( ( List< ? > ) m.get( "sigmas" ), "the coherence's scale",
				file ), ( ( Number ) m.get( "smooth" ) ).doubleValue() );
	}

	public int feature()
	{
		return feature;
	}

	public double[] sigmas()
	{
		return sigmas.clone();
	}

	public double smooth()
	{
		return smooth;
	}

	@Override
	public int count()
	{
		return sigmas.length;
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
		for ( final double s : sigmas )
			m = Math.max( m, radius( derivativeSigma( s ), TRUNCATE ) + radius( s, TRUNCATE ) );
		return m + radius( smooth, SMOOTH_TRUNCATE );
	}

	@Override
	public String name( final int c )
	{
		return String.format( Locale.ROOT, "coherence_%g", sigmas[ c ] ).replaceAll( "\\.?0+$", "" );
	}

	@Override
	public String toString()
	{
		final List< String > s = new ArrayList<>();
		for ( final double v : sigmas )
			s.add( String.format( Locale.ROOT, "%s", v ) );
		return String.format( Locale.ROOT, "the coherence of feature %d at %s, smoothed at %s", feature, String.join( ", ", s ), smooth );
	}

	@Override
	public void compute( final Source features, final int width, final int height, final int outX, final int outY, final int outWidth,
			final int outHeight, final float[] out )
	{
		if ( outX < 0 || outY < 0 || outX + outWidth > width || outY + outHeight > height )
			throw new IllegalArgumentException( String.format( "Rectangle %d x %d at (%d, %d) outside a window of %d x %d", outWidth, outHeight,
					outX, outY, width, height ) );
		final int[] out0 = { outX, outY, outX + outWidth, outY + outHeight };
		final int[] read = grow( out0, margin(), width, height );
		final int rw = read[ 2 ] - read[ 0 ], rh = read[ 3 ] - read[ 1 ];
		final float[] plane = new float[ rw * rh ];
		features.channel( feature, read[ 0 ], read[ 1 ], rw, rh, plane );
		boolean missing = false;
		for ( int i = 0; i < plane.length; i++ )
			if ( !Float.isFinite( plane[ i ] ) )
			{
				plane[ i ] = 0;
				missing = true;
			}
		// in the read rectangle's coordinates, the window's edges where the rectangle reaches them
		final Window w = new Window( rw, rh, read[ 0 ] == 0, read[ 1 ] == 0, read[ 2 ] == width, read[ 3 ] == height );
		final int[] o = { out0[ 0 ] - read[ 0 ], out0[ 1 ] - read[ 1 ], out0[ 2 ] - read[ 0 ], out0[ 3 ] - read[ 1 ] };
		final int n = outWidth * outHeight;
		for ( int k = 0; k < sigmas.length; k++ )
		{
			final float[] coh = coherence( plane, w, sigmas[ k ], o );
			System.arraycopy( coh, 0, out, k * n, n );
		}
		if ( missing )
		{
			final float[] source = new float[ n ];
			features.channel( feature, outX, outY, outWidth, outHeight, source );
			for ( int i = 0; i < n; i++ )
				if ( !Float.isFinite( source[ i ] ) )
					for ( int k = 0; k < sigmas.length; k++ )
						out[ k * n + i ] = Float.NaN;
		}
	}

	/** The coherence at {@code sigma}, smoothed, of the rectangle {@code o} (x0, y0, x1, y1) of the plane, row-major. */
	private float[] coherence( final float[] plane, final Window w, final double sigma, final int[] o )
	{
		final double d = derivativeSigma( sigma );
		final int r1 = radius( d, TRUNCATE ), r2 = radius( sigma, TRUNCATE ), r3 = radius( smooth, SMOOTH_TRUNCATE );
		final int[] c3 = w.grow( o, r3 ), c2 = w.grow( c3, r2 ), c1 = w.grow( c2, r1 );
		final float[] g = kernel( d, r1, 0 ), dg = kernel( d, r1, 1 ), window = kernel( sigma, r2, 0 ), last = kernel( smooth, r3, 0 );
		final int size = w.width * w.height;
		final float[] t = new float[ size ], dx = new float[ size ], dy = new float[ size ];
		// derivatives over c2, from the plane over c1
		w.alongY( plane, t, g, c1[ 0 ], c1[ 2 ], c2[ 1 ], c2[ 3 ] );
		w.alongX( t, dx, dg, c2[ 0 ], c2[ 2 ], c2[ 1 ], c2[ 3 ] );
		w.alongY( plane, t, dg, c1[ 0 ], c1[ 2 ], c2[ 1 ], c2[ 3 ] );
		w.alongX( t, dy, g, c2[ 0 ], c2[ 2 ], c2[ 1 ], c2[ 3 ] );
		// the tensor's products over c2, averaged over c3
		final float[] b = new float[ size ];
		for ( int y = c2[ 1 ]; y < c2[ 3 ]; y++ )
			for ( int i = y * w.width + c2[ 0 ], e = y * w.width + c2[ 2 ]; i < e; i++ )
			{
				final float x = dx[ i ], v = dy[ i ];
				b[ i ] = x * v;
				dx[ i ] = x * x;
				dy[ i ] = v * v;
			}
		for ( final float[] q : new float[][] { dx, b, dy } )
		{
			w.alongY( q, t, window, c2[ 0 ], c2[ 2 ], c3[ 1 ], c3[ 3 ] );
			w.alongX( t, q, window, c3[ 0 ], c3[ 2 ], c3[ 1 ], c3[ 3 ] );
		}
		for ( int y = c3[ 1 ]; y < c3[ 3 ]; y++ )
			for ( int i = y * w.width + c3[ 0 ], e = y * w.width + c3[ 2 ]; i < e; i++ )
			{
				final float a = dx[ i ], c = dy[ i ], bb = b[ i ], trace = a + c;
				final float coh = ( float ) ( Math.sqrt( ( a - c ) * ( a - c ) + 4 * bb * bb ) / Math.max( trace, 1e-30f ) );
				b[ i ] = Math.min( 1, Math.max( 0, coh ) );
			}
		w.alongY( b, t, last, c3[ 0 ], c3[ 2 ], o[ 1 ], o[ 3 ] );
		w.alongX( t, dx, last, o[ 0 ], o[ 2 ], o[ 1 ], o[ 3 ] );
		final int ow = o[ 2 ] - o[ 0 ];
		final float[] result = new float[ ow * ( o[ 3 ] - o[ 1 ] ) ];
		for ( int y = o[ 1 ]; y < o[ 3 ]; y++ )
			System.arraycopy( dx, y * w.width + o[ 0 ], result, ( y - o[ 1 ] ) * ow, ow );
		return result;
	}

	private static double derivativeSigma( final double sigma )
	{
		return Math.max( 0.3, sigma / 2 );
	}

	/** SciPy's kernel radius: {@code int(truncate * sigma + 0.5)}. */
	static int radius( final double sigma, final double truncate )
	{
		return ( int ) ( truncate * sigma + 0.5 );
	}

	/**
	 * SciPy's Gaussian kernel (order 0) or its first derivative (order 1) of radius {@code r}, as correlation weights:
	 * {@code out[i] = sum_j w[j] in[i + j - r]} (the convolution kernel reversed).
	 */
	static float[] kernel( final double sigma, final int r, final int order )
	{
		if ( r == 0 ) // sigma 0 (no smoothing): the identity, whose derivative is 0
			return new float[] { order == 0 ? 1 : 0 };
		final double[] phi = new double[ 2 * r + 1 ];
		double sum = 0;
		for ( int j = 0; j <= 2 * r; j++ )
			sum += phi[ j ] = Math.exp( -0.5 * ( j - r ) * ( j - r ) / ( sigma * sigma ) );
		final float[] w = new float[ 2 * r + 1 ];
		for ( int j = 0; j <= 2 * r; j++ )
		{
			final double p = phi[ j ] / sum;
			// convolution kernel at x: -x / sigma^2 * p; reversed (x = r - j), it is (j - r) / sigma^2 * p
			w[ j ] = ( float ) ( order == 0 ? p : ( j - r ) / ( sigma * sigma ) * p );
		}
		return w;
	}

	/** SciPy's {@code reflect} of index {@code i} into {@code [0, n)}: period {@code 2n}, the edge repeated. */
	static int reflect( final int i, final int n )
	{
		final int k = Math.floorMod( i, 2 * n );
		return k < n ? k : 2 * n - 1 - k;
	}

	/** {@code r} grown by {@code m} on every side, clipped to {@code [0, width) x [0, height)}. */
	private static int[] grow( final int[] r, final int m, final int width, final int height )
	{
		return new int[] { Math.max( 0, r[ 0 ] - m ), Math.max( 0, r[ 1 ] - m ), Math.min( width, r[ 2 ] + m ), Math.min( height, r[ 3 ] + m ) };
	}

	/**
	 * A rectangle of the plane, {@code width x height}, which reaches the plane's edges where the flags say: there
	 * values beyond it are its own reflected (SciPy's {@code reflect}); elsewhere the rectangle holds every value a
	 * step reads.
	 */
	private static final class Window
	{
		final int width, height;

		final boolean left, top, right, bottom;

		Window( final int width, final int height, final boolean left, final boolean top, final boolean right, final boolean bottom )
		{
			this.width = width;
			this.height = height;
			this.left = left;
			this.top = top;
			this.right = right;
			this.bottom = bottom;
		}

		int[] grow( final int[] r, final int m )
		{
			return Coherence.grow( r, m, width, height );
		}

		private int row( final int y )
		{
			if ( ( y < 0 && !top ) || ( y >= height && !bottom ) )
				throw new IllegalStateException( "Row " + y + " outside the rectangle read" );
			return Coherence.reflect( y, height );
		}

		/**
		 * {@code out} over rows [y0, y1), columns [x0, x1): {@code in} correlated with {@code w} along y. The weights are
		 * symmetric or antisymmetric; each pair of taps is summed first (as SciPy does), so that a constant has a
		 * derivative of exactly 0.
		 */
		void alongY( final float[] in, final float[] out, final float[] w, final int x0, final int x1, final int y0, final int y1 )
		{
			final int r = w.length / 2, n = x1 - x0;
			final float sign = sign( w );
			bands( y0, y1, ( a, b ) -> {
				final int[] up = new int[ r + 1 ], down = new int[ r + 1 ];
				for ( int y = a; y < b; y++ )
				{
					for ( int k = 0; k <= r; k++ )
					{
						up[ k ] = row( y + k ) * width + x0;
						down[ k ] = row( y - k ) * width + x0;
					}
					taps( in, up, down, w, sign, out, y * width + x0, n );
				}
			} );
		}

		/** {@code out} over rows [y0, y1), columns [x0, x1): {@code in} correlated with {@code w} along x, as {@link #alongY}. */
		void alongX( final float[] in, final float[] out, final float[] w, final int x0, final int x1, final int y0, final int y1 )
		{
			final int r = w.length / 2, n = x1 - x0;
			if ( ( x0 - r < 0 && !left ) || ( x1 + r > width && !right ) )
				throw new IllegalStateException( "Columns " + ( x0 - r ) + " to " + ( x1 + r ) + " outside the rectangle read" );
			final float sign = sign( w );
			final int[] ups = new int[ r + 1 ], downs = new int[ r + 1 ];
			for ( int k = 0; k <= r; k++ )
			{
				ups[ k ] = r + k;
				downs[ k ] = r - k;
			}
			bands( y0, y1, ( from, to ) -> {
				final float[] line = new float[ n + 2 * r ];
				for ( int y = from; y < to; y++ )
				{
					final int row = y * width, o = row + x0;
					// the row's part in the rectangle as it is, the rest reflected at its edges
					final int lo = x0 - r, a = Math.max( lo, 0 ), b = Math.min( x1 + r, width );
					System.arraycopy( in, row + a, line, a - lo, b - a );
					for ( int i = lo; i < a; i++ )
						line[ i - lo ] = in[ row + Coherence.reflect( i, width ) ];
					for ( int i = b; i < x1 + r; i++ )
						line[ i - lo ] = in[ row + Coherence.reflect( i, width ) ];
					taps( line, ups, downs, w, sign, out, o, n );
				}
			} );
		}

		/** Rows {@code [from, to)} of one step. */
		@FunctionalInterface
		private interface Rows
		{
			void run( int from, int to );
		}

		/**
		 * Runs {@code rows} over [y0, y1) in bands at once: the calling thread takes the first, the common fork-join pool
		 * the others (one per core it has, bands of at least 32 rows; none where the caller is itself one of the pool's
		 * threads). A worker whose forward passes use several cores would otherwise leave them waiting; every value is
		 * the same whatever the bands.
		 */
		private static void bands( final int y0, final int y1, final Rows rows )
		{
			final int n = y1 - y0;
			final int parts = ForkJoinTask.inForkJoinPool() ? 1 : Math.min( ForkJoinPool.getCommonPoolParallelism() + 1, n / 32 );
			if ( parts <= 1 )
			{
				rows.run( y0, y1 );
				return;
			}
			final List< ForkJoinTask< ? > > others = new ArrayList<>();
			for ( int p = 1; p < parts; p++ )
			{
				final int a = y0 + ( int ) ( ( long ) n * p / parts ), b = y0 + ( int ) ( ( long ) n * ( p + 1 ) / parts );
				others.add( ForkJoinPool.commonPool().submit( () -> rows.run( a, b ) ) );
			}
			try
			{
				rows.run( y0, y0 + n / parts );
			}
			finally
			{
				for ( final ForkJoinTask< ? > t : others )
					t.join();
			}
		}

		/**
		 * {@code out[o + i] = w[r] in[up[0] + i] + sum_k w[r + k] (in[up[k] + i] + sign in[down[k] + i])} for i below
		 * n: the pairs of taps four at a time, so that {@code out} is read and written a quarter as often.
		 */
		private static void taps( final float[] in, final int[] up, final int[] down, final float[] w, final float sign, final float[] out,
				final int o, final int n )
		{
			final int r = w.length / 2;
			final float w0 = w[ r ];
			final int c = up[ 0 ];
			for ( int i = 0; i < n; i++ )
				out[ o + i ] = w0 * in[ c + i ];
			int k = 1;
			for ( ; k + 3 <= r; k += 4 )
			{
				final float a = w[ r + k ], b = w[ r + k + 1 ], cc = w[ r + k + 2 ], d = w[ r + k + 3 ];
				final int u1 = up[ k ], u2 = up[ k + 1 ], u3 = up[ k + 2 ], u4 = up[ k + 3 ];
				final int d1 = down[ k ], d2 = down[ k + 1 ], d3 = down[ k + 2 ], d4 = down[ k + 3 ];
				for ( int i = 0; i < n; i++ )
					out[ o + i ] += a * ( in[ u1 + i ] + sign * in[ d1 + i ] ) + b * ( in[ u2 + i ] + sign * in[ d2 + i ] )
							+ cc * ( in[ u3 + i ] + sign * in[ d3 + i ] ) + d * ( in[ u4 + i ] + sign * in[ d4 + i ] );
			}
			for ( ; k <= r; k++ )
			{
				final float a = w[ r + k ];
				final int u1 = up[ k ], d1 = down[ k ];
				for ( int i = 0; i < n; i++ )
					out[ o + i ] += a * ( in[ u1 + i ] + sign * in[ d1 + i ] );
			}
		}

		/** 1 for symmetric weights, -1 for antisymmetric ones. */
		private static float sign( final float[] w )
		{
			final int r = w.length / 2;
			boolean symmetric = true, antisymmetric = w[ r ] == 0;
			for ( int k = 1; k <= r; k++ )
			{
				symmetric &= w[ r + k ] == w[ r - k ];
				antisymmetric &= w[ r + k ] == -w[ r - k ];
			}
			if ( !symmetric && !antisymmetric )
				throw new IllegalArgumentException( "Weights neither symmetric nor antisymmetric" );
			return symmetric ? 1 : -1;
		}
	}
}
