package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import bdv.tools.brightness.ConverterSetup;
import bdv.tools.brightness.RealARGBColorConverterSetup;
import bdv.util.AxisOrder;
import bdv.util.BdvFunctions;
import bdv.util.BdvStackSource;
import bdv.viewer.SynchronizedViewerState;
import bdv.viewer.ViewerPanel;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.type.volatiles.VolatileFloatType;

/** The BigDataViewer bridge against a test-scope stand-in with BigDataViewer's signatures. */
class BigDataViewerDisplayTest
{
	private static final long WAIT_NS = 30_000_000_000L;

	@Test
	void showsTheVolatileFeaturesAsXYZCTAndRepaintsWhenCellsFinish() throws Exception
	{
		final FeatureImage features = features();
		assertTrue( BigDataViewerDisplay.isAvailable() );
		final List< String > warnings = new ArrayList<>();
		final BdvStackSource< VolatileFloatType > shown = show( features, warnings );
		assertEquals( AxisOrder.XYZCT, shown.options.axisOrder );
		assertEquals( "features", shown.options.frameTitle );
		assertArrayEquals( new long[] { 16, 12, 3, 4, 2 }, shown.image.dimensionsAsLongArray(), "x, y, z, c, t" );

		// the painter reads: invalid at first, valid after the background computation, then a repaint request
		final RandomAccess< VolatileFloatType > a = shown.image.randomAccess();
		a.setPosition( new long[] { 5, 7, 2, 3, 1 } );
		VolatileFloatType v = a.get();
		final long deadline = System.nanoTime() + WAIT_NS;
		while ( !v.isValid() && System.nanoTime() < deadline )
		{
			Thread.sleep( 10 );
			v = shown.image.randomAccess().setPositionAndGet( 5, 7, 2, 3, 1 );
		}
		assertTrue( v.isValid() );
		final RandomAccess< FloatType > plain = features.image().randomAccess();
		assertEquals( plain.setPositionAndGet( 5, 7, 3, 2, 1 ).get(), v.get().get(), 0, "(x, y, z, c, t) maps to (x, y, c, z, t)" );
		await( () -> shown.getBdvHandle().getViewerPanel().repaints.get() > 0 );
		assertTrue( warnings.isEmpty(), warnings.toString() );
	}

	@Test
	void rangesFollowTheComputedCellsEachFeatureHasItsColourAndThreeAreActive() throws Exception
	{
		final FeatureImage features = features();
		assertEquals( 6, features.numCells(), "one cell per plane (z, t)" );
		final List< String > warnings = new ArrayList<>();
		final BdvStackSource< VolatileFloatType > shown = show( features, warnings );
		final List< ConverterSetup > setups = shown.getConverterSetups();
		assertEquals( 4, setups.size() );
		final RealARGBColorConverterSetup first = ( RealARGBColorConverterSetup ) setups.get( 0 );
		assertEquals( 0, first.rangeChanges, "no range before a cell is computed" );

		// colours: the palette's first four, all different; only the first three sources active
		final Set< Integer > colours = new HashSet<>();
		for ( int c = 0; c < 4; c++ )
		{
			assertEquals( BigDataViewerDisplay.PALETTE[ c ], setups.get( c ).getColor().get(), "colour of feature " + c );
			colours.add( setups.get( c ).getColor().get() );
		}
		assertEquals( 4, colours.size() );
		final SynchronizedViewerState state = shown.getBdvHandle().getViewerPanel().state();
		for ( int c = 0; c < 4; c++ )
			assertEquals( c < 3, state.isSourceActive( shown.getSources().get( c ) ), "feature " + c + " active" );

		// the painter asks for plane (z, t) = (1, 0): one cell, whose percentiles become the ranges
		touch( shown, 1, 0 );
		await( () -> first.rangeChanges > 0 );
		final double[][] one = percentiles( features, new long[][] { { 1, 0 } } );
		assertRanges( one, setups );

		// a second cell: the ranges become the percentiles of both cells together
		touch( shown, 2, 1 );
		final double[][] two = percentiles( features, new long[][] { { 1, 0 }, { 2, 1 } } );
		await( () -> Arrays.equals( two[ 0 ], range( setups.get( 0 ) ) ) );
		assertRanges( two, setups );
		assertNotEquals( one[ 0 ][ 1 ], two[ 0 ][ 1 ], 0, "the range moved with the second cell" );
		assertTrue( warnings.isEmpty(), warnings.toString() );
	}

