package org.featurize.unet.classify;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * A trained random forest as flat arrays, for prediction over millions of pixels: every tree is stored complete to
 * the forest's depth (a leaf above that depth passes its pixel down the left branch to copies of itself), so one
 * step is {@code node = 2 node + 1 + (x[feature] > threshold)}, without pointers, and a block of pixels walks a tree
 * level by level together. A pixel's class probabilities are the mean of its leaves' class frequencies; its
 * class is the first of the highest.
 * <p>
 * Values: {@code feature[tree * internal + node]}, {@code threshold[...]} for the {@code internal = 2^depth - 1}
 * split nodes of each tree (heap order: the children of node i are 2i + 1, less or equal, and 2i + 2, greater;
 * feature -1 marks a leaf above the last level, whose frequencies are in every leaf below it and whose pixels go
 * left down to the first of those: every pixel takes {@code depth} steps, none of them a jump),
 * {@code leaves[(tree * 2^depth + leaf) * classes + class]} the leaves' class frequencies. A pixel with a feature
 * that is not finite (NaN, infinite: the features of a pixel where the input has no value) has no class,
 * {@link #NO_CLASS}, and NaN probabilities (the trainer skips such samples).
 */
public final class Forest
{
	private final int features, classes, depth, trees;

	private final int[] feature;

	private final float[] threshold;

	private final float[] leaves;

	/** The splits packed for prediction: node s's feature at 2 s, its threshold's float bits at 2 s + 1. */
	private final int[] packed;

	/**
	 * The most a tree adds to a class's sum (its largest leaf value; 1 for class frequencies), or infinity where a
	 * leaf value is negative or not finite: then no pixel's class is decided before its last tree.
	 */
	private final float mostPerTree;

	/** The class of a pixel with a feature that is not finite: none. */
	public static final int NO_CLASS = -1;

	/** Pixels handled together (their probabilities are summed in a small buffer). */
	private static final int BLOCK = 256;

	public Forest( final int features, final int classes, final int depth, final int[] feature, final float[] threshold, final float[] leaves )
	{
		if ( features < 1 || classes < 1 || depth < 0 || depth > 20 )
			throw new IllegalArgumentException( String.format( "A forest needs features >= 1, classes >= 1 and depth 0..20; got %d, %d, %d",
					features, classes, depth ) );
		final int internal = ( 1 << depth ) - 1;
		if ( internal == 0 ? feature.length != 0 : feature.length % internal != 0 )
			throw new IllegalArgumentException( "Split arrays of " + feature.length + " values do not hold whole trees of depth " + depth );
		this.trees = leaves.length / ( ( 1 << depth ) * classes );
		if ( trees < 1 || leaves.length != trees * ( 1 << depth ) * classes || feature.length != trees * internal
				|| threshold.length != feature.length )
			throw new IllegalArgumentException( String.format( "Inconsistent forest arrays: %d features, %d thresholds, %d leaf values for "
					+ "depth %d and %d classes", feature.length, threshold.length, leaves.length, depth, classes ) );
		for ( final int f : feature )
			if ( f < -1 || f >= features )
				throw new IllegalArgumentException( "A split reads feature " + f + " of " + features );
		this.features = features;
		this.classes = classes;
		this.depth = depth;
		this.feature = feature;
		this.threshold = threshold;
		this.leaves = leaves;
		float most = 0;
		for ( final float v : leaves )
			most = v >= 0 && v < Float.POSITIVE_INFINITY ? Math.max( most, v ) : Float.POSITIVE_INFINITY;
		this.mostPerTree = most;
		this.packed = new int[ 2 * feature.length ];
		// a leaf above the last level, and each left child below one: never greater than +infinity whatever the
		// feature, so the pixel goes left, down to the leaf's first copy on the last level
		final boolean[] leaf = new boolean[ internal ];
		for ( int t = 0; t < trees; t++ )
			for ( int a = 0; a < internal; a++ )
			{
				final int i = t * internal + a;
				leaf[ a ] = feature[ i ] < 0 || ( a % 2 == 1 && leaf[ ( a - 1 ) / 2 ] );
				packed[ 2 * i ] = leaf[ a ] ? 0 : feature[ i ];
				packed[ 2 * i + 1 ] = Float.floatToRawIntBits( leaf[ a ] ? Float.POSITIVE_INFINITY : threshold[ i ] );
			}
	}

	public int features()
	{
		return features;
	}

	public int classes()
	{
		return classes;
	}

	public int depth()
	{
		return depth;
	}

	public int trees()
	{
		return trees;
	}

	int[] featureArray()
	{
		return feature;
	}

	float[] thresholdArray()
	{
		return threshold;
	}

	float[] leafArray()
	{
		return leaves;
	}

	/**
	 * Class probabilities of {@code n} pixels whose features lie channel-major in {@code data} (feature f of pixel p
	 * at {@code data[f * n + p]}, the layout of a feature cell) into {@code out[p * classes + c]}.
	 */
	public void probabilities( final float[] data, final int n, final float[] out )
	{
		check( data, n );
		if ( out.length < ( long ) n * classes )
			throw new IllegalArgumentException( "Room for " + out.length + " probabilities, " + ( long ) n * classes + " needed" );
		for ( int p0 = 0; p0 < n; p0 += BLOCK )
			block( data, n, p0, Math.min( BLOCK, n - p0 ), out, p0 * classes, false );
	}

	/**
	 * The class index of each of {@code n} pixels (layout as {@link #probabilities}), into {@code out}; the
	 * probabilities too where {@code probabilities} is not null (room for {@code n * classes}).
	 */
	public void classify( final float[] data, final int n, final int[] out, final float[] probabilities )
	{
		check( data, n );
		final float[] sums = new float[ BLOCK * classes ];
		for ( int p0 = 0; p0 < n; p0 += BLOCK )
		{
			final int m = Math.min( BLOCK, n - p0 );
			block( data, n, p0, m, sums, 0, probabilities == null );
			for ( int i = 0; i < m; i++ )
			{
				out[ p0 + i ] = highest( sums, i * classes, classes );
			}
			if ( probabilities != null )
				System.arraycopy( sums, 0, probabilities, p0 * classes, m * classes );
		}
	}

	private void check( final float[] data, final int n )
	{
		if ( data.length < ( long ) n * features )
			throw new IllegalArgumentException( String.format( "%d values for %d pixels of %d features", data.length, n, features ) );
	}

	/**
	 * Mean leaf frequencies of pixels p0 ... p0 + m - 1 into out[o + i * classes + c] (m at most BLOCK): the block's
	 * features are copied pixel-major first, then each tree is walked level by level for all the block's pixels
	 * together, so that the steps of different pixels, which do not depend on each other, overlap in the processor.
	 */
	private void block( final float[] data, final int n, final int p0, final int m, final float[] out, final int o, final boolean decide )
	{
		final int f = features;
		final float[] x = new float[ m * f ];
		for ( int j = 0; j < f; j++ )
			for ( int i = 0, src = j * n + p0; i < m; i++ )
				x[ i * f + j ] = data[ src + i ];
		final int[] gaps = new int[ m ];
		final int missing = missing( x, m, gaps );
		walk( x, m, out, o, new int[ m ], new int[ m ], decide );
		noClass( gaps, missing, out, o );
	}

	/**
	 * The pixels among the m whose features lie pixel-major in x that have a feature that is not finite, into
	 * {@code gaps}; returns how many.
	 */
	private int missing( final float[] x, final int m, final int[] gaps )
	{
		final int f = features;
		int n = 0;
		for ( int i = 0; i < m; i++ )
		{
			float s = 0;
			for ( int j = i * f; j < i * f + f; j++ )
				s += x[ j ] * 0; // NaN for NaN and the infinities, 0 for all else
			gaps[ n ] = i;
			n += Float.isNaN( s ) ? 1 : 0;
		}
		return n;
	}

	/** NaN probabilities for the first {@code missing} pixels of {@code gaps}, whose class is then {@link #NO_CLASS}. */
	private void noClass( final int[] gaps, final int missing, final float[] out, final int o )
	{
		for ( int g = 0; g < missing; g++ )
			Arrays.fill( out, o + gaps[ g ] * classes, o + ( gaps[ g ] + 1 ) * classes, Float.NaN );
	}

	/**
	 * The class of each pixel of a region whose features lie interleaved in {@code values} (pixel-major, feature
	 * fastest: pixel {@code (x, y)} of the region starts at value {@code (firstPixel + y * rowPixels + x) * features}),
	 * into {@code out[y * width + x]}; the probabilities too where {@code probabilities} is not null. This is the
	 * layout in which the model hands its output over, so nothing is copied but a block of a row at a time.
	 */
	public void classifyInterleaved( final FloatBuffer values, final int width, final int height, final int rowPixels, final int firstPixel,
			final int[] out, final float[] probabilities )
	{
		classifyInterleaved( values, width, height, rowPixels, firstPixel, out, probabilities, 1 );
	}

	/**
	 * As {@link #classifyInterleaved(FloatBuffer, int, int, int, int, int[], float[])}, the rows split into up to
	 * {@code threads} bands walked at the same time: the calling thread walks the first, {@link ForkJoinPool#commonPool()}
	 * the others. For a worker whose forward passes use several cores, which would wait while one of them walks the
	 * forest. Every pixel's result is the same whatever the bands.
	 */
	public void classifyInterleaved( final FloatBuffer values, final int width, final int height, final int rowPixels, final int firstPixel,
			final int[] out, final float[] probabilities, final int threads )
	{
		classifyInterleaved( values, features, null, width, height, rowPixels, firstPixel, out, probabilities, threads );
	}

	/**
	 * As {@link #classifyInterleaved(FloatBuffer, int, int, int, int, int[], float[], int)} for pixels whose first
	 * {@code valueChannels} features lie interleaved in {@code values} and whose others lie in {@code extra}, (feature,
	 * y, x) over the {@code width x height} pixels classified (null where {@code valueChannels} is all of them).
	 */
	public void classifyInterleaved( final FloatBuffer values, final int valueChannels, final float[] extra, final int width, final int height,
			final int rowPixels, final int firstPixel, final int[] out, final float[] probabilities, final int threads )
	{
		if ( valueChannels > features || ( extra == null ) != ( valueChannels == features )
				|| ( extra != null && extra.length != ( long ) ( features - valueChannels ) * width * height ) )
			throw new IllegalArgumentException( String.format( "%d features per pixel interleaved and %s more for a forest of %d", valueChannels,
					extra == null ? "none" : extra.length + " values", features ) );
		final Source source = new Source( valueChannels, extra, width * height );
		final int bands = Math.max( 1, Math.min( threads, height ) );
		if ( bands == 1 )
		{
			rows( values, source, width, 0, height, rowPixels, firstPixel, out, probabilities );
			return;
		}
		final List< ForkJoinTask< ? > > others = new ArrayList<>();
		for ( int b = 1; b < bands; b++ )
		{
			final int y0 = ( int ) ( ( long ) b * height / bands ), y1 = ( int ) ( ( long ) ( b + 1 ) * height / bands );
			final FloatBuffer own = values.duplicate();
			others.add( ForkJoinPool.commonPool().submit( () -> rows( own, source, width, y0, y1, rowPixels, firstPixel, out, probabilities ) ) );
		}
		try
		{
			rows( values, source, width, 0, height / bands, rowPixels, firstPixel, out, probabilities );
		}
		finally
		{
			for ( final ForkJoinTask< ? > task : others )
				task.join();
		}
	}

	/** Rows y0 ... y1 - 1 of {@link #classifyInterleaved}. */
	private void rows( final FloatBuffer values, final Source source, final int width, final int y0, final int y1, final int rowPixels,
			final int firstPixel, final int[] out, final float[] probabilities )
	{
		final int f = features, k = classes, v = source.valueChannels;
		final float[] x = new float[ BLOCK * f ], sums = new float[ BLOCK * k ];
		final float[] part = source.extra == null ? null : new float[ BLOCK * v ];
		final int[] node = new int[ BLOCK ], origin = new int[ BLOCK ], gaps = new int[ BLOCK ];
		for ( int y = y0; y < y1; y++ )
			for ( int x0 = 0; x0 < width; x0 += BLOCK )
			{
				final int m = Math.min( BLOCK, width - x0 );
				if ( part == null )
					values.get( ( firstPixel + y * rowPixels + x0 ) * f, x, 0, m * f );
				else
				{
					values.get( ( firstPixel + y * rowPixels + x0 ) * v, part, 0, m * v );
					for ( int i = 0; i < m; i++ )
					{
						System.arraycopy( part, i * v, x, i * f, v );
						for ( int c = v, e = y * width + x0 + i; c < f; c++ )
							x[ i * f + c ] = source.extra[ ( c - v ) * source.pixels + e ];
					}
				}
				final int missing = missing( x, m, gaps );
				walk( x, m, sums, 0, node, origin, probabilities == null );
				noClass( gaps, missing, sums, 0 );
				final int p0 = y * width + x0;
				for ( int i = 0; i < m; i++ )
				{
					out[ p0 + i ] = highest( sums, i * k, k );
				}
				if ( probabilities != null )
					System.arraycopy( sums, 0, probabilities, p0 * k, m * k );
			}
	}

	/** Where {@link #rows} finds the features after the interleaved ones. */
	private static final class Source
	{
		final int valueChannels, pixels;

		final float[] extra;

		Source( final int valueChannels, final float[] extra, final int pixels )
		{
			this.valueChannels = valueChannels;
			this.extra = extra;
			this.pixels = pixels;
		}
	}

	/**
	 * The first class of the highest probability among {@code probabilities[o ... o + classes - 1]}; {@link #NO_CLASS}
	 * where they are NaN.
	 */
	private static int highest( final float[] probabilities, final int o, final int classes )
	{
		if ( Float.isNaN( probabilities[ o ] ) )
			return NO_CLASS;
		int best = 0;
		for ( int c = 1; c < classes; c++ )
			if ( probabilities[ o + c ] > probabilities[ o + best ] )
				best = c;
		return best;
	}

	/**
	 * Mean leaf frequencies of the m pixels whose features lie pixel-major in x into out[o + i * classes + c].
	 * <p>
	 * With {@code decide} (only the classes are wanted), a pixel leaves the walk once the trees still to come cannot
	 * change its class: each tree adds at most {@link #mostPerTree} (1: class frequencies) to a class's sum, so once
	 * the highest sum leads every other by more than that times the number of trees left, it stays the highest. Its
	 * sums stay partial; their first highest is the whole forest's. The pixels still walked are moved to the front of
	 * x (and their numbers to the front of {@code origin}) whenever at least a quarter of them have left, so that
	 * every step stays a direct read; a pixel that has left but not yet been moved out is walked on, which changes its
	 * sums but not their first highest. Pixels on which the trees agree (most of a plane) take a little over half the
	 * trees.
	 */
	private void walk( final float[] x, final int m, final float[] out, final int o, final int[] node, final int[] origin, final boolean decide )
	{
		final int k = classes;
		Arrays.fill( out, o, o + m * k, 0 );
		int n = m;
		int t = 0;
		// the trees before the first after which a pixel's class can be decided, then one at a time
		final int first = decide ? trees / 2 : trees;
		for ( ; t < first; t++ )
			tree( t, x, n, out, o, node, null );
		if ( t == trees )
		{
			scale( out, o, m );
			return;
		}
		for ( int i = 0; i < m; i++ )
			origin[ i ] = i;
		final float margin = 1e-3f * Math.max( 1f, trees * mostPerTree ); // far above the rounding of the sums
		for ( ; t < trees && n > 0; t++ )
		{
			tree( t, x, n, out, o, node, origin );
			final int left = trees - 1 - t;
			if ( left == 0 || t + 1 <= left )
				continue;
			// node[] now lists the rows still undecided
			final float lead = left * mostPerTree + margin;
			int kept = 0;
			for ( int i = 0; i < n; i++ )
			{
				node[ kept ] = i; // without a branch: whether a pixel is decided is as unpredictable as its class
				kept += lead( out, o + origin[ i ] * k, k ) > lead ? 0 : 1;
			}
			if ( 4 * ( n - kept ) >= n )
			{
				final int f = features;
				for ( int j = 0; j < kept; j++ )
				{
					final int r = node[ j ];
					if ( r != j )
					{
						System.arraycopy( x, r * f, x, j * f, f );
						origin[ j ] = origin[ r ];
					}
				}
				n = kept;
			}
		}
		scale( out, o, m );
	}

	/**
	 * Tree t walked by the first n rows of x, level by level, all of them together (their steps do not depend on each
	 * other); each row's leaf added to its sums, those of row i at out[o + origin[i] * classes] (origin null: i).
	 */
	private void tree( final int t, final float[] x, final int n, final float[] out, final int o, final int[] node, final int[] origin )
	{
		final int internal = ( 1 << depth ) - 1, k = classes, f = features;
		final int base = t * internal, leafBase = t * ( 1 << depth ) * k - internal * k;
		for ( int i = 0; i < n; i++ )
			node[ i ] = 0;
		for ( int level = 0; level < depth; level++ )
			for ( int i = 0; i < n; i++ )
			{
				final int a = node[ i ], s = 2 * ( base + a );
				node[ i ] = 2 * a + ( x[ i * f + packed[ s ] ] > Float.intBitsToFloat( packed[ s + 1 ] ) ? 2 : 1 );
			}
		for ( int i = 0; i < n; i++ )
		{
			final int l = leafBase + node[ i ] * k, d = o + ( origin == null ? i : origin[ i ] ) * k;
			for ( int j = 0; j < k; j++ )
				out[ d + j ] += leaves[ l + j ];
		}
	}

	/** The sums of m pixels at out[o ...] made means over the trees. */
	private void scale( final float[] out, final int o, final int m )
	{
		final float weight = 1f / trees;
		for ( int i = o; i < o + m * classes; i++ )
			out[ i ] *= weight;
	}

	/** How far the highest of {@code sums[o ... o + classes - 1]} leads the next (infinity for one class). */
	private static float lead( final float[] sums, final int o, final int classes )
	{
		float best = sums[ o ], second = Float.NEGATIVE_INFINITY;
		for ( int c = 1; c < classes; c++ )
		{
			final float v = sums[ o + c ];
			second = Math.max( second, Math.min( best, v ) );
			best = Math.max( best, v );
		}
		return best - second;
	}
}
