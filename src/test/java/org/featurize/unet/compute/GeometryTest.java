package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.featurize.unet.FeaturizeException;
import org.junit.jupiter.api.Test;

/** The choice of tile, halo, chunk and workers: pure arithmetic, checked over a grid of planes, threads, cores and heaps. */
class GeometryTest
{
	private static final long GB = 1L << 30, MB = 1L << 20;

	private static Geometry.Inputs shipped( final long width, final long height )
	{
		return Geometry.inputs().plane( width, height ).model( 16, 16, 48 ).cores( 2 ).memory( GB, 24 * GB );
	}

	@Test
	void theSeedsPlanesKeepTheirLayoutWholePlaneTilesAndChunks()
	{
		for ( final long[] plane : new long[][] { { 1024, 768 }, { 512, 512 }, { 1024, 1024 }, { 28, 20 }, { 2048, 512 } } )
		{
			final Geometry g = Geometry.choose( shipped( plane[ 0 ], plane[ 1 ] ) );
			assertEquals( plane[ 0 ], g.tileWidth(), g.toString() );
			assertEquals( plane[ 1 ], g.tileHeight(), g.toString() );
			assertEquals( plane[ 0 ], g.chunkWidth(), g.toString() );
			assertEquals( plane[ 1 ], g.chunkHeight(), g.toString() );
			assertEquals( Geometry.defaultWorkers( plane[ 0 ] * plane[ 1 ], 2 ), g.workers() );
		}
		// 768 x 1024 on 2 cores: one worker of two threads, as before
		assertEquals( 1, Geometry.choose( shipped( 1024, 768 ) ).workers() );
		assertEquals( 2, Geometry.choose( shipped( 512, 512 ) ).workers() );
	}

	@Test
	void theResidentBoundIsTheHeapThePassesAnInputChunkAndTheRuntime()
	{
		// 1024 x 1024: one worker, one pass of the whole plane (no halo inside it) at 512 bytes per pixel (16 channels)
		final Geometry g = Geometry.choose( shipped( 1024, 1024 ) );
		assertEquals( 1024L * 1024 * 512, g.activationBytes(), g.toString() );
		assertEquals( GB + 1024L * 1024 * 512 + ( 4L << 20 ) + ( 256L << 20 ), g.residentBound( GB, 4L << 20 ) );
		// 8192 x 8192 in one input chunk: passes of 1024 x 1024 tiles with their halo of 48, and the chunk's 256 MB
		final Geometry large = Geometry.choose( shipped( 8192, 8192 ) );
		assertEquals( 1120L * 1120 * 512, large.activationBytes(), large.toString() );
		assertEquals( GB + 1120L * 1120 * 512 + ( 256L << 20 ) + ( 256L << 20 ), large.residentBound( GB, 256L << 20 ) );
	}

	@Test
	void largePlanesGetSquareChunksOf64MiBAndTilesOfOneChunk()
	{
		for ( final long side : new long[] { 4096, 8192, 16384, 100_000 } )
		{
			final Geometry g = Geometry.choose( shipped( side, side ) );
			assertEquals( 1024, g.chunkWidth() );
			assertEquals( 1024, g.chunkHeight() );
			assertEquals( 64 * MB, g.chunkBytes() );
			assertEquals( 1024, g.tileWidth() );
			assertEquals( 1024, g.tileHeight() );
			assertEquals( 48, g.halo() );
			assertEquals( 1120 * 1120, g.regionPixels() );
			assertTrue( g.cost() < 1.2, g.toString() ); // (1120 / 1024)^2 = 1.196 for the inner tiles
		}
		// float16 output: 1448 x 1448 would fit 64 MiB; the power of two below it
		final Geometry half = Geometry.choose( shipped( 4096, 4096 ).valueBytes( 2 ) );
		assertEquals( 1024, half.chunkWidth() );
		assertEquals( 32 * MB, half.chunkBytes() );
		// the receptive field as halo (a model not measured): the same tiles, passes of 1312 x 1312 (136 snapped to 144)
		final Geometry field = Geometry.choose( shipped( 8192, 8192 ).halo( 136 ) );
		assertEquals( 1024, field.tileWidth() );
		assertEquals( 1312L * 1312, field.regionPixels() );
	}