	@Test
	void cellsComputedBeforeTheDisplayOpensGiveTheFirstRanges() throws Exception
	{
		final FeatureImage features = features();
		features.image().randomAccess().setPositionAndGet( 0, 0, 0, 0, 1 ).get(); // plane (z, t) = (0, 1) computed into the cache
		final List< String > warnings = new ArrayList<>();
		final BdvStackSource< VolatileFloatType > shown = show( features, warnings );
		final RealARGBColorConverterSetup first = ( RealARGBColorConverterSetup ) shown.getConverterSetups().get( 0 );
		await( () -> first.rangeChanges > 0 );
		assertRanges( percentiles( features, new long[][] { { 0, 1 } } ), shown.getConverterSetups() );
		assertEquals( 0, features.volatileView( 1 ).pending(), "nothing else was computed" );
	}

	@Test
	void anOlderBigDataViewerKeepsEverySourceVisibleAndSaysSo() throws Exception
	{
		final List< String > warnings = new ArrayList<>();
		final BdvStackSource< VolatileFloatType > shown;
		ViewerPanel.withoutState = true;
		try
		{
			shown = show( features(), warnings );
		}
		finally
		{
			ViewerPanel.withoutState = false;
		}
		assertEquals( List.of( "This BigDataViewer has no ViewerPanel.state().setSourceActive(SourceAndConverter, boolean) "
				+ "(java.lang.UnsupportedOperationException: ViewerPanel.state() appeared in BigDataViewer 10): all 4 sources stay visible" ),
				warnings );
		for ( int c = 0; c < 4; c++ )
			assertTrue( shown.getBdvHandle().getViewerPanel().state().isSourceActive( shown.getSources().get( c ) ) );
		assertEquals( BigDataViewerDisplay.PALETTE[ 3 ], shown.getConverterSetups().get( 3 ).getColor().get(), "colours still set" );
	}

