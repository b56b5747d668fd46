package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.testutil.ForwardingModel;
import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.type.volatiles.VolatileFloatType;

class VolatileFeaturesTest
{
	/** A model that waits for a latch before each forward pass. */
	static final class GatedModel extends ForwardingModel
	{
		final CountDownLatch gate = new CountDownLatch( 1 );

		GatedModel( final FeatureModel model )
		{
			super( model );
		}

		@Override
		public float[] predict( final float[] plane, final int height, final int width )
		{
			try
			{
				gate.await();
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
			}
			return super.predict( plane, height, width );
		}
	}

	@Test
	void invalidAtOnceThenValidWithTheSameValuesAndAListenerCall() throws Exception
	{
		final GatedModel gated = new GatedModel( FeatureImageTest.model );
		final int w = 24, h = 20;
		final FeatureImage features = Features.lazy( ArrayImgs.floats( FeatureImageTest.plane( w, h, 7 ), w, h ), gated,
				FeatureOptions.defaults().tile( 12, 10 ) );
		final VolatileFeatures view = features.volatileView( 1 );
		final CountDownLatch ready = new CountDownLatch( 1 );
		view.addListener( index -> ready.countDown() );

		final RandomAccess< VolatileFloatType > a = view.image().randomAccess();
		final VolatileFloatType first = a.setPositionAndGet( 13, 11, 2 );
		assertFalse( first.isValid(), "the painter does not wait for the model" );
		assertEquals( 1, view.pending() );
		gated.gate.countDown();
		assertTrue( ready.await( 30, TimeUnit.SECONDS ), "the cell is computed in the background" );
		final VolatileFloatType later = view.image().randomAccess().setPositionAndGet( 13, 11, 2 );
		assertTrue( later.isValid() );
		final RandomAccess< FloatType > plain = features.image().randomAccess();
		assertEquals( plain.setPositionAndGet( 13, 11, 2 ).get(), later.get().get(), 0 );
		assertEquals( 0, view.pending() );
	}
}
