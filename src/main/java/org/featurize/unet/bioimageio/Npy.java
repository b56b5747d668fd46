package org.featurize.unet.bioimageio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1, 2 and 3): reads arrays of bool, (u)int8..64 and float16/32/64 in
 * either byte order, C or Fortran order, as float values in C order; writes float32 arrays in C order (version 1).
 */
public final class Npy
{
	private static final byte[] MAGIC = { ( byte ) 0x93, 'N', 'U', 'M', 'P', 'Y' };

	private static final Pattern DESCR = Pattern.compile( "'descr'\\s*:\\s*'([^']*)'" ),
			FORTRAN = Pattern.compile( "'fortran_order'\\s*:\\s*(True|False)" ),
			SHAPE = Pattern.compile( "'shape'\\s*:\\s*\\(([^)]*)\\)" );

	private Npy()
	{}

	/** An array read from a .npy file: its shape (C order) and its values as floats, C order. */
	public static final class Array
	{
		public final long[] shape;

		public final float[] data;

		public Array( final long[] shape, final float[] data )
		{
			if ( Arrays.stream( shape ).reduce( 1, Math::multiplyExact ) != data.length )
				throw new IllegalArgumentException( "Shape " + Arrays.toString( shape ) + " does not hold " + data.length + " values" );
			this.shape = shape;
			this.data = data;
		}

		@Override
		public String toString()
		{
			return "array " + Arrays.toString( shape );
		}
	}

	public static Array read( final Path file )
	{
		final byte[] bytes;
		try
		{
			bytes = Files.readAllBytes( file );
		}
		catch ( final IOException e )
		{
			throw new BioimageioException( "Cannot read " + file + ": " + e.getMessage(), e );
		}
		return read( bytes, file.toString() );
	}

	static Array read( final byte[] bytes, final String name )
	{
		if ( bytes.length < 10 || !Arrays.equals( Arrays.copyOf( bytes, 6 ), MAGIC ) )
			throw new BioimageioException( name + " is not a .npy file (no \\x93NUMPY magic)" );
		final int major = bytes[ 6 ];
		final ByteBuffer in = ByteBuffer.wrap( bytes ).order( ByteOrder.LITTLE_ENDIAN );
		final int headerLength, start;
		if ( major == 1 )
		{
			headerLength = in.getShort( 8 ) & 0xffff;
			start = 10;
		}
		else if ( major == 2 || major == 3 )
		{
			headerLength = in.getInt( 8 );
			start = 12;
		}
		else
			throw new BioimageioException( name + ": .npy version " + major + " is not supported (1, 2 or 3)" );
		if ( start + headerLength > bytes.length )
			throw new BioimageioException( name + ": the .npy header is cut short" );
		final String header = new String( bytes, start, headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1 );
		final String descr = group( DESCR, header, name, "descr" );
		final boolean fortran = group( FORTRAN, header, name, "fortran_order" ).equals( "True" );
		final String shapeText = group( SHAPE, header, name, "shape" ).trim();
		final long[] shape = shapeText.isEmpty() ? new long[ 0 ]
				: Arrays.stream( shapeText.split( "," ) ).map( String::trim ).filter( s -> !s.isEmpty() ).mapToLong( Long::parseLong ).toArray();
		final long count = Arrays.stream( shape ).reduce( 1, Math::multiplyExact );
		if ( count > Integer.MAX_VALUE - 8 )
			throw new BioimageioException( name + ": " + count + " values are too many for one Java array" );
		final ByteOrder order = descr.charAt( 0 ) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		final String type = descr.substring( 1 );
		final int size = Integer.parseInt( type.substring( 1 ) );
		final ByteBuffer data = ByteBuffer.wrap( bytes, start + headerLength, bytes.length - start - headerLength ).slice().order( order );
		if ( data.remaining() < count * size )
			throw new BioimageioException( String.format( "%s: shape %s of %s needs %d bytes of data, found %d", name, Arrays.toString( shape ), descr,
					count * size, data.remaining() ) );
		final float[] values = new float[ ( int ) count ];
		for ( int i = 0; i < count; i++ )
			values[ i ] = value( data, i, type, name, descr );
		return new Array( shape, fortran ? toC( values, shape ) : values );
	}

