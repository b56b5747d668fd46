package org.featurize.unet.io;

import java.util.Locale;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.zarr.DataType;

/** The data type of the saved features. */
public enum OutputType
{
	FLOAT32( DataType.FLOAT32 ), FLOAT16( DataType.FLOAT16 );

	private final DataType dataType;

	OutputType( final DataType dataType )
	{
		this.dataType = dataType;
	}

	public DataType dataType()
	{
		return dataType;
	}

	/** The name users type: {@code float32} or {@code float16}. */
	public String label()
	{
		return name().toLowerCase( Locale.ROOT );
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
