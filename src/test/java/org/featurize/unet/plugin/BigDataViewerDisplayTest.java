package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import bdv.util.AxisOrder;
import bdv.util.BdvFunctions;
import bdv.util.BdvStackSource;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.type.volatiles.VolatileFloatType;

/** The BigDataViewer bridge against a test-scope stand-in with BigDataViewer's signatures. */
class BigDataViewerDisplayTest
{
	@Test
	void showsTheVolatileFeaturesAsXYZCTAndRepaintsWhenCellsFinish() throws Exception
	{
		final float[] data = new float[ 16 * 12 * 3 * 2 ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( float ) Math.cos( i * 0.07 ) * 50;
		final FeatureImage features = Features.lazy( ArrayImgs.floats( data, 16, 12, 3, 2 ), Models.shared( Fixtures.TINY_MODEL, 1, 1 ),
				FeatureOptions.defaults() );
		assertTrue( BigDataViewerDisplay.isAvailable() );
		BdvFunctions.SHOWN.clear();
		BigDataViewerDisplay.show( features, "features", 1 );
		assertEquals( 1, BdvFunctions.SHOWN.size() );
		@SuppressWarnings( "unchecked" )
		final BdvStackSource< VolatileFloatType > shown = ( BdvStackSource< VolatileFloatType > ) BdvFunctions.SHOWN.get( 0 );
		assertEquals( AxisOrder.XYZCT, shown.options.axisOrder );
		assertEquals( "features", shown.options.frameTitle );
		assertArrayEquals( new long[] { 16, 12, 3, 4, 2 }, shown.image.dimensionsAsLongArray(), "x, y, z, c, t" );

		// the painter reads: invalid at first, valid after the background computation, then a repaint request
		final RandomAccess< VolatileFloatType > a = shown.image.randomAccess();
		a.setPosition( new long[] { 5, 7, 2, 3, 1 } );
		VolatileFloatType v = a.get();
		final long deadline = System.nanoTime() + 30_000_000_000L;
		while ( !v.isValid() && System.nanoTime() < deadline )
		{
			Thread.sleep( 10 );
			v = shown.image.randomAccess().setPositionAndGet( 5, 7, 2, 3, 1 );
		}
		assertTrue( v.isValid() );
		final RandomAccess< FloatType > plain = features.image().randomAccess();
		assertEquals( plain.setPositionAndGet( 5, 7, 3, 2, 1 ).get(), v.get().get(), 0, "(x, y, z, c, t) maps to (x, y, c, z, t)" );
		while ( shown.getBdvHandle().getViewerPanel().repaints.get() == 0 && System.nanoTime() < deadline )
			Thread.sleep( 10 );
		assertTrue( shown.getBdvHandle().getViewerPanel().repaints.get() > 0 );
	}

	@Test
	void saysClearlyWhenBigDataViewerIsAbsent()
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> BigDataViewerDisplay.show( null, "x", 1, "bdv.util.NotInstalled" ) );
		assertTrue( e.getMessage().contains( "needs BigDataViewer, which is not installed here" ), e.getMessage() );
	}
}