	@Test
	void aPlaneThatFitsOneChunkButNotOnePassIsSplitEvenly()
	{
		// float16 features of 1440 x 1440 are 63.3 MiB: one chunk, and one pass (2.07 M pixels, under the bound), given
		// the heap for its 133 MB of float values in flight (with 1 GB: smaller tiles, next test)
		final Geometry one = Geometry.choose( shipped( 1440, 1440 ).valueBytes( 2 ).memory( 4 * GB, 24 * GB ) );
		assertEquals( 1440, one.chunkWidth() );
		assertEquals( 1440, one.tileWidth() );
		// a model of 4 features, 2000 x 2000 float32: 61 MiB, one chunk; one pass would be 4 M pixels: split in two each way
		final Geometry g = Geometry.choose( Geometry.inputs().plane( 2000, 2000 ).model( 4, 16, 48 ).cores( 2 ).memory( GB, 24 * GB ) );
		assertEquals( 2000, g.chunkWidth() );
		assertEquals( 2000, g.chunkHeight() );
		assertEquals( 1008, g.tileWidth(), g.toString() );
		assertEquals( 1008, g.tileHeight(), g.toString() );
	}

	@Test
	void thinPlanesGetChunksClippedToThePlane()
	{
		final Geometry g = Geometry.choose( shipped( 200_000, 100 ) );
		assertEquals( 100, g.chunkHeight() );
		assertEquals( 1024, g.chunkWidth() );
		assertTrue( g.tileWidth() % 1024 == 0 && g.tileHeight() == 100, g.toString() );
	}

	@Test
	void anExplicitChunkGetsTilesOfSeveralChunks()
	{
		final Geometry g = Geometry.choose( shipped( 4096, 4096 ).chunk( 256 ) );
		assertEquals( 256, g.chunkWidth() );
		assertTrue( g.tileWidth() >= 1024 && g.tileWidth() % 256 == 0 && g.regionPixels() <= Geometry.REGION_PIXELS, g.toString() );
		final Geometry small = Geometry.choose( shipped( 1024, 1024 ).chunk( 128 ) );
		assertEquals( 128, small.chunkWidth() );
		assertEquals( 1024, small.tileWidth(), small.toString() );
	}

	@Test
	void anExplicitTileKeepsTheChunksChosenForReaders()
	{
		final Geometry g = Geometry.choose( shipped( 1024, 1024 ).tile( 128 ) );
		assertEquals( 128, g.tileWidth() );
		assertEquals( 1024, g.chunkWidth() );
		final Geometry halo = Geometry.choose( shipped( 1024, 1024 ).tile( 256 ).halo( 0 ) );
		assertEquals( 0, halo.halo() );
	}

