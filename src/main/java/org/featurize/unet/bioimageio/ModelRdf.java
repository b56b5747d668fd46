package org.featurize.unet.bioimageio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What this tool needs of a bioimage.io model description ({@code rdf.yaml}, format 0.4 or 0.5): one input
 * and one output tensor with axes (batch, channel, y, x), the input's single channel and its allowed sizes
 * ({@code min + n * step} in y and x), the output's channels and halo, the pre- and postprocessing steps, the
 * TorchScript weights, the test tensors, and the reproducibility tolerance. Anything else is refused, naming
 * the field and what was expected.
 */
public final class ModelRdf
{
	static final ObjectMapper YAML = new ObjectMapper( new YAMLFactory() );

	final Path file, root;

	final String formatVersion, name, inputId, outputId;

	final long minY, minX, stepY, stepX;

	final int outputChannels, haloY, haloX;

	/** The radius that makes tiles exact: {@code config.featurize.receptive_field} when given, else the larger halo. */
	final int receptiveField;

	final List< ProcessingStep > preprocessing, postprocessing;

	final Path weights, testInput, testOutput;

	final double relativeTolerance, absoluteTolerance, mismatchedPerMillion;

	private ModelRdf( final Path file, final JsonNode rdf )
	{
		this.file = file;
		this.root = file.toAbsolutePath().getParent();
		final String where = "bioimage.io model " + file;
		if ( !"model".equals( text( rdf, "type", "model" ) ) )
			throw new BioimageioException( where + ": type is \"" + text( rdf, "type", "" ) + "\"; expected a model" );
		formatVersion = text( rdf, "format_version", "" );
		final boolean v05 = formatVersion.startsWith( "0.5" );
		if ( !v05 && !formatVersion.startsWith( "0.4" ) )
			throw new BioimageioException( where + ": format_version " + formatVersion + " is not supported; expected 0.4.x or 0.5.x" );
		name = text( rdf, "name", file.getParent().getFileName().toString() );

		final JsonNode input = single( rdf, "inputs", where ), output = single( rdf, "outputs", where );
		inputId = text( input, v05 ? "id" : "name", "input" );
		outputId = text( output, v05 ? "id" : "name", "output" );
		final String in = where + " input \"" + inputId + "\"", out = where + " output \"" + outputId + "\"";
		final List< String > inAxes = v05 ? axes05( input.get( "axes" ), in ) : axes04( input.get( "axes" ), in );
		final List< String > outAxes = v05 ? axes05( output.get( "axes" ), out ) : axes04( output.get( "axes" ), out );
		requireBcyx( inAxes, in );
		requireBcyx( outAxes, out );

		final long[][] size = v05 ? inputSizes05( input.get( "axes" ), in ) : inputSizes04( input.get( "shape" ), in );
		if ( size[ 0 ][ 1 ] != 1 )
			throw new BioimageioException( String.format( "%s has %d channels; this tool feeds one channel", in, size[ 0 ][ 1 ] ) );
		minY = size[ 0 ][ 2 ];
		minX = size[ 0 ][ 3 ];
		stepY = size[ 1 ][ 2 ];
		stepX = size[ 1 ][ 3 ];
		if ( minY < 1 || minX < 1 || stepY < 0 || stepX < 0 )
			throw new BioimageioException( String.format( "%s: sizes min (%d, %d), step (%d, %d) in (y, x) are not valid", in, minY, minX, stepY, stepX ) );

		if ( v05 )
		{
			outputChannels = channels05( output.get( "axes" ), out );
			haloY = ( int ) longOf( axis05( output.get( "axes" ), "y" ).get( "halo" ), 0, out + " axis y halo" );
			haloX = ( int ) longOf( axis05( output.get( "axes" ), "x" ).get( "halo" ), 0, out + " axis x halo" );
		}
		else
		{
			outputChannels = channels04( output.get( "shape" ), out );
			final JsonNode halo = output.get( "halo" );
			haloY = halo == null ? 0 : ( int ) longOf( halo.get( 2 ), 0, out + " halo" );
			haloX = halo == null ? 0 : ( int ) longOf( halo.get( 3 ), 0, out + " halo" );
		}

		receptiveField = ( int ) longOf( rdf.path( "config" ).path( "featurize" ).get( "receptive_field" ), Math.max( haloY, haloX ),
				where + " config.featurize.receptive_field" );
		preprocessing = steps( input.get( "preprocessing" ), v05, in + " preprocessing" );
		postprocessing = steps( output.get( "postprocessing" ), v05, out + " postprocessing" );
		for ( final ProcessingStep s : postprocessing )
			if ( s.needsStatistics() )
				throw new BioimageioException( out + ": postprocessing step " + s.name() + " needs statistics of the output; this tool computes "
						+ "features tile by tile and supports only postprocessing with fixed values (scale_linear, clip, binarize, sigmoid, "
						+ "fixed zero_mean_unit_variance, ensure_dtype)" );

		final JsonNode torchscript = rdf.path( "weights" ).has( "torchscript" ) ? rdf.path( "weights" ).get( "torchscript" )
				: rdf.path( "weights" ).get( "pytorch_script" );
		if ( torchscript == null )
			throw new BioimageioException( where + " has no TorchScript weights (weights: " + fieldNames( rdf.get( "weights" ) )
					+ "); this tool runs torchscript weights only" );
		weights = local( text( torchscript, "source", "" ), where + " weights.torchscript.source" );
		if ( v05 )
		{
			testInput = local( text( input.path( "test_tensor" ), "source", "" ), in + " test_tensor" );
			testOutput = local( text( output.path( "test_tensor" ), "source", "" ), out + " test_tensor" );
		}
		else
		{
			testInput = local( text( single( rdf, "test_inputs", where ), null, "" ), where + " test_inputs" );
			testOutput = local( text( single( rdf, "test_outputs", where ), null, "" ), where + " test_outputs" );
		}

		double rtol = 1e-3, atol = 1e-4, mismatched = 0;
		final JsonNode bioimageio = rdf.path( "config" ).path( "bioimageio" );
		final JsonNode tolerance = bioimageio.path( "reproducibility_tolerance" );
		if ( tolerance.isArray() && tolerance.size() > 0 )
		{
			for ( final JsonNode t : tolerance )
				if ( appliesTo( t.get( "weights_formats" ), "torchscript" ) && appliesTo( t.get( "output_ids" ), outputId ) )
				{
					rtol = t.path( "relative_tolerance" ).asDouble( rtol );
					atol = t.path( "absolute_tolerance" ).asDouble( atol );
					mismatched = t.path( "mismatched_elements_per_million" ).asDouble( mismatched );
					break;
				}
		}
		else
		{
			final JsonNode decimal = bioimageio.path( "test_kwargs" ).path( "torchscript" ).get( "decimal" );
			if ( decimal != null && decimal.isNumber() ) // numpy's assert_array_almost_equal(decimal=d): |d| < 1.5 * 10^-d
			{
				rtol = 0;
				atol = 1.5 * Math.pow( 10, -decimal.asInt() );
			}
		}
		relativeTolerance = rtol;
		absoluteTolerance = atol;
		mismatchedPerMillion = mismatched;
	}