	@Test
	void showImageTakesItsRangesFromTheMiddlePlaneAndPaintsThreeColours() throws Exception
	{
		final int w = 20, h = 10, channels = 4, depth = 3, frames = 2;
		final float[] data = new float[ w * h * channels * depth * frames ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( float ) ( 100 * Math.sin( i * 0.37 ) + i % 7 );
		final RandomAccessibleInterval< FloatType > image = ArrayImgs.floats( data, w, h, channels, depth, frames );
		final List< String > warnings = new ArrayList<>();
		BdvFunctions.SHOWN.clear();
		BigDataViewerDisplay.showImage( image, "image", warnings::add );
		final BdvStackSource< ? > shown = BdvFunctions.SHOWN.get( 0 );
		assertTrue( warnings.isEmpty(), warnings.toString() );
		final double[][] expected = new double[ channels ][];
		for ( int c = 0; c < channels; c++ )
		{
			final float[] plane = new float[ w * h ];
			System.arraycopy( data, ( ( 0 * depth + 1 ) * channels + c ) * w * h, plane, 0, w * h ); // z = 1 (the middle), t = 0
			expected[ c ] = nearestRank( plane );
			assertArrayEquals( expected[ c ], range( shown.getConverterSetups().get( c ) ), 0, "channel " + c );
			assertEquals( BigDataViewerDisplay.PALETTE[ c ], shown.getConverterSetups().get( c ).getColor().get() );
			assertEquals( c < 3, shown.getBdvHandle().getViewerPanel().state().isSourceActive( shown.getSources().get( c ) ) );
		}

		// painted: red, green and azure from the first three channels through their ranges, added
		final BufferedImage painted = shown.getBdvHandle().getViewerPanel().paint( 1, 1 );
		final int x = 13, y = 4;
		final double[] s = new double[ 3 ];
		for ( int c = 0; c < 3; c++ )
		{
			final float v = data[ ( ( ( 1 * depth + 1 ) * channels + c ) * h + y ) * w + x ]; // z = 1, t = 1
			s[ c ] = Math.max( 0, Math.min( 1, ( v - expected[ c ][ 0 ] ) / ( expected[ c ][ 1 ] - expected[ c ][ 0 ] ) ) );
		}
		final int rgb = painted.getRGB( x, y );
		assertEquals( Math.round( 255 * s[ 0 ] ), rgb >> 16 & 0xff, 1, "red" );
		assertEquals( Math.round( 255 * Math.min( 1, s[ 1 ] + s[ 2 ] * 128 / 255 ) ), rgb >> 8 & 0xff, 1, "green" );
		assertEquals( Math.round( 255 * s[ 2 ] ), rgb & 0xff, 1, "blue" );

		// a label image (integers) shows from its least to its greatest value
		final byte[] labels = new byte[ w * h ];
		for ( int i = 0; i < labels.length; i++ )
			labels[ i ] = ( byte ) ( 1 + i % 5 );
		BdvFunctions.SHOWN.clear();
		BigDataViewerDisplay.showImage( ArrayImgs.unsignedBytes( labels, w, h, 1, 1, 1 ), "labels", warnings::add );
		assertArrayEquals( new double[] { 1, 5 }, range( BdvFunctions.SHOWN.get( 0 ).getConverterSetups().get( 0 ) ), 0 );
	}

	@Test
	void saysClearlyWhenBigDataViewerIsAbsent()
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> BigDataViewerDisplay.show( null, "x", 1, m -> {}, "bdv.util.NotInstalled" ) );
		assertTrue( e.getMessage().contains( "needs BigDataViewer, which is not installed here" ), e.getMessage() );
	}

	private static FeatureImage features()
	{
		final float[] data = new float[ 16 * 12 * 3 * 2 ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( float ) Math.cos( i * 0.07 ) * 50;
		return Features.lazy( ArrayImgs.floats( data, 16, 12, 3, 2 ), Models.shared( Fixtures.TINY_MODEL, 1, 1 ), FeatureOptions.defaults() );
	}

	@SuppressWarnings( "unchecked" )
	private static BdvStackSource< VolatileFloatType > show( final FeatureImage features, final List< String > warnings )
	{
		BdvFunctions.SHOWN.clear();
		BigDataViewerDisplay.show( features, "features", 1, warnings::add );
		assertEquals( 1, BdvFunctions.SHOWN.size() );
		return ( BdvStackSource< VolatileFloatType > ) BdvFunctions.SHOWN.get( 0 );
	}

	/** Reads one pixel of plane (z, t) of the volatile image, as the painter does, and waits until it is valid. */
	private static void touch( final BdvStackSource< VolatileFloatType > shown, final long z, final long t ) throws InterruptedException
	{
		await( () -> shown.image.randomAccess().setPositionAndGet( 0, 0, z, 0, t ).isValid() );
	}

	private static void await( final BooleanSupplier condition ) throws InterruptedException
	{
		final long deadline = System.nanoTime() + WAIT_NS;
		while ( !condition.getAsBoolean() && System.nanoTime() < deadline )
			Thread.sleep( 10 );
		assertTrue( condition.getAsBoolean(), "timed out" );
	}

	/** The 0.5 % and 99.5 % percentiles (nearest rank on n - 1) per channel of the planes (z, t) together, read here. */
	private static double[][] percentiles( final FeatureImage features, final long[][] planes )
	{
		final int channels = features.channels();
		final double[][] ranges = new double[ channels ][];
		final RandomAccess< FloatType > a = features.image().randomAccess();
		for ( int c = 0; c < channels; c++ )
		{
			final float[] values = new float[ planes.length * 16 * 12 ];
			int n = 0;
			for ( final long[] zt : planes )
				for ( int y = 0; y < 12; y++ )
					for ( int x = 0; x < 16; x++ )
						values[ n++ ] = a.setPositionAndGet( x, y, c, zt[ 0 ], zt[ 1 ] ).get();
			ranges[ c ] = nearestRank( values );
		}
		return ranges;
	}

	private static double[] nearestRank( final float[] values )
	{
		final float[] sorted = values.clone();
		Arrays.sort( sorted );
		final int n = sorted.length;
		return new double[] { sorted[ ( int ) Math.round( 0.005 * ( n - 1 ) ) ], sorted[ ( int ) Math.round( 0.995 * ( n - 1 ) ) ] };
	}

	private static double[] range( final ConverterSetup setup )
	{
		return new double[] { setup.getDisplayRangeMin(), setup.getDisplayRangeMax() };
	}

	private static void assertRanges( final double[][] expected, final List< ConverterSetup > setups )
	{
		for ( int c = 0; c < expected.length; c++ )
			assertArrayEquals( expected[ c ], range( setups.get( c ) ), 0, "range of feature " + c );
	}
}
