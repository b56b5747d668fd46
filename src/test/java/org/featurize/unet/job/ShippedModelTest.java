package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model against torch 1.13, the independent implementation: the committed reference was made by
 * {@code src/test/python/torch_reference.py} (see {@code make_parity_fixture.py}) on committed inputs whose
 * planes are not multiples of 16. And tiled computation equals whole-plane computation.
 */
class ShippedModelTest
{
	static final Path PARITY = Paths.get( "src/test/resources/parity" ).toAbsolutePath();

	/** Max |a - b| over all values, and max |b|. */
	static double[] compare( final ZarrArray ours, final ZarrArray reference )
	{
		assertArrayEquals( reference.shape(), ours.shape() );
		double diff = 0, max = 0;
		final long[] grid = ours.gridShape();
		final long[] pos = new long[ grid.length ];
		final long[] shape = ours.shape();
		final int[] chunk = ours.chunkShape();
		final int n = shape.length;
		while ( true )
		{
			final float[] a = ( float[] ) ours.readChunk( pos );
			final long[] min = new long[ n ];
			final int[] size = new int[ n ];
			for ( int d = 0; d < n; d++ )
			{
				min[ d ] = pos[ d ] * chunk[ d ];
				size[ d ] = ( int ) Math.min( chunk[ d ], shape[ d ] - min[ d ] );
			}
			final float[] b = ( float[] ) reference.readRegion( min, size );
			// compare the part of our chunk inside the array with the reference region (both C order)
			final int[] idx = new int[ n ];
			for ( int i = 0; i < b.length; i++ )
			{
				int ai = 0;
				for ( int d = 0; d < n; d++ )
					ai = ai * chunk[ d ] + idx[ d ];
				diff = Math.max( diff, Math.abs( a[ ai ] - b[ i ] ) );
				max = Math.max( max, Math.abs( b[ i ] ) );
				for ( int d = n - 1; d >= 0 && ++idx[ d ] == size[ d ]; d-- )
					idx[ d ] = 0;
			}
			int d = n - 1;
			while ( d >= 0 && ++pos[ d ] == grid[ d ] )
				pos[ d-- ] = 0;
			if ( d < 0 )
				return new double[] { diff, max };
		}
	}

	static void assertClose( final Path ours, final Path reference, final String what )
	{
		final double[] r = compare( ZarrArray.open( ours, "" ), ZarrArray.open( reference, "" ) );
		System.out.printf( "%s: max |diff| %.3g, max |output| %.3g, ratio %.3g%n", what, r[ 0 ], r[ 1 ], r[ 0 ] / r[ 1 ] );
		assertTrue( r[ 1 ] > 1e-3, "features are not trivial" );
		assertTrue( r[ 0 ] <= 1e-4 * r[ 1 ], what + ": max |diff| " + r[ 0 ] + " > 1e-4 x " + r[ 1 ] );
	}

	@Test
	void equalsTorchOnAFourDimensionalUint16Volume( @TempDir final Path dir )
	{
		final Path out = dir.resolve( "out.zarr" );
		new Featurizer( s -> {} ).run( FeaturizeRequest.of( PARITY.resolve( "input.zarr" ) ).output( out ).threads( 2 ),
				org.featurize.unet.io.Progress.NONE, () -> false );
		assertEquals( 16, ZarrArray.open( out, "" ).shape()[ 4 ] );
		assertClose( out, PARITY.resolve( "expected.zarr" ), "4D uint16 72 x 88 vs torch" );
	}

	@Test
	void equalsTorchOnATwoDimensionalFloatPlaneAlsoInTiles( @TempDir final Path dir )
	{
		final Path whole = dir.resolve( "whole.zarr" ), tiled = dir.resolve( "tiled.zarr" );
		FeaturizerTest.run( FeaturizeRequest.of( PARITY.resolve( "input2d.zarr" ) ).output( whole ) );
		assertClose( whole, PARITY.resolve( "expected2d.zarr" ), "2D float32 50 x 61 vs torch" );
		FeaturizerTest.run( FeaturizeRequest.of( PARITY.resolve( "input2d.zarr" ) ).output( tiled ).tile( 20 ).chunk( 20 ) );
		assertArrayEquals( new int[] { 20, 20, 16 }, ZarrArray.open( tiled, "" ).chunkShape() );
		assertClose( tiled, PARITY.resolve( "expected2d.zarr" ), "2D float32 50 x 61 in 20 x 20 tiles vs torch" );
	}

	@Test
	void withAMarginEqualsTorchOnThePlaneMirroredBeyondEveryEdge( @TempDir final Path dir )
	{
		final Path whole = dir.resolve( "whole.zarr" ), tiled = dir.resolve( "tiled.zarr" ), none = dir.resolve( "none.zarr" );
		final Featurizer.Result r = FeaturizerTest.run( FeaturizeRequest.of( PARITY.resolve( "input2d.zarr" ) ).output( whole ).margin( 30 ) );
		assertEquals( 32, r.features().tiles().margin(), "rounded up to the model's multiple of 16" );
		assertEquals( 32, ( ( Number ) FeaturizerTest.parameters( whole ).get( "margin" ) ).intValue(), "recorded" );
		assertClose( whole, PARITY.resolve( "expected2d-margin32.zarr" ), "2D float32 50 x 61, margin 32, vs torch" );
		FeaturizerTest.run( FeaturizeRequest.of( PARITY.resolve( "input2d.zarr" ) ).output( tiled ).margin( 32 ).tile( 20 ).chunk( 20 ) );
		assertClose( tiled, PARITY.resolve( "expected2d-margin32.zarr" ), "2D float32 50 x 61, margin 32, in 20 x 20 tiles vs torch" );
		// and the margin is what differs from the features without one
		FeaturizerTest.run( FeaturizeRequest.of( PARITY.resolve( "input2d.zarr" ) ).output( none ) );
		final double[] d = compare( ZarrArray.open( none, "" ), ZarrArray.open( whole, "" ) );
		assertTrue( d[ 0 ] > 1e-2 * d[ 1 ], "without a margin the edges differ: " + d[ 0 ] + " of " + d[ 1 ] );
		assertTrue( !FeaturizerTest.parameters( none ).containsKey( "margin" ), "a run without one records none" );
	}

	@Test
	void tilesEqualTheWholePlaneWhereTheHaloIsSmallerThanThePlane( @TempDir final Path dir )
	{
		// a plane of 361 x 395 (not multiples of 16), 64-pixel tiles: a tile plus its halo is less than the plane
		final Path input = dir.resolve( "in.zarr" ), whole = dir.resolve( "whole.zarr" ), tiled = dir.resolve( "tiled.zarr" );
		org.featurize.unet.cli.SampleVolume.write( input, 1, 1, 361, 395, 11 );
		FeaturizerTest.run( FeaturizeRequest.of( input ).output( whole ) );
		final Featurizer.Result r = FeaturizerTest.run( FeaturizeRequest.of( input ).output( tiled ).tile( 64 ).chunk( 64 ) );
		final int halo = r.features().tiles().halo();
		assertTrue( 64 + 2 * halo < 361, "halo " + halo + " leaves tiles smaller than the plane" );
		assertEquals( 6 * 7, r.written().chunksWritten );
		assertClose( tiled, whole, "361 x 395 in 64 x 64 tiles (halo " + halo + ") vs the whole plane" );
	}
}
