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

	@Test
	void dataListenersGetTheFinishedCellAsTheCacheHoldsIt() throws Exception
	{
		final int w = 24, h = 20;
		final FeatureImage features = Features.lazy( ArrayImgs.floats( FeatureImageTest.plane( w, h, 7 ), w, h ), FeatureImageTest.model,
				FeatureOptions.defaults().tile( 12, 10 ) );
		final VolatileFeatures view = features.volatileView( 1 );
		final long cell = 3; // (x, y) grid position (1, 1): x 12..23, y 10..19
		assertEquals( null, features.cachedCellData( cell ), "nothing cached before the painter asks" );
		final float[][] heard = new float[ 1 ][];
		final long[] index = { -1 };
		final CountDownLatch ready = new CountDownLatch( 1 );
		view.addDataListener( ( data, i ) -> {
			heard[ 0 ] = data;
			index[ 0 ] = i;
		} );
		view.addListener( i -> ready.countDown() );
		assertFalse( view.image().randomAccess().setPositionAndGet( 13, 11, 2 ).isValid() );
		assertTrue( ready.await( 30, TimeUnit.SECONDS ) );
		assertEquals( cell, index[ 0 ] );
		assertTrue( heard[ 0 ] == features.cachedCellData( cell ), "the cache's own array" );
		final int channels = features.channels();
		assertEquals( channels * 12 * 10, heard[ 0 ].length );
		final RandomAccess< FloatType > plain = features.image().randomAccess();
		for ( final int[] p : new int[][] { { 12, 10, 0 }, { 13, 11, 2 }, { 23, 19, channels - 1 } } )
			assertEquals( plain.setPositionAndGet( p[ 0 ], p[ 1 ], p[ 2 ] ).get(), heard[ 0 ][ ( p[ 2 ] * 10 + p[ 1 ] - 10 ) * 12 + p[ 0 ] - 12 ], 0,
					"(c, y, x) order at " + java.util.Arrays.toString( p ) );
	}
}
