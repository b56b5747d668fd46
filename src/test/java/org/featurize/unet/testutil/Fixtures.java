package org.featurize.unet.testutil;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;

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

	public static final List< String > CHANNEL_LABELS = List.of( "DAPI", "GFP", "RFP" );

	/** Channel {@code c} of the fixtures: the fixture volume's values, scaled and shifted per channel. */
	private static short[] channel( final short[] plane, final int c )
	{
		final short[] out = new short[ plane.length ];
		for ( int i = 0; i < plane.length; i++ )
			out[ i ] = ( short ) ( ( ( plane[ i ] & 0xffff ) * ( c + 1 ) / 2 + 300 * c + ( i % ( 7 + c ) ) * 20 ) & 0xffff );
		return out;
	}

	/**
	 * The fixture volume as three channels (t, c, z, y, x) = (2, 3, 3, 20, 28): an OME-Zarr image whose channels are
	 * labelled {@link #CHANNEL_LABELS} (with {@code ome} true), else a plain array whose {@code _ARRAY_DIMENSIONS} say (t, c, z, y, x).
	 */
	public static Path channels( final Path dir, final String name, final boolean ome )
	{
		return channels( dir, name, ome, true );
	}

	/**
	 * As {@link #channels(Path, String, boolean)}; a plain array ({@code ome} false) names its axes in
	 * {@code _ARRAY_DIMENSIONS} only where {@code named} is true.
	 */
	public static Path channels( final Path dir, final String name, final boolean ome, final boolean named )
	{
		final ZarrArray plain = ZarrArray.open( volume( dir.resolve( "plain-" + name ) ), "" );
		final Path root = dir.resolve( name );
		final ZarrArray a;
		if ( ome )
		{
			final List< Object > axes = new ArrayList<>();
			for ( final String n : List.of( "t", "c", "z", "y", "x" ) )
				axes.add( Map.of( "name", n, "type", n.equals( "t" ) ? "time" : n.equals( "c" ) ? "channel" : "space" ) );
			final List< Object > omero = new ArrayList<>();
			for ( final String l : CHANNEL_LABELS )
				omero.add( Map.of( "label", l, "color", "FFFFFF" ) );
			ZarrGroup.create( root, "", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4", "name", "cells", "axes", axes,
					"datasets", List.of( Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale",
							List.of( 1.0, 1.0, 1.0, 1.0, 1.0 ) ) ) ) ) ) ), "omero", Map.of( "channels", omero ) ) );
			a = ZarrArray.create( root, "0", ArraySpec.builder().shape( 2, 3, 3, 20, 28 ).chunks( 1, 1, 1, 20, 28 ).dataType( DataType.UINT16 )
					.zarrFormat( 2 ).build() );
		}
		else
			a = ZarrArray.create( root, "", ArraySpec.builder().shape( 2, 3, 3, 20, 28 ).chunks( 1, 1, 1, 20, 28 ).dataType( DataType.UINT16 )
					.zarrFormat( 2 ).attributes( named ? Map.of( "_ARRAY_DIMENSIONS", List.of( "t", "c", "z", "y", "x" ) ) : Map.of() ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int c = 0; c < 3; c++ )
				for ( int z = 0; z < 3; z++ )
					a.writeChunk( new long[] { t, c, z, 0, 0 }, channel( ( short[] ) plain.readChunk( t, z, 0, 0 ), c ) );
		return root;
	}

	/** Labels of {@link #channelAlone}'s (t, z, y, x) = (2, 3, 20, 28) volume, at {@code dir/labels.zarr}: in plane (0, 0), every 3rd pixel, 1 below the plane's mean, 2 above. */
	public static Path channelLabels( final Path dir, final Path alone )
	{
		final short[] plane = ( short[] ) ZarrArray.open( alone, "" ).readChunk( 0, 0, 0, 0 );
		double mean = 0;
		for ( final short v : plane )
			mean += ( v & 0xffff ) / ( double ) plane.length;
		final byte[] labels = new byte[ plane.length ];
		for ( int i = 0; i < plane.length; i += 3 )
			labels[ i ] = ( byte ) ( ( plane[ i ] & 0xffff ) > mean ? 2 : 1 );
		final Path path = dir.resolve( "labels.zarr" );
		ZarrArray.create( path, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 1, 1, 20, 28 ).dataType( DataType.UINT8 ).zarrFormat( 2 ).build() )
				.writeChunk( new long[] { 0, 0, 0, 0 }, labels );
		return path;
	}

	/** Channel {@code c} of {@link #channels} as an image of its own, (t, z, y, x), at {@code dir/alone-c.zarr}. */
	public static Path channelAlone( final Path dir, final int c )
	{
		final ZarrArray plain = ZarrArray.open( volume( dir.resolve( "plain-alone-" + c ) ), "" );
		final Path root = dir.resolve( "alone-" + c + ".zarr" );
		final ZarrArray a = ZarrArray.create( root, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 1, 1, 20, 28 ).dataType( DataType.UINT16 )
				.zarrFormat( 2 ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
				a.writeChunk( new long[] { t, z, 0, 0 }, channel( ( short[] ) plain.readChunk( t, z, 0, 0 ), c ) );
		return root;
	}

	/**
	 * A two-level OME-Zarr multiscale image at {@code dir/name}: level "0" the fixture volume (t, z, y, x) = (2, 3, 20, 28),
	 * scale (1, 0.5, 0.25, 0.25) micrometer; level "1" its 2 x 2 means in y and x, (2, 3, 10, 14), scale (1, 0.5, 0.5, 0.5)
	 * and translation (0, 0, 0.125, 0.125).
	 */
	public static Path multiscale( final Path dir, final String name )
	{
		final ZarrArray plain = ZarrArray.open( volume( dir.resolve( "plain-" + name ) ), "" );
		final Path root = dir.resolve( name );
		final List< Object > axes = new ArrayList<>();
		for ( final String n : List.of( "t", "z", "y", "x" ) )
			axes.add( n.equals( "t" ) ? Map.of( "name", n, "type", "time" ) : Map.of( "name", n, "type", "space", "unit", "micrometer" ) );
		ZarrGroup.create( root, "", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4", "name", "pyramid", "axes", axes, "datasets", List.of(
				Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1.0, 0.5, 0.25, 0.25 ) ) ) ),
				Map.of( "path", "1", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1.0, 0.5, 0.5, 0.5 ) ),
						Map.of( "type", "translation", "translation", List.of( 0.0, 0.0, 0.125, 0.125 ) ) ) ) ) ) ) ) );
		final ZarrArray l0 = ZarrArray.create( root, "0", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 1, 1, 20, 28 ).dataType( DataType.UINT16 )
				.zarrFormat( 2 ).dimensionSeparator( "/" ).build() );
		final ZarrArray l1 = ZarrArray.create( root, "1", ArraySpec.builder().shape( 2, 3, 10, 14 ).chunks( 1, 1, 10, 14 ).dataType( DataType.UINT16 )
				.zarrFormat( 2 ).dimensionSeparator( "/" ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
			{
				final short[] p = ( short[] ) plain.readChunk( t, z, 0, 0 );
				l0.writeChunk( new long[] { t, z, 0, 0 }, p );
				l1.writeChunk( new long[] { t, z, 0, 0 }, halved( p, 28, 20 ) );
			}
		return root;
	}

	/** Level 1 of {@link #multiscale} copied out as a plain array of its own, at {@code dir/name}. */
	public static Path levelOne( final Path dir, final String name )
	{
		final ZarrArray plain = ZarrArray.open( volume( dir.resolve( "plain-" + name ) ), "" );
		final ZarrArray a = ZarrArray.create( dir.resolve( name ), "", ArraySpec.builder().shape( 2, 3, 10, 14 ).chunks( 1, 1, 10, 14 )
				.dataType( DataType.UINT16 ).zarrFormat( 2 ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
				a.writeChunk( new long[] { t, z, 0, 0 }, halved( ( short[] ) plain.readChunk( t, z, 0, 0 ), 28, 20 ) );
		return dir.resolve( name );
	}

	/** The 2 x 2 means of a plane of unsigned 16-bit values. */
	private static short[] halved( final short[] p, final int w, final int h )
	{
		final short[] out = new short[ ( w / 2 ) * ( h / 2 ) ];
		for ( int y = 0; y < h / 2; y++ )
			for ( int x = 0; x < w / 2; x++ )
				out[ y * ( w / 2 ) + x ] = ( short ) ( ( ( p[ 2 * y * w + 2 * x ] & 0xffff ) + ( p[ 2 * y * w + 2 * x + 1 ] & 0xffff )
						+ ( p[ ( 2 * y + 1 ) * w + 2 * x ] & 0xffff ) + ( p[ ( 2 * y + 1 ) * w + 2 * x + 1 ] & 0xffff ) ) / 4 );
		return out;
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
