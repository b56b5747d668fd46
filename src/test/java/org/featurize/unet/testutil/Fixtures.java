package org.featurize.unet.testutil;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;

/** Small inputs and models shared by the tests of several packages. */
public final class Fixtures
{
	private Fixtures()
	{}

	/** A two-level UNet, 1 -> 4 channels, size multiple 4, with a description file. */
	public static final Path TINY_MODEL = Paths.get( "src/test/resources/models/tiny_unet_described.pt" ).toAbsolutePath();

	/** The receptive-field radius its description gives. */
	public static final int TINY_RECEPTIVE_FIELD = 19;

	/**
	 * A (t, z, y, x) = (2, 3, 20, 28) uint16 Zarr v2 volume, one chunk per plane, at {@code dir/in.zarr}; every
	 * plane differs and holds one bright pixel.
	 */
	public static Path volume( final Path dir )
	{
		return volume( dir, "in.zarr", 1, 1, 20, 28 );
	}

	/**
	 * The same values as {@link #volume(Path)}, at {@code dir/name}, in chunks of {@code (t, z, y, x)} = {@code chunks}:
	 * plane chunks (1, 1, 20, 28), 2D tiles (1, 1, 8, 8), 3D blocks (2, 2, 8, 8) that span planes and times.
	 */
	public static Path volume( final Path dir, final String name, final int... chunks )
	{
		final Path input = dir.resolve( name );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( chunks )
				.dataType( DataType.UINT16 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		final long[] grid = a.gridShape();
		for ( long ct = 0; ct < grid[ 0 ]; ct++ )
			for ( long cz = 0; cz < grid[ 1 ]; cz++ )
				for ( long cy = 0; cy < grid[ 2 ]; cy++ )
					for ( long cx = 0; cx < grid[ 3 ]; cx++ )
					{
						final short[] c = new short[ chunks[ 0 ] * chunks[ 1 ] * chunks[ 2 ] * chunks[ 3 ] ];
						int i = 0;
						for ( int t = 0; t < chunks[ 0 ]; t++ )
							for ( int z = 0; z < chunks[ 1 ]; z++ )
								for ( int y = 0; y < chunks[ 2 ]; y++ )
									for ( int x = 0; x < chunks[ 3 ]; x++, i++ )
									{
										final long tt = ct * chunks[ 0 ] + t, zz = cz * chunks[ 1 ] + z, yy = cy * chunks[ 2 ] + y, xx = cx * chunks[ 3 ] + x;
										if ( tt < 2 && zz < 3 && yy < 20 && xx < 28 )
											c[ i ] = value( ( int ) tt, ( int ) zz, ( int ) yy, ( int ) xx );
									}
						a.writeChunk( new long[] { ct, cz, cy, cx }, c );
					}
		return input;
	}

	/**
	 * Scribbles over {@link #volume(Path)}, as class value -> positions {@code (plane * 20 + y) * 28 + x} (plane =
	 * t * 3 + z): class 1 along row 7 around the bright pixel (5, 7), class 2 along row 15, on planes 0 and 4; class 3
	 * a short column at x 20 on plane 4.
	 */
	public static java.util.Map< Long, long[] > scribbles()
	{
		final java.util.Map< Long, long[] > m = new java.util.TreeMap<>();
		final java.util.List< Long > one = new java.util.ArrayList<>(), two = new java.util.ArrayList<>(), three = new java.util.ArrayList<>();
		for ( final long plane : new long[] { 0, 4 } )
		{
			for ( long x = 3; x <= 8; x++ )
				one.add( ( plane * 20 + 7 ) * 28 + x );
			for ( long x = 10; x <= 25; x++ )
				two.add( ( plane * 20 + 15 ) * 28 + x );
		}
		for ( long y = 2; y <= 6; y++ )
			three.add( ( 4 * 20 + y ) * 28 + 20 );
		m.put( 1L, one.stream().mapToLong( Long::longValue ).toArray() );
		m.put( 2L, two.stream().mapToLong( Long::longValue ).toArray() );
		m.put( 3L, three.stream().mapToLong( Long::longValue ).toArray() );
		return m;
	}

	/** A uint8 label array (t, z, y, x) = (2, 3, 20, 28) at {@code dir/name}, one chunk per plane, holding {@code positions}. */
	public static Path labelArray( final Path dir, final String name, final java.util.Map< Long, long[] > positions )
	{
		final Path labels = dir.resolve( name );
		final ZarrArray a = ZarrArray.create( labels, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 1, 1, 20, 28 )
				.dataType( DataType.UINT8 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		final byte[][] planes = new byte[ 6 ][];
		for ( final java.util.Map.Entry< Long, long[] > e : positions.entrySet() )
			for ( final long p : e.getValue() )
			{
				final int plane = ( int ) ( p / ( 20 * 28 ) );
				if ( planes[ plane ] == null )
					planes[ plane ] = new byte[ 20 * 28 ];
				planes[ plane ][ ( int ) ( p % ( 20 * 28 ) ) ] = ( byte ) ( long ) e.getKey();
			}
		for ( int plane = 0; plane < 6; plane++ )
			if ( planes[ plane ] != null )
				a.writeChunk( new long[] { plane / 3, plane % 3, 0, 0 }, planes[ plane ] );
		return labels;
	}

	private static short value( final int t, final int z, final int y, final int x )
	{
		return ( short ) ( 1000 * t + 100 * z + 10 * Math.sin( x * 0.4 ) * Math.cos( y * 0.3 ) + 40 + ( x == 5 && y == 7 ? 30000 : 0 ) );
	}

	/** The same label values, plane by plane, in two label outputs (t, z, y, x) of one uint8 chunk per plane. */
	public static void assertSameLabels( final Path expected, final Path actual )
	{
		final ZarrArray a = ZarrArray.open( expected, "" ), b = ZarrArray.open( actual, "" );
		org.junit.jupiter.api.Assertions.assertArrayEquals( a.shape(), b.shape(), "shape of " + actual );
		for ( long t = 0; t < a.shape()[ 0 ]; t++ )
			for ( long z = 0; z < a.shape()[ 1 ]; z++ )
				org.junit.jupiter.api.Assertions.assertArrayEquals( ( byte[] ) a.readChunk( t, z, 0, 0 ), ( byte[] ) b.readChunk( t, z, 0, 0 ),
						"labels of t " + t + ", z " + z + " in " + actual );
	}

	/** The same chunk files, byte for byte, in two outputs (their run records may differ: other inputs, say). */
	public static void assertSameChunks( final Path expected, final Path actual ) throws java.io.IOException
	{
		final java.util.Map< String, Path > a = new java.util.TreeMap<>(), b = new java.util.TreeMap<>();
		for ( final Object[] o : new Object[][] { { expected, a }, { actual, b } } )
			try ( java.util.stream.Stream< Path > s = java.nio.file.Files.walk( ( Path ) o[ 0 ] ) )
			{
				@SuppressWarnings( "unchecked" )
				final java.util.Map< String, Path > m = ( java.util.Map< String, Path > ) o[ 1 ];
				s.filter( java.nio.file.Files::isRegularFile ).forEach( f -> m.put( ( ( Path ) o[ 0 ] ).relativize( f ).toString(), f ) );
			}
		org.junit.jupiter.api.Assertions.assertEquals( a.keySet(), b.keySet(), "the same files in " + expected + " and " + actual );
		for ( final String name : a.keySet() )
			if ( !name.startsWith( "." ) )
				org.junit.jupiter.api.Assertions.assertArrayEquals( java.nio.file.Files.readAllBytes( a.get( name ) ),
						java.nio.file.Files.readAllBytes( b.get( name ) ), "bytes of " + name );
	}
}
