package org.featurize.unet.bioimageio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One pre- or postprocessing step of a bioimage.io model, as its RDF names it (format 0.4: {@code name} and
 * {@code kwargs}; 0.5: {@code id} and {@code kwargs}): {@code scale_range}, {@code zero_mean_unit_variance}
 * (0.4 modes fixed, per_dataset, per_sample; 0.5 also {@code fixed_zero_mean_unit_variance}),
 * {@code scale_linear}, {@code clip}, {@code binarize}, {@code sigmoid} and 0.5's {@code ensure_dtype}.
 * Steps that need statistics are bound to them ({@link #bind}) before they run, so the same map applies to
 * every tile.
 */
final class ProcessingStep
{
	/** Added to a divisor, as bioimage.io does, unless the step gives its own. */
	static final double EPS = 1e-6;

	private final String name;

	private final JsonNode kwargs;

	private final String where;

	ProcessingStep( final String name, final JsonNode kwargs, final String where )
	{
		this.name = name;
		this.kwargs = kwargs;
		this.where = where;
		switch ( name )
		{
		case "scale_range":
		case "zero_mean_unit_variance":
		case "fixed_zero_mean_unit_variance":
		case "scale_linear":
		case "clip":
		case "binarize":
		case "sigmoid":
		case "ensure_dtype":
			break;
		default:
			throw new BioimageioException( where + ": processing step \"" + name + "\" is not supported; supported are scale_range, "
					+ "zero_mean_unit_variance, fixed_zero_mean_unit_variance, scale_linear, clip, binarize, sigmoid, ensure_dtype" );
		}
	}

	String name()
	{
		return name;
	}

	/** Whether the step needs statistics of the data (per sample or per dataset). */
	boolean needsStatistics()
	{
		if ( name.equals( "scale_range" ) )
			return true;
		if ( name.equals( "zero_mean_unit_variance" ) )
			return !"fixed".equals( text( "mode", "per_sample" ) );
		return false;
	}

	/** A step ready to run: statistics taken from {@code sample} (the data as this step receives it) when it needs them. */
	Bound bind( final float[] sample )
	{
		final double eps = number( "eps", EPS );
		switch ( name )
		{
		case "scale_range":
		{
			final double lowP = number( "min_percentile", 0 ), highP = number( "max_percentile", 100 );
			if ( !( lowP >= 0 && lowP < highP && highP <= 100 ) )
				throw new BioimageioException( String.format( "%s: scale_range needs 0 <= min_percentile < max_percentile <= 100, got %s and %s",
						where, lowP, highP ) );
			final float[] sorted = finiteSorted( sample );
			final double low = percentile( sorted, lowP ), high = percentile( sorted, highP );
			return affine( 1 / ( high - low + eps ), -low / ( high - low + eps ),
					describe( "min_percentile", lowP, "max_percentile", highP, "low", low, "high", high, "eps", eps ) );
		}
		case "zero_mean_unit_variance":
			if ( "fixed".equals( text( "mode", "per_sample" ) ) )
				return fixedMeanStd( numbers( "mean" ), numbers( "std" ), eps );
			{
				double sum = 0, squares = 0;
				long n = 0;
				for ( final float v : sample )
					if ( Float.isFinite( v ) )
					{
						sum += v;
						n++;
					}
				final double mean = n == 0 ? 0 : sum / n;
				for ( final float v : sample )
					if ( Float.isFinite( v ) )
						squares += ( v - mean ) * ( v - mean );
				final double std = n == 0 ? 0 : Math.sqrt( squares / n );
				return affine( 1 / ( std + eps ), -mean / ( std + eps ), describe( "mean", mean, "std", std, "eps", eps ) );
			}
		case "fixed_zero_mean_unit_variance":
			return fixedMeanStd( numbers( "mean" ), numbers( "std" ), eps );
		case "scale_linear":
		{
			final double[] gain = numbersOr( "gain", 1 ), offset = numbersOr( "offset", 0 );
			return ( data, channels, pixels ) -> {
				for ( int c = 0; c < channels; c++ )
				{
					final double g = perChannel( gain, c, channels, "gain" ), o = perChannel( offset, c, channels, "offset" );
					for ( int i = c * pixels; i < ( c + 1 ) * pixels; i++ )
						data[ i ] = ( float ) ( data[ i ] * g + o );
				}
			};
		}
		case "clip":
		{
			final double min = number( "min", Double.NEGATIVE_INFINITY ), max = number( "max", Double.POSITIVE_INFINITY );
			return ( data, channels, pixels ) -> {
				for ( int i = 0; i < channels * pixels; i++ )
					data[ i ] = ( float ) Math.max( min, Math.min( max, data[ i ] ) );
			};
		}
		case "binarize":
		{
			final double[] threshold = numbers( "threshold" );
			return ( data, channels, pixels ) -> {
				for ( int c = 0; c < channels; c++ )
				{
					final double t = perChannel( threshold, c, channels, "threshold" );
					for ( int i = c * pixels; i < ( c + 1 ) * pixels; i++ )
						data[ i ] = data[ i ] > t ? 1 : 0;
				}
			};
		}
		case "sigmoid":
			return ( data, channels, pixels ) -> {
				for ( int i = 0; i < channels * pixels; i++ )
					data[ i ] = ( float ) ( 1 / ( 1 + Math.exp( -data[ i ] ) ) );
			};
		default: // ensure_dtype
		{
			final String dtype = text( "dtype", "float32" );
			if ( dtype.startsWith( "float" ) )
				return ( data, channels, pixels ) -> {};
			final double[] range = integerRange( dtype );
			return ( data, channels, pixels ) -> {
				for ( int i = 0; i < channels * pixels; i++ )
					data[ i ] = ( float ) Math.max( range[ 0 ], Math.min( range[ 1 ], Math.rint( data[ i ] ) ) );
			};
		}
		}
	}

	/** A step with everything it needs: changes {@code channels * pixels} values (channel-major) in place. */
	@FunctionalInterface
	interface Bound
	{
		void apply( float[] data, int channels, int pixels );

		/** What was computed, for the record; empty for steps without statistics. */
		default Map< String, Object > values()
		{
			return Map.of();
		}
	}

	private Bound fixedMeanStd( final double[] mean, final double[] std, final double eps )
	{
		return ( data, channels, pixels ) -> {
			for ( int c = 0; c < channels; c++ )
			{
				final double m = perChannel( mean, c, channels, "mean" ), s = perChannel( std, c, channels, "std" );
				for ( int i = c * pixels; i < ( c + 1 ) * pixels; i++ )
					data[ i ] = ( float ) ( ( data[ i ] - m ) / ( s + eps ) );
			}
		};
	}

	private static Bound affine( final double gain, final double offset, final Map< String, Object > values )
	{
		return new Bound()
		{
			@Override
			public void apply( final float[] data, final int channels, final int pixels )
			{
				for ( int i = 0; i < channels * pixels; i++ )
					data[ i ] = ( float ) ( data[ i ] * gain + offset );
			}

			@Override
			public Map< String, Object > values()
			{
				return values;
			}
		};
	}

	private static Map< String, Object > describe( final Object... keyValues )
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		for ( int i = 0; i < keyValues.length; i += 2 )
			map.put( ( String ) keyValues[ i ], keyValues[ i + 1 ] );
		return map;
	}

	private double perChannel( final double[] values, final int c, final int channels, final String key )
	{
		if ( values.length == 1 )
			return values[ 0 ];
		if ( values.length != channels )
			throw new BioimageioException( String.format( "%s: %s gives %d values for %s, but the tensor has %d channels", where, name,
					values.length, key, channels ) );
		return values[ c ];
	}

	private static double[] integerRange( final String dtype )
	{
		switch ( dtype )
		{
		case "uint8":
			return new double[] { 0, 255 };
		case "int8":
			return new double[] { -128, 127 };
		case "uint16":
			return new double[] { 0, 65535 };
		case "int16":
			return new double[] { -32768, 32767 };
		case "uint32":
			return new double[] { 0, 4294967295.0 };
		case "int32":
			return new double[] { Integer.MIN_VALUE, Integer.MAX_VALUE };
		case "bool":
			return new double[] { 0, 1 };
		default:
			return new double[] { -Double.MAX_VALUE, Double.MAX_VALUE };
		}
	}

	static float[] finiteSorted( final float[] sample )
	{
		final float[] finite = new float[ sample.length ];
		int n = 0;
		for ( final float v : sample )
			if ( Float.isFinite( v ) )
				finite[ n++ ] = v;
		final float[] sorted = Arrays.copyOf( finite, n );
		Arrays.sort( sorted );
		return sorted;
	}

	/** numpy's default percentile: linear interpolation between order statistics. */
	static double percentile( final float[] sorted, final double p )
	{
		if ( sorted.length == 0 )
			return 0;
		final double pos = p / 100 * ( sorted.length - 1 );
		final int i = ( int ) Math.floor( pos ), j = Math.min( sorted.length - 1, i + 1 );
		return sorted[ i ] + ( pos - i ) * ( ( double ) sorted[ j ] - sorted[ i ] );
	}

	private String text( final String key, final String otherwise )
	{
		final JsonNode n = kwargs == null ? null : kwargs.get( key );
		return n == null || n.isNull() ? otherwise : n.asText().toLowerCase( Locale.ROOT );
	}

	private double number( final String key, final double otherwise )
	{
		final JsonNode n = kwargs == null ? null : kwargs.get( key );
		if ( n == null || n.isNull() )
			return otherwise;
		if ( !n.isNumber() )
			throw new BioimageioException( where + ": " + name + "'s " + key + " must be a number, found " + n );
		return n.asDouble();
	}

	private double[] numbers( final String key )
	{
		final JsonNode n = kwargs == null ? null : kwargs.get( key );
		if ( n == null || n.isNull() )
			throw new BioimageioException( where + ": " + name + " needs \"" + key + "\"" );
		return toNumbers( n, key );
	}

	private double[] numbersOr( final String key, final double otherwise )
	{
		final JsonNode n = kwargs == null ? null : kwargs.get( key );
		return n == null || n.isNull() ? new double[] { otherwise } : toNumbers( n, key );
	}

	private double[] toNumbers( final JsonNode n, final String key )
	{
		final List< Double > values = new ArrayList<>();
		flatten( n, values, key );
		if ( values.isEmpty() )
			throw new BioimageioException( where + ": " + name + "'s " + key + " is empty" );
		return values.stream().mapToDouble( Double::doubleValue ).toArray();
	}

	private void flatten( final JsonNode n, final List< Double > into, final String key )
	{
		if ( n.isNumber() )
			into.add( n.asDouble() );
		else if ( n.isArray() )
			n.forEach( e -> flatten( e, into, key ) );
		else
			throw new BioimageioException( where + ": " + name + "'s " + key + " must be a number or a list of numbers, found " + n );
	}

	/** The step as the RDF gave it, for the record. */
	Map< String, Object > toMap()
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		map.put( "id", name );
		if ( kwargs != null && !kwargs.isEmpty() )
			map.put( "kwargs", kwargs.toString() );
		return map;
	}

	@Override
	public String toString()
	{
		return name + ( kwargs == null || kwargs.isEmpty() ? "" : " " + kwargs );
	}
}
