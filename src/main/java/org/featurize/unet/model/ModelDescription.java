package org.featurize.unet.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the plugin must know of a per-pixel model: its input and output channels, the size multiple its
 * pooling needs (2^depth for a UNet), and its receptive-field radius (the halo that makes a tile's interior
 * exact). Read from a JSON file next to the model ({@code model.pt} → {@code model.json}) or measured at
 * load by {@link ModelProbe}.
 */
public final class ModelDescription
{
	private final String name;

	private final int inputChannels;

	private final int outputChannels;

	private final int sizeMultiple;

	private final int receptiveField;

	private final String source;

	/** The measured halo that keeps tiles within the tests' tolerance of the whole plane, or -1 when not known. */
	private final int effectiveHalo;

	public ModelDescription( final String name, final int inputChannels, final int outputChannels,
			final int sizeMultiple, final int receptiveField, final String source )
	{
		this( name, inputChannels, outputChannels, sizeMultiple, receptiveField, -1, source );
	}

	/**
	 * @param effectiveHalo
	 *            the halo at which tiles equal the whole plane within 1e-4 of the largest feature, as measured by
	 *            {@code compute.HaloMeasurement} (the description's {@code "effective_halo"}), or -1 when not known
	 */
	public ModelDescription( final String name, final int inputChannels, final int outputChannels,
			final int sizeMultiple, final int receptiveField, final int effectiveHalo, final String source )
	{
		if ( effectiveHalo > receptiveField )
			throw new ModelException( String.format( "Model %s: effective halo %d exceeds the receptive field %d", name, effectiveHalo,
					receptiveField ) );
		if ( inputChannels <= 0 || outputChannels <= 0 )
			throw new ModelException( String.format( "Model %s: channels must be positive (input %d, output %d)",
					name, inputChannels, outputChannels ) );
		if ( sizeMultiple <= 0 )
			throw new ModelException( String.format( "Model %s: size multiple must be positive, got %d", name, sizeMultiple ) );
		if ( receptiveField < 0 )
			throw new ModelException( String.format( "Model %s: receptive field must not be negative, got %d", name, receptiveField ) );
		this.name = name;
		this.inputChannels = inputChannels;
		this.outputChannels = outputChannels;
		this.sizeMultiple = sizeMultiple;
		this.receptiveField = receptiveField;
		this.effectiveHalo = Math.max( -1, effectiveHalo );
		this.source = source;
	}

	/** This description with a measured effective halo. */
	public ModelDescription withEffectiveHalo( final int halo )
	{
		return new ModelDescription( name, inputChannels, outputChannels, sizeMultiple, receptiveField, halo, source );
	}

	/** The description file that belongs to a model file: same name, extension {@code .json}. */
	public static Path descriptionFile( final Path modelFile )
	{
		final String file = modelFile.getFileName().toString();
		final int dot = file.lastIndexOf( '.' );
		return modelFile.resolveSibling( ( dot > 0 ? file.substring( 0, dot ) : file ) + ".json" );
	}

	/**
	 * Reads a description file. Keys: {@code input_channels}, {@code output_channels},
	 * {@code size_multiple}, {@code receptive_field} (all required), {@code name} and {@code effective_halo} (optional).
	 */
	public static ModelDescription read( final Path json )
	{
		final JsonNode root;
		try
		{
			root = new ObjectMapper().readTree( Files.readAllBytes( json ) );
		}
		catch ( final IOException e )
		{
			throw new ModelException( "Cannot read model description " + json + ": " + e.getMessage(), e );
		}
		if ( root == null || !root.isObject() )
			throw new ModelException( "Model description " + json + " is not a JSON object" );
		final String name = root.hasNonNull( "name" ) ? root.get( "name" ).asText() : json.getFileName().toString();
		return new ModelDescription( name,
				requiredInt( root, "input_channels", json ),
				requiredInt( root, "output_channels", json ),
				requiredInt( root, "size_multiple", json ),
				requiredInt( root, "receptive_field", json ),
				root.has( "effective_halo" ) ? requiredInt( root, "effective_halo", json ) : -1,
				json.toString() );
	}

	/** The file name under {@code "bfloat16"} in a description file, or null when it names none. */
	static String bf16Variant( final Path json )
	{
		final JsonNode root;
		try
		{
			root = new ObjectMapper().readTree( Files.readAllBytes( json ) );
		}
		catch ( final IOException e )
		{
			throw new ModelException( "Cannot read model description " + json + ": " + e.getMessage(), e );
		}
		final JsonNode node = root == null ? null : root.get( "bfloat16" );
		if ( node == null || node.isNull() )
			return null;
		if ( !node.isTextual() || node.asText().isBlank() || node.asText().contains( "/" ) || node.asText().contains( "\\" ) )
			throw new ModelException( "Model description " + json + ": \"bfloat16\" must name a file beside it, got " + node );
		return node.asText();
	}

	private static int requiredInt( final JsonNode root, final String key, final Path json )
	{
		final JsonNode node = root.get( key );
		if ( node == null || !node.canConvertToInt() || !node.isIntegralNumber() )
			throw new ModelException( String.format( "Model description %s: expected an integer \"%s\", found %s",
					json, key, node == null ? "nothing" : node.toString() ) );
		return node.asInt();
	}

	public String name()
	{
		return name;
	}

	public int inputChannels()
	{
		return inputChannels;
	}

	public int outputChannels()
	{
		return outputChannels;
	}

	/** Plane sizes fed to the model must be multiples of this. */
	public int sizeMultiple()
	{
		return sizeMultiple;
	}

	/** The receptive-field radius in pixels: the default halo around a tile. */
	public int receptiveField()
	{
		return receptiveField;
	}

	/** The measured halo that keeps tiles within 1e-4 of the largest feature of the whole plane, or -1 when not known. */
	public int effectiveHalo()
	{
		return effectiveHalo;
	}

	/** The halo a tile gets by default: the effective halo when known, else the receptive field (exact by construction). */
	public int defaultHalo()
	{
		return effectiveHalo >= 0 ? effectiveHalo : receptiveField;
	}

	/** Where this description came from: a file, or "measured". */
	public String source()
	{
		return source;
	}

	/** The description as JSON-ready map, for the output's attributes. */
	public Map< String, Object > toMap()
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		map.put( "name", name );
		map.put( "input_channels", inputChannels );
		map.put( "output_channels", outputChannels );
		map.put( "size_multiple", sizeMultiple );
		map.put( "receptive_field", receptiveField );
		if ( effectiveHalo >= 0 )
			map.put( "effective_halo", effectiveHalo );
		map.put( "description_source", source );
		return map;
	}

	@Override
	public String toString()
	{
		return String.format( "%s (in %d, out %d channels, size multiple %d, receptive field %d px)",
				name, inputChannels, outputChannels, sizeMultiple, receptiveField );
	}
}