	@Test
	void anExplicitTileThatCannotFitIsRefusedWithTheFigures()
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> Geometry.choose( shipped( 16384, 16384 ).tile( 16384 ) ) );
		assertTrue( e.getMessage().startsWith( "Tiles of 16384 x 16384 pixels (halo 48, so forward passes of up to 268435456 pixels) with 16 "
				+ "features, chunks of 1024 x 1024 and 1 worker thread need about " ), e.getMessage() );
		assertTrue( e.getMessage().contains( " MB of native memory for the model's activations; this JVM may use 1024 MB of heap (768 MB of it "
				+ "for them) on a machine with 24576 MB" ), e.getMessage() );
		// 4096 x 4096 with two workers: 2 x (4 x 4.2 M x 17 + ...) bytes of heap
		final FeaturizeException two = assertThrows( FeaturizeException.class,
				() -> Geometry.choose( shipped( 4096, 4096 ).tile( 4096 ).threads( 2 ) ) );
		assertTrue( two.getMessage().contains( "and 2 worker threads need about " ), two.getMessage() );
		assertTrue( two.getMessage().contains( "JAVA_OPTS=-Xmx" ), two.getMessage() );
		// with the heap for it, the same tile runs
		assertEquals( 4096, Geometry.choose( shipped( 4096, 4096 ).tile( 4096 ).memory( 16 * GB, 64 * GB ) ).tileWidth() );
	}

	@Test
	void badNumbersAreRefused()
	{
		assertThrows( FeaturizeException.class, () -> Geometry.choose( shipped( 100, 100 ).tile( 0 ) ) );
		assertThrows( FeaturizeException.class, () -> Geometry.choose( shipped( 100, 100 ).chunk( -1 ) ) );
		assertThrows( FeaturizeException.class, () -> Geometry.choose( shipped( 100, 100 ).halo( -1 ) ) );
		assertThrows( FeaturizeException.class, () -> Geometry.choose( shipped( 0, 100 ) ) );
	}

	/** The rules that hold for every plane, threads, cores and heap. */
	@Test
	void overAGridThePromisesHold()
	{
		final long[] sides = { 1, 15, 16, 17, 100, 333, 512, 768, 950, 1000, 1024, 1025, 1448, 2000, 2048, 3000, 4096, 5000, 8192, 12345, 16384 };
		final Integer[] threads = { null, 1, 2, 4, 16 };
		final int[] cores = { 1, 2, 16, 64 };
		final long[] heaps = { 256 * MB, GB, 4 * GB, 32 * GB };
		final int[] halos = { 0, 48, 136 };
		int checked = 0;
		for ( final long w : sides )
			for ( final long h : sides )
			{
				if ( h != w && h != 1000 && w != 1000 && h != 16 )
					continue; // squares and a few oblongs
				final Set< String > machineIndependent = new HashSet<>();
				for ( final Integer t : threads )
					for ( final int c : cores )
						for ( final long heap : heaps )
							for ( final int halo : halos )
							{
								final Geometry.Inputs in = Geometry.inputs().plane( w, h ).model( 16, 16, halo ).cores( c ).threads( t )
										.memory( heap, 64 * GB );
								final Geometry g;
								try
								{
									g = Geometry.choose( in );
								}
								catch ( final FeaturizeException e )
								{
									// only many workers in a small heap may find nothing
									assertTrue( t != null && t * 16 * MB > heap / 4 * 3 / 8, w + " x " + h + ", " + t + " threads, " + ( heap >> 20 )
											+ " MB: " + e.getMessage() );
									continue;
								}
								checked++;
								final String what = w + " x " + h + ", threads " + t + ", cores " + c + ", heap " + ( heap >> 20 ) + " MB, halo "
										+ halo + ": " + g;
								assertTrue( g.chunkBytes() <= Geometry.CHUNK_BYTES, what );
								final boolean planeFits = w * h * 64 <= Geometry.CHUNK_BYTES;
								if ( planeFits && heap >= GB && t == null )
									assertTrue( g.chunkWidth() == w && g.chunkHeight() == h, what );
								assertTrue( g.chunkWidth() <= w && g.chunkHeight() <= h, what );
								assertTrue( g.heapBytes() <= Geometry.usableHeap( heap ), what );
								assertTrue( g.regionPixels() <= Geometry.REGION_PIXELS || g.tileWidth() <= 16 && g.tileHeight() <= 16, what );
								// tiles start on the model's grid and nest with the chunks
								assertTrue( g.tileWidth() % 16 == 0 || g.tileWidth() == w, what );
								assertTrue( g.tileHeight() % 16 == 0 || g.tileHeight() == h, what );
								assertTrue( g.chunkWidth() % g.tileWidth() == 0 || g.tileWidth() % g.chunkWidth() == 0 || g.chunkWidth() == w
										|| g.tileWidth() == w, what );
								assertTrue( g.chunkHeight() % g.tileHeight() == 0 || g.tileHeight() % g.chunkHeight() == 0 || g.chunkHeight() == h
										|| g.tileHeight() == h, what );
								assertTrue( g.workers() >= 1 && ( t == null || g.workers() == t ), what );
								// the halo's overhead is small where it can be: large planes, a measured halo, a heap for one worker
								if ( w >= 1024 && h >= 1024 && halo <= 48 && heap >= GB && ( t == null || t <= 1 ) )
									assertTrue( g.cost() <= 1.2, what );
								// the same tile and chunks whatever the cores, where the heap holds the cheapest tile's one worker
								// (1 GB holds it for planes that fit one chunk and for 1024 x 1024 tiles of larger ones)
								if ( heap >= 4 * GB && t == null && halo == 48 )
									machineIndependent.add( g.tileWidth() + "x" + g.tileHeight() + "/" + g.chunkWidth() + "x" + g.chunkHeight() );
							}
				assertEquals( 1, machineIndependent.size(), w + " x " + h + ": " + machineIndependent );
			}
		assertTrue( checked > 5000, "checked " + checked );
	}

	@Test
	void theLargestRegionIsTheTileGridsLargestWithOrWithoutAMargin()
	{
		for ( final long size : new long[] { 1, 17, 100, 1000, 1024, 4096, 5000 } )
			for ( final int tile : new int[] { 1, 16, 100, 512, 1024 } )
				for ( final int halo : new int[] { 0, 5, 48, 136 } )
					for ( final int margin : new int[] { 0, 5, 32 } )
					{
						final TileGrid grid = new TileGrid( size, 1, tile, 1, halo, 16, 0, 0, size, 1, margin );
						long largest = 0;
						for ( long i = 0; i < grid.tilesX(); i++ )
							largest = Math.max( largest, grid.regionX( i )[ 1 ] - grid.regionX( i )[ 0 ] );
						assertEquals( largest, Geometry.largestRegion( size, grid.tileWidth(), halo, 16, margin ),
								size + " " + tile + " " + halo + " " + margin );
					}
	}
}