	/** Reads an {@code rdf.yaml} (or {@code bioimageio.yaml}) file. */
	public static ModelRdf read( final Path file )
	{
		final JsonNode rdf;
		try
		{
			rdf = YAML.readTree( Files.readAllBytes( file ) );
		}
		catch ( final IOException e )
		{
			throw new BioimageioException( "Cannot read the bioimage.io model description " + file + ": " + e.getMessage(), e );
		}
		if ( rdf == null || !rdf.isObject() )
			throw new BioimageioException( "bioimage.io model description " + file + " is not a YAML mapping" );
		return new ModelRdf( file, rdf );
	}

	private static boolean appliesTo( final JsonNode list, final String value )
	{
		if ( list == null || !list.isArray() || list.isEmpty() )
			return true;
		for ( final JsonNode e : list )
			if ( value.equals( e.asText() ) )
				return true;
		return false;
	}

	private Path local( final String source, final String where )
	{
		if ( source.isEmpty() )
			throw new BioimageioException( where + " is missing" );
		if ( source.matches( "^[a-zA-Z][a-zA-Z0-9+.-]*://.*" ) )
			throw new BioimageioException( where + " is a URL (" + source + "); this tool reads packages offline: download the package "
					+ "with its files (a folder or a .zip)" );
		final Path p = root.resolve( source ).normalize();
		if ( !p.startsWith( root ) )
			throw new BioimageioException( where + " (" + source + ") lies outside the package folder " + root );
		if ( !Files.isRegularFile( p ) )
			throw new BioimageioException( where + ": file " + p + " not found" );
		return p;
	}

