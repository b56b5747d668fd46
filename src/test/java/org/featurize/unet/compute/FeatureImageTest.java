package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.CountingModel;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

class FeatureImageTest
{
	static final DjlFeatureModel model = Models.shared( Fixtures.TINY_MODEL, 2, 1 );

	/** A smooth plane with blobs, 0..1000, deterministic. */
	static float[] plane( final int w, final int h, final long seed )
	{
		final Random r = new Random( seed );
		final float[] p = new float[ w * h ];
		for ( int b = 0; b < 6; b++ )
		{
			final double cx = r.nextDouble() * w, cy = r.nextDouble() * h, s = 2 + 4 * r.nextDouble();
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					p[ y * w + x ] += 1000 * Math.exp( -( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) ) / ( 2 * s * s ) );
		}
		return p;
	}

	static float[] all( final RandomAccessibleInterval< FloatType > img )
	{
		final float[] out = new float[ ( int ) Views.iterable( img ).size() ];
		final ArrayImg< FloatType, FloatArray > copy = ArrayImgs.floats( out, img.dimensionsAsLongArray() );
		LoopBuilder.setImages( img, copy ).forEachPixel( ( a, b ) -> b.set( a ) );
		return out;
	}

	static double maxAbs( final float[] a )
	{
		double m = 0;
		for ( final float v : a )
			m = Math.max( m, Math.abs( v ) );
		return m;
	}

	static double maxDiff( final float[] a, final float[] b )
	{
		assertEquals( a.length, b.length );
		double m = 0;
		for ( int i = 0; i < a.length; i++ )
			m = Math.max( m, Math.abs( a[ i ] - b[ i ] ) );
		return m;
	}

	@Test
	void tiledEqualsWholePlaneOnAPlaneThatIsNotAMultiple()
	{
		final int w = 50, h = 37;
		final RandomAccessibleInterval< FloatType > input = ArrayImgs.floats( plane( w, h, 1 ), w, h );
		final float[] whole = all( Features.lazy( input, model, FeatureOptions.defaults() ).image() );
		final FeatureImage tiled = Features.lazy( input, model, FeatureOptions.defaults().tile( 16, 12 ) );
		assertEquals( 4 * 4, tiled.numCells() );
		final float[] t = all( tiled.image() );
		final double max = maxAbs( whole );
		assertTrue( max > 0.1, "features are not trivial" );
		assertTrue( maxDiff( whole, t ) <= 1e-4 * max, "tiled vs whole: " + maxDiff( whole, t ) + " of " + max );

		// without a halo the tiles see zero padding at their borders: the halo is what makes them exact
		final float[] noHalo = all( Features.lazy( input, model, FeatureOptions.defaults().tile( 16, 12 ).halo( 0 ) ).image() );
		assertTrue( maxDiff( whole, noHalo ) > 1e-2 * max, "halo 0 should differ: " + maxDiff( whole, noHalo ) );
	}

	@Test
	void aRegionsFeaturesAreTheWholeInputsThere()
	{
		final int w = 50, h = 37;
		final float[] data = new float[ w * h * 2 ];
		System.arraycopy( plane( w, h, 1 ), 0, data, 0, w * h );
		System.arraycopy( plane( w, h, 2 ), 0, data, w * h, w * h );
		final RandomAccessibleInterval< FloatType > input = ArrayImgs.floats( data, w, h, 2 );
		final FeatureImage whole = Features.lazy( input, model, FeatureOptions.defaults() );
		final double max = maxAbs( all( whole.image() ) );
		// inside (an origin that is not a multiple of the model's 4), and at the far edges, where the input is mirrored
		for ( final long[][] box : new long[][][] { { { 5, 3, 1 }, { 30, 24, 1 } }, { { 31, 21, 0 }, { 49, 36, 1 } } } )
		{
			final FinalInterval region = new FinalInterval( box[ 0 ], box[ 1 ] );
			final FeatureImage part = Features.lazy( new PlaneReader<>( input, region ), model, FeatureOptions.defaults().tile( 8, 8 ), null );
			assertArrayEquals( new long[] { box[ 1 ][ 0 ] - box[ 0 ][ 0 ] + 1, box[ 1 ][ 1 ] - box[ 0 ][ 1 ] + 1, 4, box[ 1 ][ 2 ] - box[ 0 ][ 2 ] + 1 },
					part.image().dimensionsAsLongArray() );
			final float[] expected = all( Views.zeroMin( Views.interval( whole.image(), new FinalInterval(
					new long[] { box[ 0 ][ 0 ], box[ 0 ][ 1 ], 0, box[ 0 ][ 2 ] }, new long[] { box[ 1 ][ 0 ], box[ 1 ][ 1 ], 3, box[ 1 ][ 2 ] } ) ) ) );
			final float[] actual = all( part.image() );
			assertTrue( maxDiff( expected, actual ) <= 1e-4 * max, "region " + region + " vs the whole input there: " + maxDiff( expected, actual ) + " of " + max );
			// the same pixels copied out and featurized alone are mirrored at the region's edges: they differ
			final float[] alone = all( Features.lazy( ArrayImgs.floats( copy( input, region ), region.dimensionsAsLongArray() ), model,
					FeatureOptions.defaults() ).image() );
			assertTrue( maxDiff( expected, alone ) > 1e-2 * max, "copied out: " + maxDiff( expected, alone ) );
		}
		// percentiles are the whole input's
		final FeatureImage part = Features.lazy( new PlaneReader<>( input, new FinalInterval( new long[] { 5, 3, 1 }, new long[] { 20, 10, 1 } ) ),
				model, FeatureOptions.defaults().normalization( "percentile" ), null );
		assertEquals( Features.lazy( input, model, FeatureOptions.defaults().normalization( "percentile" ) ).normalization().toMap(),
				part.normalization().toMap() );
	}

	private static float[] copy( final RandomAccessibleInterval< FloatType > input, final FinalInterval region )
	{
		final float[] out = new float[ ( int ) Intervals.numElements( region ) ];
		LoopBuilder.setImages( Views.interval( input, region ), ArrayImgs.floats( out, region.dimensionsAsLongArray() ) )
				.forEachPixel( ( a, b ) -> b.set( a ) );
		return out;
	}

	@Test
	void interleavedCellsHoldTheSameValuesAsTheCellsComputedOrCached()
	{
		final int w = 50, h = 37; // 16 x 12 tiles: inner, right-edge, bottom-edge and corner tiles, each with a halo
		final FeatureImage features = Features.lazy( ArrayImgs.floats( plane( w, h, 3 ), w, h ), model, FeatureOptions.defaults().tile( 16, 12 ) );
		for ( long i = 0; i < features.numCells(); i++ )
		{
			final float[] planar = features.cellData( i ); // computed, not cached
			final float[] interleaved = features.interleavedCellData( i ); // computed through the interleaving engine path
			assertEquals( planar.length, interleaved.length );
			final int pixels = planar.length / 4;
			for ( int p = 0; p < pixels; p++ )
				for ( int c = 0; c < 4; c++ )
					assertEquals( planar[ c * pixels + p ], interleaved[ p * 4 + c ], 1e-6f * ( float ) maxAbs( planar ), "cell " + i + ", pixel " + p + ", c " + c );
		}
		all( features.image() ); // every cell cached now
		for ( long i = 0; i < features.numCells(); i++ )
			assertArrayEquals( FeatureModel.interleave( features.cellData( i ), 4, features.cellData( i ).length / 4 ), features.interleavedCellData( i ), "cached cell " + i );
	}

	@Test
	void wholePlaneEqualsTheModelOnTheMirrorPaddedPlane()
	{
		final int w = 10, h = 7; // padded to 12 x 8 with numpy's reflect
		final float[] p = plane( w, h, 2 );
		final float[] padded = new float[ 12 * 8 ];
		for ( int y = 0; y < 8; y++ )
			for ( int x = 0; x < 12; x++ )
				padded[ y * 12 + x ] = p[ ( y < h ? y : 2 * ( h - 1 ) - y ) * w + ( x < w ? x : 2 * ( w - 1 ) - x ) ];
		final float[] direct = model.predict( padded, 8, 12 );
		final FeatureImage features = Features.lazy( ArrayImgs.floats( p, w, h ), model, FeatureOptions.defaults() );
		final RandomAccess< FloatType > a = features.image().randomAccess();
		for ( int c = 0; c < 4; c++ )
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					assertEquals( direct[ ( c * 8 + y ) * 12 + x ], a.setPositionAndGet( x, y, c ).get(), 0, "at " + x + "," + y + "," + c );
	}

	@Test
	void aMarginIsThePlaneMirroredBeyondEveryEdgeBeforeTheModel()
	{
		final int w = 10, h = 7, m = 4; // margin 3, rounded up to the tiny model's multiple of 4; padded to 12 x 8, then 4 more each side
		final float[] p = plane( w, h, 2 );
		final int pw = 12 + 2 * m, ph = 8 + 2 * m;
		final float[] padded = new float[ pw * ph ];
		for ( int y = 0; y < ph; y++ )
			for ( int x = 0; x < pw; x++ )
				padded[ y * pw + x ] = p[ ( int ) ( PlaneReader.mirror( y - m, h ) * w + PlaneReader.mirror( x - m, w ) ) ];
		final float[] direct = model.predict( padded, ph, pw );
		final FeatureImage features = Features.lazy( ArrayImgs.floats( p, w, h ), model, FeatureOptions.defaults().margin( 3 ) );
		assertEquals( m, features.tiles().margin() );
		final RandomAccess< FloatType > a = features.image().randomAccess();
		final float[] none = all( Features.lazy( ArrayImgs.floats( p, w, h ), model, FeatureOptions.defaults() ).image() );
		double differs = 0;
		for ( int c = 0; c < 4; c++ )
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
				{
					final float v = a.setPositionAndGet( x, y, c ).get();
					assertEquals( direct[ ( c * ph + y + m ) * pw + x + m ], v, 0, "at " + x + "," + y + "," + c );
					differs = Math.max( differs, Math.abs( v - none[ ( c * h + y ) * w + x ] ) );
				}
		assertTrue( differs > 1e-2 * maxAbs( none ), "the margin changes the features at the edges: " + differs );
	}

	@Test
	void withAMarginTilesAndRegionsEqualTheWholePlane()
	{
		final int w = 50, h = 37;
		final RandomAccessibleInterval< FloatType > input = ArrayImgs.floats( plane( w, h, 1 ), w, h );
		final FeatureOptions margin = FeatureOptions.defaults().margin( 8 );
		final float[] whole = all( Features.lazy( input, model, margin ).image() );
		final double max = maxAbs( whole );
		final float[] tiled = all( Features.lazy( input, model, FeatureOptions.defaults().margin( 8 ).tile( 16, 12 ) ).image() );
		assertTrue( maxDiff( whole, tiled ) <= 1e-4 * max, "tiled vs whole: " + maxDiff( whole, tiled ) + " of " + max );
		// regions at the near corner, inside, and at the far corner: tiles that reach into the margin or not
		for ( final long[][] box : new long[][][] { { { 0, 0 }, { 20, 15 } }, { { 5, 3 }, { 30, 24 } }, { { 31, 21 }, { 49, 36 } } } )
		{
			final FinalInterval region = new FinalInterval( box[ 0 ], box[ 1 ] );
			final float[] part = all( Features.lazy( new PlaneReader<>( input, region ), model, FeatureOptions.defaults().margin( 8 ).tile( 8, 8 ), null )
					.image() );
			final float[] expected = all( Views.zeroMin( Views.interval( ArrayImgs.floats( whole, w, h, 4 ), new FinalInterval(
					new long[] { box[ 0 ][ 0 ], box[ 0 ][ 1 ], 0 }, new long[] { box[ 1 ][ 0 ], box[ 1 ][ 1 ], 3 } ) ) ) );
			assertTrue( maxDiff( expected, part ) <= 1e-4 * max, "region " + region + ": " + maxDiff( expected, part ) + " of " + max );
		}
	}

	@Test
	void fourDimensionalInputGivesXYCZTComputedLazilyOnce()
	{
		final int w = 20, h = 16, z = 3, t = 2;
		final float[] data = new float[ w * h * z * t ];
		for ( int p = 0; p < z * t; p++ )
			System.arraycopy( plane( w, h, 10 + p ), 0, data, p * w * h, w * h );
		final CountingModel counting = new CountingModel( model );
		final FeatureImage features = Features.lazy( ArrayImgs.floats( data, w, h, z, t ), counting, FeatureOptions.defaults() );
		assertArrayEquals( new long[] { w, h, 4, z, t }, features.image().dimensionsAsLongArray() );
		assertEquals( 0, counting.calls.get(), "nothing is computed before a pixel is touched" );
		final RandomAccess< FloatType > a = features.image().randomAccess();
		final float v = a.setPositionAndGet( 3, 4, 2, 1, 1 ).get();
		a.setPositionAndGet( 19, 15, 3, 1, 1 ).get();
		assertEquals( 1, counting.calls.get(), "one plane touched, one forward pass" );
		// plane (z=1, t=1) on its own gives the same value
		final float[] single = all( Features.lazy( ArrayImgs.floats( plane( w, h, 10 + 4 ), w, h ), model, FeatureOptions.defaults() ).image() );
		assertEquals( single[ ( 2 * h + 4 ) * w + 3 ], v, 0 );
	}

	@Test
	void unsignedShortInputEqualsFloatInput()
	{
		final int w = 24, h = 20;
		final float[] p = plane( w, h, 3 );
		final short[] s = new short[ p.length ];
		for ( int i = 0; i < p.length; i++ )
		{
			p[ i ] = Math.min( 65535, Math.round( p[ i ] * 60 ) ); // beyond signed 16 bit
			s[ i ] = ( short ) p[ i ];
		}
		final float[] fromFloat = all( Features.lazy( ArrayImgs.floats( p, w, h ), model, FeatureOptions.defaults() ).image() );
		final float[] fromShort = all( Features.lazy( ArrayImgs.unsignedShorts( new ShortArray( s ), w, h ), model, FeatureOptions.defaults() ).image() );
		assertArrayEquals( fromFloat, fromShort );
	}

	@Test
	void cellsAreEvictedAndRecomputedIdentically()
	{
		final int w = 40, h = 40;
		final CountingModel counting = new CountingModel( model );
		// a cache of one cell: 16 x 16 x 4 floats plus overhead
		final FeatureImage features = Features.lazy( ArrayImgs.floats( plane( w, h, 4 ), w, h ), counting,
				FeatureOptions.defaults().tile( 16 ).cacheBytes( 16 * 16 * 4 * 4 + 100 ) );
		final float[] first = all( features.image() );
		final int calls = counting.calls.get();
		assertTrue( calls >= 9, "every cell computed: " + calls );
		final float[] second = all( features.image() );
		assertTrue( counting.calls.get() > calls, "evicted cells are recomputed" );
		assertArrayEquals( first, second );
	}

	@Test
	void constantPlaneWithPercentileNormalizationGivesFiniteFeatures()
	{
		final float[] p = new float[ 16 * 16 ];
		java.util.Arrays.fill( p, 7 );
		final FeatureImage features = Features.lazy( ArrayImgs.floats( p, 16, 16 ), model, FeatureOptions.defaults().normalization( "percentile" ) );
		assertEquals( "percentile", features.normalization().method() );
		for ( final float v : all( features.image() ) )
			assertTrue( Float.isFinite( v ) );
	}
}