	private static float value( final ByteBuffer data, final int i, final String type, final String name, final String descr )
	{
		switch ( type )
		{
		case "f4":
			return data.getFloat( 4 * i );
		case "f8":
			return ( float ) data.getDouble( 8 * i );
		case "f2":
			return half( data.getShort( 2 * i ) );
		case "b1":
		case "u1":
			return data.get( i ) & 0xff;
		case "i1":
			return data.get( i );
		case "u2":
			return data.getShort( 2 * i ) & 0xffff;
		case "i2":
			return data.getShort( 2 * i );
		case "u4":
			return data.getInt( 4 * i ) & 0xffffffffL;
		case "i4":
			return data.getInt( 4 * i );
		case "i8":
			return data.getLong( 8 * i );
		case "u8":
		{
			final long v = data.getLong( 8 * i );
			return v >= 0 ? v : ( ( v >>> 1 ) | ( v & 1 ) ) * 2f;
		}
		default:
			throw new BioimageioException( name + ": .npy data type " + descr + " is not supported (bool, integers, float16/32/64)" );
		}
	}

	/** IEEE 754 binary16 to float. */
	static float half( final short bits )
	{
		final int sign = bits >> 15 & 1, exponent = bits >> 10 & 0x1f, mantissa = bits & 0x3ff;
		final float magnitude;
		if ( exponent == 0 )
			magnitude = mantissa * 0x1p-24f;
		else if ( exponent == 31 )
			magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
		else
			magnitude = Float.intBitsToFloat( ( exponent + 112 ) << 23 | mantissa << 13 );
		return sign == 1 ? -magnitude : magnitude;
	}

	/** Fortran-ordered values (first axis fastest) in C order. */
	private static float[] toC( final float[] f, final long[] shape )
	{
		final int n = shape.length;
		final float[] c = new float[ f.length ];
		final long[] index = new long[ n ];
		for ( int i = 0; i < f.length; i++ )
		{
			long fi = 0, stride = 1;
			for ( int d = 0; d < n; d++ )
			{
				fi += index[ d ] * stride;
				stride *= shape[ d ];
			}
			c[ i ] = f[ ( int ) fi ];
			for ( int d = n - 1; d >= 0; d-- )
			{
				if ( ++index[ d ] < shape[ d ] )
					break;
				index[ d ] = 0;
			}
		}
		return c;
	}

	private static String group( final Pattern pattern, final String header, final String name, final String key )
	{
		final Matcher m = pattern.matcher( header );
		if ( !m.find() )
			throw new BioimageioException( name + ": the .npy header has no '" + key + "': " + header.trim() );
		return m.group( 1 );
	}

	/** Writes float32 values (C order) as a version 1 .npy file. */
	public static void write( final Path file, final long[] shape, final float[] values )
	{
		final StringBuilder dims = new StringBuilder();
		for ( final long d : shape )
			dims.append( d ).append( ", " );
		if ( shape.length > 1 )
			dims.setLength( dims.length() - 2 );
		else if ( shape.length == 1 )
			dims.setLength( dims.length() - 1 );
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
		final int total = 10 + header.length() + 1;
		header += " ".repeat( ( 64 - total % 64 ) % 64 ) + "\n";
		final ByteBuffer out = ByteBuffer.allocate( 10 + header.length() + 4 * values.length ).order( ByteOrder.LITTLE_ENDIAN );
		out.put( MAGIC ).put( ( byte ) 1 ).put( ( byte ) 0 ).putShort( ( short ) header.length() );
		out.put( header.getBytes( StandardCharsets.ISO_8859_1 ) );
		for ( final float v : values )
			out.putFloat( v );
		try
		{
			Files.write( file, out.array() );
		}
		catch ( final IOException e )
		{
			throw new BioimageioException( "Cannot write " + file + ": " + e.getMessage(), e );
		}
	}
}
