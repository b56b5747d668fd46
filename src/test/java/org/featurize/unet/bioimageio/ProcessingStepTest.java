package org.featurize.unet.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Each processing step against values worked out by hand from bioimage.io's definitions. */
class ProcessingStepTest
{
	static ProcessingStep step( final String name, final String kwargs ) throws Exception
	{
		final JsonNode k = kwargs == null ? null : ModelRdf.YAML.readTree( kwargs );
		return new ProcessingStep( name, k, "test" );
	}

	static float[] apply( final ProcessingStep s, final float[] sample, final float[] data, final int channels )
	{
		final float[] out = data.clone();
		s.bind( sample ).apply( out, channels, data.length / channels );
		return out;
	}

	@Test
	void scaleRangeMapsTheSamplesPercentilesToZeroAndOne() throws Exception
	{
		final float[] sample = new float[ 101 ];
		for ( int i = 0; i <= 100; i++ )
			sample[ i ] = 2 * i; // percentile p is 2 p
		final ProcessingStep s = step( "scale_range", "{mode: per_dataset, axes: xy, min_percentile: 10, max_percentile: 90}" );
		final float[] out = apply( s, sample, new float[] { 20, 180, 100, Float.NaN }, 1 );
		assertArrayEquals( new float[] { 0, ( float ) ( 160 / ( 160 + 1e-6 ) ), ( float ) ( 80 / ( 160 + 1e-6 ) ), Float.NaN }, out, 1e-6f );
		assertEquals( "{min_percentile=10.0, max_percentile=90.0, low=20.0, high=180.0, eps=1.0E-6}", s.bind( sample ).values().toString() );
		assertEquals( 15.0, ProcessingStep.percentile( new float[] { 10, 20 }, 50 ), 0, "numpy's linear interpolation" );
	}

	@Test
	void zeroMeanUnitVarianceComputedOrFixed() throws Exception
	{
		final float[] sample = { 1, 3, 1, 3 }; // mean 2, std 1
		assertArrayEquals( new float[] { -1, 1, 0 }, apply( step( "zero_mean_unit_variance", "{axes: [y, x]}" ), sample, new float[] { 1, 3, 2 }, 1 ),
				1e-5f );
		assertArrayEquals( new float[] { 5, -0.5f }, apply( step( "zero_mean_unit_variance", "{mode: fixed, mean: 1, std: 2, eps: 0}" ), sample,
				new float[] { 11, 0 }, 1 ), 1e-6f );
		assertArrayEquals( new float[] { 1, 2, 1, 2 }, apply( step( "fixed_zero_mean_unit_variance", "{mean: [1, 10], std: [1, 2], eps: 0}" ),
				sample, new float[] { 2, 3, 12, 14 }, 2 ), 1e-6f, "per channel" );
	}

	@Test
	void fixedSteps() throws Exception
	{
		final float[] x = { -2, 0, 0.5f, 3 };
		assertArrayEquals( new float[] { -3, 1, 2, 7 }, apply( step( "scale_linear", "{gain: 2, offset: 1}" ), null, x, 1 ) );
		assertArrayEquals( new float[] { -2, 0, 1.5f, 9 }, apply( step( "scale_linear", "{gain: [1, 3], axis: channel}" ), null, x, 2 ) );
		assertArrayEquals( new float[] { -1, 0, 0.5f, 1 }, apply( step( "clip", "{min: -1, max: 1}" ), null, x, 1 ) );
		assertArrayEquals( new float[] { 0, 0, 1, 1 }, apply( step( "binarize", "{threshold: 0.25}" ), null, x, 1 ) );
		assertArrayEquals( new float[] { ( float ) ( 1 / ( 1 + Math.exp( 2 ) ) ), 0.5f, ( float ) ( 1 / ( 1 + Math.exp( -0.5 ) ) ),
				( float ) ( 1 / ( 1 + Math.exp( -3 ) ) ) }, apply( step( "sigmoid", null ), null, x, 1 ), 1e-7f );
		assertArrayEquals( new float[] { 0, 0, 0, 3 }, apply( step( "ensure_dtype", "{dtype: uint8}" ), null, x, 1 ) );
	}

	@Test
	void unknownStepsAndBadArgumentsAreRefused() throws Exception
	{
		final BioimageioException e = assertThrows( BioimageioException.class, () -> step( "scale_mean_variance", "{reference_tensor: raw}" ) );
		assertTrue( e.getMessage().startsWith( "test: processing step \"scale_mean_variance\" is not supported" ), e.getMessage() );
		final BioimageioException c = assertThrows( BioimageioException.class,
				() -> apply( step( "scale_linear", "{gain: [1, 2, 3]}" ), null, new float[ 4 ], 2 ) );
		assertEquals( "test: scale_linear gives 3 values for gain, but the tensor has 2 channels", c.getMessage() );
	}
}
