package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinimumTest
{
	static float[] whole( final Minimum op, final float[] p, final int w, final int h )
	{
		final float[] out = new float[ op.count() * w * h ];
		op.compute( CoherenceTest.plane( p, w, op.feature() ), w, h, 0, 0, w, h, out );
		return out;
	}

	private static float[] scipy( final Path dir, final float[] p, final int w, final int h, final String radii, final int planes ) throws Exception
	{
		final ByteBuffer b = ByteBuffer.allocate( 4 * p.length ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( p );
		Files.write( dir.resolve( "in.raw" ), b.array() );
		External.run( List.of( External.pythonWithScipy().toString(), External.projectDir().resolve( "src/test/python/minimum_reference.py" ).toString(),
				dir.resolve( "in.raw" ).toString(), "" + w, "" + h, radii, dir.resolve( "out.raw" ).toString() ), dir, Duration.ofSeconds( 60 ) );
		final float[] expected = new float[ planes * w * h ];
		ByteBuffer.wrap( Files.readAllBytes( dir.resolve( "out.raw" ) ) ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( expected );
		return expected;
	}

	@Test
	void equalsScipysMinimumFilterOverTheDisk( @TempDir final Path dir ) throws Exception
	{
		final int w = 97, h = 83;
		final float[] p = CoherenceTest.scene( w, h, 3 );
		// 1: a cross; 1.5: a 3 x 3 square; 2: the square and the axes' ends; 2.5 reaches 2 (half to even), 3.2 reaches 3
		final double[] radii = { 1, 1.5, 2, 2.5, 3.2 };
		final float[] expected = scipy( dir, p, w, h, "1,1.5,2,2.5,3.2", radii.length );
		final float[] got = whole( new Minimum( 0, radii ), p, w, h );
		assertArrayEquals( expected, got, "scipy's minimum_filter, reflect, exactly" );
		// the disks differ from one another: each radius is its own footprint
		for ( int k = 1; k < radii.length; k++ )
		{
			int differ = 0;
			for ( int i = 0; i < w * h; i++ )
				differ += got[ k * w * h + i ] != got[ ( k - 1 ) * w * h + i ] ? 1 : 0;
			assertTrue( differ > w * h / 10 || radii[ k ] == 2.5, "radius " + radii[ k ] + " differs from " + radii[ k - 1 ] + " at " + differ );
		}
		// 2.5 reaches as far as 2 and holds (1, 2), which 2 does not
		int wider = 0;
		for ( int i = 0; i < w * h; i++ )
		{
			assertTrue( got[ 3 * w * h + i ] <= got[ 2 * w * h + i ] );
			wider += got[ 3 * w * h + i ] < got[ 2 * w * h + i ] ? 1 : 0;
		}
		assertTrue( wider > 0, "the disk of 2.5 holds more than that of 2" );
	}

	@Test
	void planesNarrowerThanTheDiskReflectAsScipyDoes( @TempDir final Path dir ) throws Exception
	{
		for ( final int[] size : new int[][] { { 5, 3 }, { 1, 7 }, { 12, 2 }, { 2, 2 } } )
		{
			final int w = size[ 0 ], h = size[ 1 ];
			final float[] p = CoherenceTest.scene( w, h, w * h );
			assertArrayEquals( scipy( dir, p, w, h, "2,3", 2 ), whole( new Minimum( 0, new double[] { 2, 3 } ), p, w, h ), w + " x " + h );
		}
	}

	@Test
	void aRectangleReadFromItsMarginEqualsTheWholePlaneThere()
	{
		final int w = 120, h = 90;
		final float[] p = CoherenceTest.scene( w, h, 5 );
		final Minimum op = new Minimum( 0, new double[] { 2, 3 } );
		assertEquals( 3, op.margin() );
		final float[] all = whole( op, p, w, h );
		// inside, at an edge, in a corner: the window is the rectangle grown by the margin (plus garbage beyond that,
		// which must not be read), clipped to the plane, whose edges are reflected
		for ( final int[] r : new int[][] { { 40, 30, 33, 17 }, { 0, 10, 25, 40 }, { 90, 70, 30, 20 }, { 50, 0, 70, 5 }, { 0, 0, 1, 1 } } )
		{
			final int m = op.margin(), g = 7;
			final int x0 = Math.max( 0, r[ 0 ] - m ), y0 = Math.max( 0, r[ 1 ] - m ), x1 = Math.min( w, r[ 0 ] + r[ 2 ] + m ),
					y1 = Math.min( h, r[ 1 ] + r[ 3 ] + m );
			final int left = x0 > 0 ? g : 0, top = y0 > 0 ? g : 0, ww = x1 - x0 + left + ( x1 < w ? g : 0 ), wh = y1 - y0 + top + ( y1 < h ? g : 0 );
			final float[] got = new float[ 2 * r[ 2 ] * r[ 3 ] ];
			op.compute( ( c, cx, cy, cw, ch, dest ) -> {
				for ( int y = 0; y < ch; y++ )
					for ( int x = 0; x < cw; x++ )
					{
						final int sx = x0 + cx + x - left, sy = y0 + cy + y - top;
						dest[ y * cw + x ] = sx < x0 || sy < y0 || sx >= x1 || sy >= y1 ? -1e6f : p[ sy * w + sx ];
					}
			}, ww, wh, r[ 0 ] - x0 + left, r[ 1 ] - y0 + top, r[ 2 ], r[ 3 ], got );
			for ( int k = 0; k < 2; k++ )
				for ( int y = 0; y < r[ 3 ]; y++ )
					for ( int x = 0; x < r[ 2 ]; x++ )
						assertEquals( all[ k * w * h + ( r[ 1 ] + y ) * w + r[ 0 ] + x ], got[ ( k * r[ 3 ] + y ) * r[ 2 ] + x ],
								"radius " + k + " at (" + ( r[ 0 ] + x ) + ", " + ( r[ 1 ] + y ) + ")" );
		}
	}

	@Test
	void aMissingPixelHasNoMinimumItsNeighboursIgnoreIt()
	{
		final int w = 30, h = 20;
		final float[] p = new float[ w * h ];
		for ( int i = 0; i < p.length; i++ )
			p[ i ] = 5 + i % 7;
		p[ 10 * w + 15 ] = Float.NaN;
		p[ 10 * w + 16 ] = 1; // the smallest, beside the missing pixel
		final float[] out = whole( new Minimum( 0, new double[] { 2 } ), p, w, h );
		assertTrue( Float.isNaN( out[ 10 * w + 15 ] ) );
		int nan = 0;
		for ( final float v : out )
			nan += Float.isNaN( v ) ? 1 : 0;
		assertEquals( 1, nan, "only the missing pixel" );
		assertEquals( 1, out[ 10 * w + 14 ], "its neighbour two columns left reaches the 1 past it" );
		assertEquals( 1, out[ 12 * w + 16 ] );
		assertEquals( 5, out[ 0 ], "(0, 0) reads values 5 to 7 of its corner" );
	}

	@Test
	void radiiAreParsedRecordedAndRefusedByName()
	{
		assertNull( Minimum.parse( "none", 6 ) );
		assertNull( Minimum.parse( "", 6 ) );
		final Minimum m = Minimum.parse( "2, 3.5", 6 );
		assertArrayEquals( new double[] { 2, 3.5 }, m.radii() );
		assertEquals( 4, m.margin(), "3.5 reaches 4 (half to even)" );
		assertEquals( List.of( "minimum_2", "minimum_3.5" ), List.of( m.name( 0 ), m.name( 1 ) ) );
		final Map< String, Object > record = m.toRecord();
		assertEquals( "minimum", record.get( "op" ) );
		final Minimum back = Minimum.fromRecord( record, "f.json" );
		assertArrayEquals( m.radii(), back.radii() );
		assertEquals( 6, back.feature() );
		assertEquals( "2", Minimum.defaultRadii() );
		assertTrue( assertThrows( LabelException.class, () -> Minimum.parse( "2,wide", 6 ) ).getMessage().contains( "2,wide" ) );
		assertTrue( assertThrows( LabelException.class, () -> Minimum.parse( "0.5", 6 ) ).getMessage().contains( "[1, 32]" ) );
		assertTrue( assertThrows( LabelException.class, () -> Minimum.fromRecord( Map.of( "op", "minimum", "feature", 6 ), "f.json" ) ).getMessage()
				.contains( "f.json" ) );
	}

	@Test
	void extrasListTheirInputsInOrderAndRefuseAnUnknownOne()
	{
		final Coherence c = new Coherence( 6, new double[] { 1.6 }, 4 );
		final Minimum m = new Minimum( 6, new double[] { 2 } );
		final Extras both = Extras.of( c, m );
		assertEquals( 2, both.count() );
		assertEquals( 21, both.margin(), "the coherence's, the larger" );
		assertEquals( 7, both.channelsRead() );
		assertEquals( List.of( "coherence_1.6", "minimum_2" ), List.of( both.name( 0 ), both.name( 1 ) ) );
		assertNull( Extras.of( null, null ) );
		assertEquals( both, Extras.fromRecord( both.toRecord(), "f.json" ) );
		assertTrue( !both.equals( Extras.of( c ) ) && !both.equals( Extras.of( m, c ) ), "another set, another order" );
		// the channels one after another, each as the operation alone computes it
		final int w = 40, h = 30;
		final float[] p = CoherenceTest.scene( w, h, 11 );
		final float[] out = new float[ 2 * w * h ];
		both.compute( ( ch, x0, y0, cw, chh, dest ) -> {
			for ( int y = 0; y < chh; y++ )
				System.arraycopy( p, ( y0 + y ) * w + x0, dest, y * cw, cw );
		}, w, h, 0, 0, w, h, out );
		final float[] coherence = new float[ w * h ], minimum = new float[ w * h ];
		System.arraycopy( out, 0, coherence, 0, w * h );
		System.arraycopy( out, w * h, minimum, 0, w * h );
		assertArrayEquals( CoherenceTest.whole( new Coherence( 0, new double[] { 1.6 }, 4 ), p, w, h ), coherence );
		assertArrayEquals( whole( new Minimum( 0, new double[] { 2 } ), p, w, h ), minimum );
		// a list from a newer version, or not a list
		final String newer = assertThrows( LabelException.class, () -> Extras.fromRecord( List.of( c.toRecord(), Map.of( "op", "hessian" ) ),
				"f.json" ) ).getMessage();
		assertTrue( newer.contains( "f.json" ) && newer.contains( "hessian" ) && newer.contains( "update" ), newer );
		assertTrue( assertThrows( LabelException.class, () -> Extras.fromRecord( Map.of( "op", "minimum" ), "f.json" ) ).getMessage()
				.contains( "not a list" ) );
	}
}
