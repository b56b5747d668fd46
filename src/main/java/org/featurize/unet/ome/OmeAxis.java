package org.featurize.unet.ome;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One axis of an OME-NGFF image: its name, its type ({@code time}, {@code channel} or {@code space}) and its
 * unit (null when none is given), with the scale and translation of the image's full-resolution level.
 */
public final class OmeAxis
{
	public static final String TIME = "time", CHANNEL = "channel", SPACE = "space";

	private final String name, type, unit;

	private final double scale, translation;

	public OmeAxis( final String name, final String type, final String unit, final double scale, final double translation )
	{
		this.name = name;
		this.type = type;
		this.unit = unit;
		this.scale = scale;
		this.translation = translation;
	}

	/** An axis without unit, scale 1, no translation. */
	public static OmeAxis plain( final String name, final String type )
	{
		return new OmeAxis( name, type, null, 1, 0 );
	}

	public String name()
	{
		return name;
	}

	public String type()
	{
		return type;
	}

	/** The unit, or null. */
	public String unit()
	{
		return unit;
	}

	public double scale()
	{
		return scale;
	}

	public double translation()
	{
		return translation;
	}

	/** The axis as NGFF writes it in {@code multiscales[].axes}: name, type and, where known, unit. */
	public Map< String, Object > toMap()
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		map.put( "name", name );
		map.put( "type", type );
		if ( unit != null )
			map.put( "unit", unit );
		return map;
	}

	@Override
	public String toString()
	{
		return name + " (" + type + ( unit == null ? "" : ", " + unit ) + ")";
	}
}
