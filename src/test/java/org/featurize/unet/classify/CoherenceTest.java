package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.featurize.unet.compute.ExtraChannels;
import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoherenceTest
{
	/** Oriented stripes in one half, round blobs in the other, a gradient and noise: every kind of structure. */
	static float[] scene( final int w, final int h, final long seed )
	{
		final Random r = new Random( seed );
		final float[] p = new float[ w * h ];
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
			{
				double v = 0.2 + 0.3 * x / w + 0.02 * r.nextGaussian();
				if ( x < w / 2 )
					v += 0.5 * Math.max( 0, Math.sin( 0.6 * ( x * 0.8 + y * 0.6 ) ) );
				p[ y * w + x ] = ( float ) v;
			}
		for ( int b = 0; b < 5; b++ )
		{
			final double cx = w / 2 + r.nextDouble() * w / 2, cy = r.nextDouble() * h, s = 2 + 2 * r.nextDouble();
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					p[ y * w + x ] += ( float ) Math.exp( -( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) ) / ( 2 * s * s ) );
		}
		return p;
	}

	/** A source of one plane as feature {@code c} (the others fail: the operation reads only its feature). */
	static ExtraChannels.Source plane( final float[] p, final int w, final int feature )
	{
		return ( c, x0, y0, cw, ch, dest ) -> {
			assertEquals( feature, c, "the channel read" );
			for ( int y = 0; y < ch; y++ )
				System.arraycopy( p, ( y0 + y ) * w + x0, dest, y * cw, cw );
		};
	}

	static float[] whole( final Coherence op, final float[] p, final int w, final int h )
	{
		final float[] out = new float[ op.count() * w * h ];
		op.compute( plane( p, w, op.feature() ), w, h, 0, 0, w, h, out );
		return out;
	}

	@Test
	void equalsScipysComputationOfTheWholePlane( @TempDir final Path dir ) throws Exception
	{
		final Path python = External.pythonWithScipy();
		final int w = 97, h = 83;
		final float[] p = scene( w, h, 3 );
		final ByteBuffer b = ByteBuffer.allocate( 4 * p.length ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( p );
		Files.write( dir.resolve( "in.raw" ), b.array() );
		for ( final double smooth : new double[] { 4, 0 } )
		{
			final Coherence op = new Coherence( 0, new double[] { 1, 1.6, 3.5 }, smooth );
			External.run( List.of( python.toString(), External.projectDir().resolve( "src/test/python/coherence_reference.py" ).toString(),
					dir.resolve( "in.raw" ).toString(), "" + w, "" + h, "1,1.6,3.5", "" + smooth, dir.resolve( "out.raw" ).toString() ), dir,
					Duration.ofSeconds( 60 ) );
			final float[] expected = new float[ 3 * w * h ];
			ByteBuffer.wrap( Files.readAllBytes( dir.resolve( "out.raw" ) ) ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( expected );
			assertSame( whole( op, p, w, h ), expected, w, h, smooth );
		}
	}

	@Test
	void planesNarrowerThanTheKernelsReflectAsScipyDoes( @TempDir final Path dir ) throws Exception
	{
		final Path python = External.pythonWithScipy();
		for ( final int[] size : new int[][] { { 5, 3 }, { 1, 7 }, { 12, 2 } } )
		{
			final int w = size[ 0 ], h = size[ 1 ];
			final float[] p = scene( w, h, w * h );
			final ByteBuffer b = ByteBuffer.allocate( 4 * p.length ).order( ByteOrder.LITTLE_ENDIAN );
			b.asFloatBuffer().put( p );
			Files.write( dir.resolve( "tiny.raw" ), b.array() );
			External.run( List.of( python.toString(), External.projectDir().resolve( "src/test/python/coherence_reference.py" ).toString(),
					dir.resolve( "tiny.raw" ).toString(), "" + w, "" + h, "1.6", "4", dir.resolve( "tiny-out.raw" ).toString() ), dir,
					Duration.ofSeconds( 60 ) );
			final float[] expected = new float[ w * h ];
			ByteBuffer.wrap( Files.readAllBytes( dir.resolve( "tiny-out.raw" ) ) ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( expected );
			final float[] got = whole( new Coherence( 0, new double[] { 1.6 }, 4 ), p, w, h );
			for ( int i = 0; i < got.length; i++ )
				assertEquals( expected[ i ], got[ i ], 2e-4, w + " x " + h + ", pixel " + i );
		}
	}

	/** Java's coherence against scipy's: within 2e-4 everywhere, with the stripes oriented. */
	private static void assertSame( final float[] got, final float[] expected, final int w, final int h, final double smooth )
	{
		double max = 0, spread = 0;
		int at = -1;
		for ( int i = 0; i < got.length; i++ )
		{
			if ( Math.abs( got[ i ] - expected[ i ] ) > max )
			{
				max = Math.abs( got[ i ] - expected[ i ] );
				at = i;
			}
			spread = Math.max( spread, Math.abs( expected[ i ] - expected[ 0 ] ) );
		}
		assertTrue( spread > 0.3, "the scene has oriented and round parts: coherence spread " + spread );
		assertTrue( max < 2e-4, String.format( "coherence smoothed at %s differs from scipy's by %g at scale %d, (x %d, y %d)", smooth, max,
				at / ( w * h ), at % w, at % ( w * h ) / w ) );
		// the stripes are oriented, the blobs' centres not
		assertTrue( got[ w * h + 40 * w + 20 ] > 0.7, "stripes: " + got[ w * h + 40 * w + 20 ] );
	}

	@Test
	void aRectangleReadFromItsMarginEqualsTheWholePlaneThere()
	{
		final int w = 120, h = 90;
		final float[] p = scene( w, h, 5 );
		final Coherence op = new Coherence( 2, new double[] { 1.6, 1 }, 4 );
		assertEquals( 21, op.margin() );
		final float[] all = whole( op, p, w, h );
		// inside, at an edge, in a corner: the window is the rectangle grown by the margin, clipped to the plane
		for ( final int[] r : new int[][] { { 40, 30, 33, 17 }, { 0, 10, 25, 40 }, { 90, 70, 30, 20 }, { 50, 0, 70, 5 } } )
		{
			final int x0 = Math.max( 0, r[ 0 ] - op.margin() ), y0 = Math.max( 0, r[ 1 ] - op.margin() );
			final int x1 = Math.min( w, r[ 0 ] + r[ 2 ] + op.margin() ), y1 = Math.min( h, r[ 1 ] + r[ 3 ] + op.margin() );
			final int ww = x1 - x0, wh = y1 - y0;
			final float[] window = new float[ ww * wh ];
			for ( int y = 0; y < wh; y++ )
				System.arraycopy( p, ( y0 + y ) * w + x0, window, y * ww, ww );
			// a window whose far edges are the plane's only where it reaches them: its inner edges must not matter
			final boolean inner = x1 < w || y1 < h || x0 > 0 || y0 > 0;
			final float[] got = new float[ 2 * r[ 2 ] * r[ 3 ] ];
			op.compute( innerEdges( window, ww, x0 > 0, y0 > 0, x1 < w, y1 < h ), ww + ( x0 > 0 ? 7 : 0 ) + ( x1 < w ? 7 : 0 ),
					wh + ( y0 > 0 ? 7 : 0 ) + ( y1 < h ? 7 : 0 ), r[ 0 ] - x0 + ( x0 > 0 ? 7 : 0 ), r[ 1 ] - y0 + ( y0 > 0 ? 7 : 0 ), r[ 2 ], r[ 3 ],
					got );
			for ( int k = 0; k < 2; k++ )
				for ( int y = 0; y < r[ 3 ]; y++ )
					for ( int x = 0; x < r[ 2 ]; x++ )
						assertEquals( all[ k * w * h + ( r[ 1 ] + y ) * w + r[ 0 ] + x ], got[ ( k * r[ 3 ] + y ) * r[ 2 ] + x ], 1e-6,
								"scale " + k + " at (" + ( r[ 0 ] + x ) + ", " + ( r[ 1 ] + y ) + ")" + ( inner ? " of a window inside" : "" ) );
		}
	}

	/**
	 * A window with 7 columns or rows of garbage beyond the edges that are not the plane's (what a margin beyond the
	 * operation's reads holds): a correct operation never reads them.
	 */
	private static ExtraChannels.Source innerEdges( final float[] window, final int ww, final boolean left, final boolean top, final boolean right,
			final boolean bottom )
	{
		final int ox = left ? 7 : 0, oy = top ? 7 : 0;
		final int wh = window.length / ww;
		return ( c, x0, y0, cw, ch, dest ) -> {
			for ( int y = 0; y < ch; y++ )
				for ( int x = 0; x < cw; x++ )
				{
					final int sx = x0 + x - ox, sy = y0 + y - oy;
					dest[ y * cw + x ] = sx < 0 || sy < 0 || sx >= ww || sy >= wh ? 1e6f : window[ sy * ww + sx ];
				}
		};
	}

	@Test
	void aMissingPixelHasNoCoherenceItsNeighboursKeepTheirs()
	{
		final int w = 60, h = 50;
		final float[] p = scene( w, h, 7 );
		p[ 20 * w + 30 ] = Float.NaN;
		final Coherence op = new Coherence( 0, new double[] { 1.6 }, 4 );
		final float[] out = whole( op, p, w, h );
		int nan = 0;
		for ( final float v : out )
			nan += Float.isNaN( v ) ? 1 : 0;
		assertEquals( 1, nan, "only the missing pixel" );
		assertTrue( Float.isNaN( out[ 20 * w + 30 ] ) );
		assertTrue( out[ 20 * w + 31 ] >= 0 && out[ 20 * w + 31 ] <= 1 );
	}

	@Test
	void withoutSmoothingItIsTheCoherenceItself()
	{
		final int w = 50, h = 40;
		final float[] p = scene( w, h, 9 );
		final float[] raw = whole( new Coherence( 0, new double[] { 1.6 }, 0 ), p, w, h );
		final float[] smoothed = whole( new Coherence( 0, new double[] { 1.6 }, 4 ), p, w, h );
		double spread = 0, apart = 0;
		for ( int i = 0; i < raw.length; i++ )
		{
			assertTrue( raw[ i ] >= 0 && raw[ i ] <= 1, "pixel " + i + ": " + raw[ i ] );
			spread = Math.max( spread, Math.abs( raw[ i ] - raw[ 0 ] ) );
			apart = Math.max( apart, Math.abs( raw[ i ] - smoothed[ i ] ) );
		}
		assertTrue( spread > 0.5 && apart > 0.1, "unsmoothed: spread " + spread + ", from the smoothed " + apart );
		assertEquals( 9, new Coherence( 0, new double[] { 1.6 }, 0 ).margin(), "3 + 6, no smoothing" );
	}

	@Test
	void aConstantPlaneIsNotOriented()
	{
		final float[] p = new float[ 40 * 30 ];
		java.util.Arrays.fill( p, 3 );
		for ( final float v : whole( new Coherence( 0, new double[] { 1.6 }, 4 ), p, 40, 30 ) )
			assertEquals( 0, v );
	}

	@Test
	void scalesAreParsedRecordedAndRefusedByName()
	{
		assertNull( Coherence.parse( "none", 6 ) );
		assertNull( Coherence.parse( " ", 6 ) );
		final Coherence c = Coherence.parse( "1, 1.6,3.5", 6 );
		assertArrayEquals( new double[] { 1, 1.6, 3.5 }, c.sigmas() );
		assertEquals( 30, c.margin(), "3.5: derivatives at 1.75 (6) + window (12) + smoothing at 4 (12)" );
		assertEquals( List.of( "coherence_1", "coherence_1.6", "coherence_3.5" ), List.of( c.name( 0 ), c.name( 1 ), c.name( 2 ) ) );
		final Map< String, Object > record = c.toRecord();
		final Coherence back = Coherence.fromRecord( record, "f.json" );
		assertArrayEquals( c.sigmas(), back.sigmas() );
		assertEquals( 6, back.feature() );
		assertEquals( 4, back.smooth() );
		assertTrue( assertThrows( LabelException.class, () -> Coherence.parse( "1.6,big", 6 ) ).getMessage().contains( "1.6,big" ) );
		assertTrue( assertThrows( LabelException.class, () -> Coherence.parse( "0", 6 ) ).getMessage().contains( "(0, 64]" ) );
		final String foreign = assertThrows( LabelException.class, () -> Coherence.fromRecord( Map.of( "op", "hessian" ), "f.json" ) ).getMessage();
		assertTrue( foreign.contains( "f.json" ) && foreign.contains( "hessian" ) && foreign.contains( "update" ), foreign );
		assertFalse( assertThrows( LabelException.class, () -> Coherence.fromRecord( Map.of( "op", "coherence" ), "f.json" ) ).getMessage().isEmpty() );
	}
}
