package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.featurize.unet.FeaturizeException;
import org.junit.jupiter.api.Test;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ShortArray;

class PlaneReaderTest
{
	@Test
	void mirrorsBeyondTheFarEdgesLikeNumpyReflect()
	{
		// numpy: np.pad(np.arange(5), (0, 9), mode="reflect") = [0 1 2 3 4 3 2 1 0 1 2 3 4 3]
		final PlaneReader< ? > reader = new PlaneReader<>( ArrayImgs.floats( new float[] { 0, 1, 2, 3, 4 }, 5, 1 ) );
		assertArrayEquals( new float[] { 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3 }, reader.read( 0, 0, 14, 1, 0, 0 ) );
		// np.pad(np.arange(3), (0, 13), mode="reflect") = [0 1 2 1 0 1 2 1 0 1 2 1 0 1 2 1]
		final PlaneReader< ? > three = new PlaneReader<>( ArrayImgs.floats( new float[] { 0, 1, 2 }, 1, 3 ) );
		assertArrayEquals( new float[] { 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1 }, three.read( 0, 0, 1, 16, 0, 0 ) );
	}

	@Test
	void mirrorsBeforeTheNearEdgesToo()
	{
		// numpy: np.pad(np.arange(5), (7, 2), mode="reflect") = [1 2 3 4 3 2 1 0 1 2 3 4 3 2]
		final PlaneReader< ? > reader = new PlaneReader<>( ArrayImgs.floats( new float[] { 0, 1, 2, 3, 4 }, 5, 1 ) );
		assertArrayEquals( new float[] { 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2 }, reader.read( -7, 0, 14, 1, 0, 0 ) );
		// np.pad(np.arange(12).reshape(3, 4), ((2, 1), (3, 0)), mode="reflect"), row-major
		final PlaneReader< ? > plane = new PlaneReader<>( ArrayImgs.floats( new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 4, 3 ) );
		assertArrayEquals( new float[] { 11, 10, 9, 8, 9, 10, 11, 7, 6, 5, 4, 5, 6, 7, 3, 2, 1, 0, 1, 2, 3, 7, 6, 5, 4, 5, 6, 7, 11, 10, 9, 8, 9, 10, 11,
				7, 6, 5, 4, 5, 6, 7 }, plane.read( -3, -2, 7, 6, 0, 0 ) );
	}

	@Test
	void aPlaneOnePixelHighRepeatsItsRow()
	{
		final PlaneReader< ? > reader = new PlaneReader<>( ArrayImgs.floats( new float[] { 5, 6 }, 2, 1, 1 ) );
		assertArrayEquals( new float[] { 5, 6, 5, 6, 5, 6, 5, 6 }, reader.read( 0, 0, 2, 4, 0, 0 ) );
		assertArrayEquals( new float[] { 6, 5, 6, 5 }, reader.read( 1, 2, 4, 1, 0, 0 ) );
	}

	@Test
	void readsAPlaneOfAFourDimensionalUnsignedInput()
	{
		// (x, y, z, t) = (3, 2, 2, 2); value = 10000 * t + 1000 * z + 10 * y + x, stored as unsigned 16 bit
		final short[] data = new short[ 3 * 2 * 2 * 2 ];
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 2; z++ )
				for ( int y = 0; y < 2; y++ )
					for ( int x = 0; x < 3; x++ )
						data[ ( ( t * 2 + z ) * 2 + y ) * 3 + x ] = ( short ) ( 50000 + 1000 * z + 10 * y + x + ( t == 1 ? 10000 : 0 ) );
		final PlaneReader< ? > reader = new PlaneReader<>( ArrayImgs.unsignedShorts( new ShortArray( data ), 3, 2, 2, 2 ) );
		assertArrayEquals( new float[] { 61001, 61002, 61001, 61011, 61012, 61011 }, reader.read( 1, 0, 3, 2, 1, 1 ) );
	}

	@Test
	void refusesOneAndSixDimensions()
	{
		final FeaturizeException one = assertThrows( FeaturizeException.class, () -> new PlaneReader<>( ArrayImgs.floats( 5 ) ) );
		assertTrue( one.getMessage().contains( "2, 3 or 4 dimensions" ) && one.getMessage().contains( "got 1" ), one.getMessage() );
		final FeaturizeException six = assertThrows( FeaturizeException.class, () -> new PlaneReader<>( ArrayImgs.floats( 2, 2, 2, 2, 2, 2 ) ) );
		assertTrue( six.getMessage().contains( "got 6" ), six.getMessage() );
	}
}
