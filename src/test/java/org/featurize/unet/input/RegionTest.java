package org.featurize.unet.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The region parameter: its syntax, its bounds in an input's shape, and the exact refusals. */
class RegionTest
{
	static final List< String > TZYX = List.of( "t", "z", "y", "x" );

	@Test
	void slicesPerAxisInNumpyOrder()
	{
		final long[] shape = { 2, 30, 512, 1024 };
		assertArrayEquals( new long[][] { { 0, 2 }, { 10, 20 }, { 0, 512 }, { 256, 768 } },
				Region.parse( "0:2,10:20,0:512,256:768" ).resolve( shape, TZYX ) );
		// an empty part or ":" is the whole axis, a missing end that edge, one number one plane; spaces are allowed
		assertArrayEquals( new long[][] { { 0, 2 }, { 7, 8 }, { 100, 512 }, { 0, 300 } },
				Region.parse( " , 7, 100:, :300 " ).resolve( shape, TZYX ) );
		assertArrayEquals( new long[][] { { 0, 2 }, { 0, 30 }, { 0, 512 }, { 0, 1024 } }, Region.parse( ":,:,:,:" ).resolve( shape, TZYX ) );
		// 2D input: two parts
		assertArrayEquals( new long[][] { { 3, 9 }, { 0, 28 } }, Region.parse( "3:9," ).resolve( new long[] { 20, 28 }, List.of( "y", "x" ) ) );
		assertNull( Region.parse( null ) );
		assertNull( Region.parse( "  " ) );
		assertEquals( "0:2,7:8,100:512,0:300", Region.format( Region.parse( " , 7, 100:, :300 " ).resolve( shape, TZYX ) ) );
	}

	@Test
	void badSyntaxShowsTheExpectedSyntax()
	{
		assertEquals( "region \"0:2,a:5\" is not valid: part 2, \"a:5\", is not start:stop with whole numbers from 0; expected " + Region.SYNTAX,
				assertThrows( InputException.class, () -> Region.parse( "0:2,a:5" ) ).getMessage() );
		assertEquals( "region \"-1:5\" is not valid: part 1, \"-1:5\", is not start:stop with whole numbers from 0; expected " + Region.SYNTAX,
				assertThrows( InputException.class, () -> Region.parse( "-1:5" ) ).getMessage() );
		assertEquals( "region \"0:2:1\" is not valid: part 1, \"0:2:1\", is not start:stop with whole numbers from 0; expected " + Region.SYNTAX,
				assertThrows( InputException.class, () -> Region.parse( "0:2:1" ) ).getMessage() );
		assertEquals( "one start:stop per axis of the input, in (t, z, y, x) order (fewer axes for 3D and 2D input), "
				+ "e.g. region=0:2,10:20,0:512,256:768 (start or stop left out: that edge of the axis; an empty part or \":\": the whole axis; "
				+ "one number i: the plane i:i+1)", Region.SYNTAX );
	}

	@Test
	void refusesAnotherNumberOfPartsAnEmptyRegionAndOneBeyondTheInput()
	{
		final long[] shape = { 3, 20, 28 };
		final List< String > zyx = List.of( "z", "y", "x" );
		assertEquals( "region \"0:2,10:20\" has 2 parts, but the input has 3 axes (z, y, x) of shape [3, 20, 28]: give " + Region.SYNTAX,
				assertThrows( InputException.class, () -> Region.parse( "0:2,10:20" ).resolve( shape, zyx ) ).getMessage() );
		assertEquals( "region \"0:2,10:20,1:2,0:1\" has 4 parts, but the input has 3 axes (z, y, x) of shape [3, 20, 28]: give " + Region.SYNTAX,
				assertThrows( InputException.class, () -> Region.parse( "0:2,10:20,1:2,0:1" ).resolve( shape, zyx ) ).getMessage() );
		assertEquals( "region \"0:2,10:10,:\" is empty along y: 10:10 (start must be below stop)",
				assertThrows( InputException.class, () -> Region.parse( "0:2,10:10,:" ).resolve( shape, zyx ) ).getMessage() );
		assertEquals( "region \"0:2,,30:\" is empty along x: 30:28 (start must be below stop)",
				assertThrows( InputException.class, () -> Region.parse( "0:2,,30:" ).resolve( shape, zyx ) ).getMessage() );
		assertEquals( "region \"0:4,,\" reaches beyond the input along z: 0:4, but z has 3 pixels (0:3); the input's shape is (z, y, x) [3, 20, 28]",
				assertThrows( InputException.class, () -> Region.parse( "0:4,," ).resolve( shape, zyx ) ).getMessage() );
	}
}
