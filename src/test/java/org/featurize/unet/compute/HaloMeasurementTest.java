package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;
import org.junit.jupiter.api.Test;

/**
 * The measured halo of models whose dependence on far pixels is known in closed form: a separable filter with
 * weights 2^-|d| up to a radius (zero padding, as a convolution network's), whose tile error at halo h is about
 * 2^-h of the largest feature.
 */
class HaloMeasurementTest
{
	/** Output = the input filtered along x and y with weights 2^-|d| for |d| <= radius, zero beyond the plane. */
	static class DecayingFilter implements FeatureModel
	{
		final int radius, field;

		DecayingFilter( final int radius, final int field )
		{
			this.radius = radius;
			this.field = field;
		}

		@Override
		public ModelDescription description()
		{
			return new ModelDescription( "decaying", 1, 1, 4, field, "test" );
		}

		@Override
		public float[] predict( final float[] plane, final int height, final int width )
		{
			final double[] rows = new double[ height * width ];
			for ( int y = 0; y < height; y++ )
				for ( int x = 0; x < width; x++ )
				{
					double s = 0;
					for ( int d = -radius; d <= radius; d++ )
						if ( x + d >= 0 && x + d < width )
							s += plane[ y * width + x + d ] * Math.pow( 2, -Math.abs( d ) );
					rows[ y * width + x ] = s;
				}
			final float[] out = new float[ height * width ];
			for ( int y = 0; y < height; y++ )
				for ( int x = 0; x < width; x++ )
				{
					double s = 0;
					for ( int d = -radius; d <= radius; d++ )
						if ( y + d >= 0 && y + d < height )
							s += rows[ ( y + d ) * width + x ] * Math.pow( 2, -Math.abs( d ) );
					out[ y * width + x ] = ( float ) s;
				}
			return out;
		}

		@Override
		public int concurrency()
		{
			return 1;
		}

		@Override
		public String engineInfo()
		{
			return "test";
		}

		@Override
		public void close()
		{}
	}

	@Test
	void theHaloIsWhereFarPixelsStopMatteringNotTheReceptiveField()
	{
		// weights 2^-d: a halo of h leaves out about 2^-h of the (nonnegative) sum; half the tolerance, 5e-5, needs
		// h >= 16 (2^-16 = 1.5e-5); 12 is not enough (2^-12 = 2.4e-4)
		final HaloMeasurement m = HaloMeasurement.of( new DecayingFilter( 40, 40 ) );
		assertEquals( 16, m.halo(), m.toString() );
		assertEquals( 11, m.errors().size(), "candidates 0, 4, ..., 40: " + m.errors() );
		assertEquals( 0.0, m.errors().get( 40 ), 0, "the receptive field is exact" );
		assertTrue( m.errors().get( 12 ) > HaloMeasurement.TOLERANCE * HaloMeasurement.SHARE, m.toString() );
		assertTrue( m.errors().get( 16 ) <= HaloMeasurement.TOLERANCE * HaloMeasurement.SHARE, m.toString() );
	}

	@Test
	void aModelWhoseFarPixelsMatterKeepsItsReceptiveField()
	{
		// equal weights up to the radius: every pixel within it matters as much as the nearest
		final FeatureModel flat = new DecayingFilter( 10, 10 )
		{
			@Override
			public float[] predict( final float[] plane, final int height, final int width )
			{
				final float[] out = new float[ height * width ];
				for ( int y = 0; y < height; y++ )
					for ( int x = 0; x < width; x++ )
						for ( int dy = -10; dy <= 10; dy++ )
							for ( int dx = -10; dx <= 10; dx++ )
								if ( y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width )
									out[ y * width + x ] += plane[ ( y + dy ) * width + x + dx ];
				return out;
			}
		};
		assertEquals( 10, HaloMeasurement.of( flat ).halo(), "the receptive field, not its multiple of 4 (12)" );
	}
}