	private static JsonNode single( final JsonNode rdf, final String key, final String where )
	{
		final JsonNode list = rdf.get( key );
		if ( list == null || !list.isArray() || list.isEmpty() )
			throw new BioimageioException( where + ": \"" + key + "\" must be a non-empty list" );
		if ( list.size() > 1 )
			throw new BioimageioException( where + " has " + list.size() + " " + key + "; this tool supports models with one input and one output" );
		return list.get( 0 );
	}

	private static String text( final JsonNode node, final String key, final String otherwise )
	{
		final JsonNode n = key == null ? node : node == null ? null : node.get( key );
		return n == null || n.isNull() || n.isContainerNode() ? otherwise : n.asText();
	}

	private static long longOf( final JsonNode n, final long otherwise, final String where )
	{
		if ( n == null || n.isNull() )
			return otherwise;
		if ( !n.canConvertToLong() )
			throw new BioimageioException( where + " must be an integer, found " + n );
		return n.asLong();
	}

	private static String fieldNames( final JsonNode n )
	{
		final List< String > names = new ArrayList<>();
		if ( n != null )
			n.fieldNames().forEachRemaining( names::add );
		return names.toString();
	}

	/** 0.4: axes as a string of letters, e.g. "bcyx". */
	private static List< String > axes04( final JsonNode axes, final String where )
	{
		if ( axes == null || !axes.isTextual() )
			throw new BioimageioException( where + ": axes must be a string such as \"bcyx\", found " + axes );
		final List< String > out = new ArrayList<>();
		for ( final char c : axes.asText().toCharArray() )
			out.add( String.valueOf( c ) );
		return out;
	}

	/** 0.5: axes as objects with type (batch, channel, space, time, index) and, for space axes, id. */
	private static List< String > axes05( final JsonNode axes, final String where )
	{
		if ( axes == null || !axes.isArray() )
			throw new BioimageioException( where + ": axes must be a list of axis objects, found " + axes );
		final List< String > out = new ArrayList<>();
		for ( final JsonNode a : axes )
		{
			final String type = text( a, "type", "" );
			switch ( type )
			{
			case "batch":
				out.add( "b" );
				break;
			case "channel":
				out.add( "c" );
				break;
			case "space":
			case "time":
			case "index":
				out.add( text( a, "id", type ).toLowerCase( Locale.ROOT ) );
				break;
			default:
				throw new BioimageioException( where + ": axis " + a + " has no known type" );
			}
		}
		return out;
	}

	private static JsonNode axis05( final JsonNode axes, final String id )
	{
		for ( final JsonNode a : axes )
			if ( id.equals( text( a, "id", "" ).toLowerCase( Locale.ROOT ) ) )
				return a;
		throw new IllegalStateException( "axis " + id );
	}

	private static void requireBcyx( final List< String > axes, final String where )
	{
		if ( !axes.equals( List.of( "b", "c", "y", "x" ) ) )
			throw new BioimageioException( where + " has axes " + String.join( "", axes ) + "; this tool runs 2D models with axes bcyx "
					+ "(batch, channel, y, x)" );
	}

