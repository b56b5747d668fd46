package org.featurize.unet.bioimageio;

import java.util.Arrays;
import java.util.Locale;

/** The comparison of a package's computed test output with its expected one, element by element. */
final class Tolerance
{
	private Tolerance()
	{}

	/**
	 * Refuses the package unless every value (but at most {@code perMillion} per million) satisfies
	 * {@code |actual - expected| <= atol + rtol * |expected|} (NaN matches NaN).
	 */
	static void check( final BioimageioModel model, final float[] actual, final Npy.Array expected, final double atol, final double rtol,
			final double perMillion )
	{
		final float[] e = expected.data;
		long bad = 0;
		int worst = -1;
		double max = 0;
		for ( int i = 0; i < e.length; i++ )
		{
			if ( Float.isNaN( e[ i ] ) && Float.isNaN( actual[ i ] ) )
				continue;
			final double d = Math.abs( ( double ) actual[ i ] - e[ i ] );
			if ( !( d <= atol + rtol * Math.abs( e[ i ] ) ) )
				bad++;
			final double rank = Double.isNaN( d ) ? Double.POSITIVE_INFINITY : d;
			if ( worst < 0 || rank > max )
			{
				max = rank;
				worst = i;
			}
		}
		final double allowed = perMillion * e.length / 1e6;
		if ( bad > allowed && Double.isInfinite( max ) )
			max = Double.NaN;
		if ( bad > allowed )
			throw new BioimageioException( String.format( Locale.ROOT,
					"bioimage.io model %s fails its own test: the output for %s differs from %s: max |difference| %s at %s (expected %.6g, got %.6g); "
							+ "%d of %d values exceed the tolerance |difference| <= %s + %s * |expected| (%s per million allowed)",
					model.name(), model.rdf().testInput.getFileName(), model.rdf().testOutput.getFileName(), brief( max ), index( worst, expected.shape ),
					e[ worst ], actual[ worst ], bad, e.length, brief( atol ), brief( rtol ), brief( perMillion ) ) );
	}

	/** A number in at most 3 significant digits, without trailing zeros: 0.0001, 0.25, 0. */
	static String brief( final double v )
	{
		if ( !Double.isFinite( v ) )
			return Double.toString( v );
		return new java.math.BigDecimal( String.format( Locale.ROOT, "%.3g", v ) ).stripTrailingZeros().toPlainString();
	}

	private static String index( final int flat, final long[] shape )
	{
		final long[] index = new long[ shape.length ];
		long rest = flat;
		for ( int d = shape.length - 1; d >= 0; d-- )
		{
			index[ d ] = rest % shape[ d ];
			rest /= shape[ d ];
		}
		return Arrays.toString( index ).replace( '[', '(' ).replace( ']', ')' );
	}
}
