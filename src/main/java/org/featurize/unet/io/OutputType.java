package org.featurize.unet.io;

import java.util.Locale;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.zarr.DataType;

/** The data type of the saved features. */
public enum OutputType
{
	/** float32 keeps 13 of its 23 mantissa bits by default (within 1e-4), float16 all of its 10. */
	FLOAT32( DataType.FLOAT32, 23, 13 ), FLOAT16( DataType.FLOAT16, 10, 10 );

	/**
	 * Which readers read float16 Zarr, said in the run's log when it writes float16 (and in the README): N5 has no
	 * float16 type, so Fiji's N5 readers open such an array as bytes without an error.
	 */
	public static final String FLOAT16_READERS = "float16 Zarr is read by Python zarr, zarrita and tensorstore; "
			+ "Fiji's N5 readers (N5 has no float16) open it as bytes without an error: write float32 to open the features there";

	private final DataType dataType;

	private final int mantissaBits, defaultKeepBits;

	OutputType( final DataType dataType, final int mantissaBits, final int defaultKeepBits )
	{
		this.dataType = dataType;
		this.mantissaBits = mantissaBits;
		this.defaultKeepBits = defaultKeepBits;
	}

	/** The type's stored mantissa bits. */
	public int mantissaBits()
	{
		return mantissaBits;
	}

	/** The mantissa bits kept when the run asks for no other number; see {@link StoredValues}. */
	public int defaultKeepBits()
	{
		return defaultKeepBits;
	}

	public DataType dataType()
	{
		return dataType;
	}

	/** What the log says about who reads this type: {@link #FLOAT16_READERS} for float16, else nothing. */
	public String readersNote()
	{
		return this == FLOAT16 ? " (" + FLOAT16_READERS + ")" : "";
	}

	/** The name users type: {@code float32} or {@code float16}. */
	public String label()
	{
		return name().toLowerCase( Locale.ROOT );
	}

	/** The output type that stores {@code type}. */
	public static OutputType of( final DataType type )
	{
		for ( final OutputType t : values() )
			if ( t.dataType == type )
				return t;
		throw new FeaturizeException( "Features are stored as float32 or float16, not " + type );
	}

	public static OutputType parse( final String name )
	{
		final String n = name == null ? "float32" : name.trim().toLowerCase( Locale.ROOT );
		for ( final OutputType t : values() )
			if ( t.label().equals( n ) )
				return t;
		throw new FeaturizeException( "Unknown output type \"" + name + "\"; expected \"float32\" or \"float16\"" );
	}
}