	/** 0.4 input shape: a fixed list, or {min, step}. Returns {min[4], step[4]}. */
	private static long[][] inputSizes04( final JsonNode shape, final String where )
	{
		final long[] min = new long[ 4 ], step = new long[ 4 ];
		if ( shape != null && shape.isArray() && shape.size() == 4 )
			for ( int d = 0; d < 4; d++ )
				min[ d ] = longOf( shape.get( d ), 0, where + " shape" );
		else if ( shape != null && shape.isObject() && shape.path( "min" ).size() == 4 && shape.path( "step" ).size() == 4 )
			for ( int d = 0; d < 4; d++ )
			{
				min[ d ] = longOf( shape.get( "min" ).get( d ), 0, where + " shape.min" );
				step[ d ] = longOf( shape.get( "step" ).get( d ), 0, where + " shape.step" );
			}
		else
			throw new BioimageioException( where + ": shape must be 4 numbers or {min: [4 numbers], step: [4 numbers]}, found " + shape );
		return new long[][] { min, step };
	}

	/** 0.5 input axes' sizes: an integer, {min, step}, or (channels) channel_names. */
	private static long[][] inputSizes05( final JsonNode axes, final String where )
	{
		final long[] min = new long[ 4 ], step = new long[ 4 ];
		min[ 0 ] = 1;
		for ( int d = 1; d < 4; d++ )
		{
			final JsonNode a = axes.get( d );
			final JsonNode size = a.get( "size" );
			if ( d == 1 && size == null && a.path( "channel_names" ).isArray() )
				min[ d ] = a.get( "channel_names" ).size();
			else if ( size != null && size.canConvertToLong() )
				min[ d ] = size.asLong();
			else if ( size != null && size.isObject() && size.has( "min" ) )
			{
				min[ d ] = longOf( size.get( "min" ), 1, where + " size.min" );
				step[ d ] = longOf( size.get( "step" ), 0, where + " size.step" );
			}
			else
				throw new BioimageioException( where + ": axis " + a + " needs a size (an integer or {min, step})" );
		}
		return new long[][] { min, step };
	}

	private static int channels04( final JsonNode shape, final String where )
	{
		if ( shape != null && shape.isArray() && shape.size() == 4 )
			return ( int ) longOf( shape.get( 1 ), 0, where + " shape" );
		if ( shape != null && shape.isObject() && shape.path( "scale" ).size() == 4 && shape.path( "offset" ).size() == 4 )
		{
			final double scale = shape.get( "scale" ).get( 1 ).asDouble(), offset = shape.get( "offset" ).get( 1 ).asDouble();
			return ( int ) Math.round( scale * 1 + 2 * offset ); // the input has one channel
		}
		throw new BioimageioException( where + ": shape must be 4 numbers or {reference_tensor, scale, offset}, found " + shape );
	}

	private static int channels05( final JsonNode axes, final String where )
	{
		final JsonNode a = axes.get( 1 );
		if ( a.path( "channel_names" ).isArray() )
			return a.get( "channel_names" ).size();
		if ( a.path( "size" ).canConvertToInt() )
			return a.get( "size" ).asInt();
		throw new BioimageioException( where + ": the channel axis needs channel_names or an integer size, found " + a );
	}

	private static List< ProcessingStep > steps( final JsonNode list, final boolean v05, final String where )
	{
		final List< ProcessingStep > steps = new ArrayList<>();
		if ( list == null || list.isNull() )
			return steps;
		if ( !list.isArray() )
			throw new BioimageioException( where + " must be a list, found " + list );
		for ( final JsonNode s : list )
		{
			final String id = text( s, v05 ? "id" : "name", text( s, v05 ? "name" : "id", "" ) );
			steps.add( new ProcessingStep( id, s.get( "kwargs" ), where ) );
		}
		return steps;
	}

	public String name()
	{
		return name;
	}

	public Path file()
	{
		return file;
	}

	public Path weights()
	{
		return weights;
	}

	@Override
	public String toString()
	{
		return String.format( "%s (bioimage.io %s, input %s: 1 channel, size min (%d, %d) + n x (%d, %d); output %s: %d channels, halo (%d, %d), "
				+ "receptive field %d; preprocessing %s; postprocessing %s)", name, formatVersion, inputId, minY, minX, stepY, stepX, outputId,
				outputChannels, haloY, haloX, receptiveField, preprocessing, postprocessing );
	}
}
