package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.junit.jupiter.api.Test;

import net.imglib2.img.array.ArrayImgs;

class NormalizationTest
{
	@Test
	void percentilesMatchNumpyAndAreAppliedToEveryValue()
	{
		// values 0..999 over 4 planes of 250; numpy: np.percentile(np.arange(1000), [1, 99.8]) = [9.99, 997.002]
		final float[] data = new float[ 1000 ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = i;
		final Normalization n = Normalization.percentile( new PlaneReader<>( ArrayImgs.floats( data, 25, 10, 4 ) ), 1, 99.8 );
		final Map< String, Object > m = n.toMap();
		assertEquals( 9.99, ( double ) m.get( "low" ), 1e-4 );
		assertEquals( 997.002, ( double ) m.get( "high" ), 1e-9 );
		final float[] v = { 9.99f, 997.002f, Float.NaN };
		n.apply( v );
		assertEquals( 0, v[ 0 ], 1e-6 );
		assertEquals( 1, v[ 1 ], 1e-6 );
		assertTrue( Float.isNaN( v[ 2 ] ) );
	}

	@Test
	void constantDataIsShiftedNotDividedByZero()
	{
		final float[] data = new float[ 64 ];
		java.util.Arrays.fill( data, 3 );
		final Normalization n = Normalization.percentile( new PlaneReader<>( ArrayImgs.floats( data, 8, 8 ) ), 1, 99 );
		final float[] v = { 3, 4 };
		n.apply( v );
		assertArrayEquals( new float[] { 0, 1 }, v );
	}

	@Test
	void noneLeavesValuesAlone()
	{
		final float[] v = { 1, -2, Float.POSITIVE_INFINITY };
		Normalization.none().apply( v );
		assertArrayEquals( new float[] { 1, -2, Float.POSITIVE_INFINITY }, v );
	}

	@Test
	void refusesUnknownMethodsAndBadPercentiles()
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> Normalization.checkMethod( "zscore" ) );
		assertEquals( "Unknown normalization \"zscore\"; expected \"none\" or \"percentile\"", e.getMessage() );
		assertThrows( FeaturizeException.class, () -> Normalization.percentile( new PlaneReader<>( ArrayImgs.floats( 4, 4 ) ), 50, 10 ) );
	}
}
