package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run sizes itself to memory: worker threads for large tiles, the input's cache, and the refusal of a tile that cannot fit, before any compute. */
class MemoryPlanTest
{
	@Test
	void largeTilesGetFewerWorkersWithMoreIntraOpThreadsEach()
	{
		assertEquals( 2, FeaturizeRequest.defaultThreads( 512 * 512, 2 ) );
		assertEquals( 2, FeaturizeRequest.defaultThreads( 64 * 64, 2 ) );
		assertEquals( 1, FeaturizeRequest.defaultThreads( 768 * 1024, 2 ) );
		assertEquals( 2, FeaturizeRequest.defaultThreads( 768 * 1024, 8 ) );
		assertEquals( 1, FeaturizeRequest.defaultThreads( 8192L * 8192, 64 ) );
		final FeaturizeRequest request = FeaturizeRequest.of( Path.of( "in.zarr" ) ).tilePixels( 768 * 1024 );
		final int cores = Runtime.getRuntime().availableProcessors();
		assertEquals( FeaturizeRequest.defaultThreads( 768 * 1024, cores ), request.threads() );
		assertEquals( Math.max( 1, cores / request.threads() ), request.intraOpThreads() );
		assertEquals( 3, FeaturizeRequest.of( Path.of( "in.zarr" ) ).threads( 3 ).tilePixels( 768 * 1024 ).threads(), "a given number stays" );
	}

	@Test
	void aSweepCachesTheInputChunksOfARowOfTilesNotTheWholeVolume( @TempDir final Path dir )
	{
		final long heap = 1L << 30;
		final Geometry oneWorker = geometry( 1024, 1024, 1 ), twoWorkers = geometry( 512, 512, 2 );
		// 4 x 48 planes of 512 x 512 uint16, a chunk per plane: 0.5 MB a plane: the 32 MB floor
		final ZarrArray planes = array( dir, "planes", new long[] { 4, 48, 512, 512 }, new int[] { 1, 1, 512, 512 } );
		assertEquals( 32L << 20, Featurizer.sweepCacheBytes( planes, twoWorkers, heap ) );
		// 3D blocks 64 deep, 128 x 128, planes of 1024 x 1024: a row of 1024 x 1024 tiles with a 48 px halo touches all
		// 8 rows of blocks (the plane); each worker and one more: 2 x 8 x 8 blocks of 2 MB
		final ZarrArray blocks = array( dir, "blocks", new long[] { 128, 1024, 1024 }, new int[] { 64, 128, 128 } );
		assertEquals( 2L * 64 * 1024 * 1024 * 2, Featurizer.sweepCacheBytes( blocks, oneWorker, heap ) );
		// blocks 16 deep under planes of 8192 x 8192 cut into 1024 x 1024 tiles: 10 rows of blocks (1120 rows and one
		// more), across the plane, for the worker and one more: 2 x 10 x 128 x 8192 x 16 x 2 bytes
		final ZarrArray wide = array( dir, "wide", new long[] { 64, 8192, 8192 }, new int[] { 16, 128, 128 } );
		assertEquals( 2L * 10 * 128 * 8192 * 16 * 2, Featurizer.sweepCacheBytes( wide, oneWorker, 4 * heap ) );
		// in a 1 GB heap, what is left besides the chunks in flight and a quarter (some blocks are then read twice)
		assertEquals( heap - oneWorker.heapBytes() - heap / 4, Featurizer.sweepCacheBytes( wide, oneWorker, heap ) );
		// planes of 20000 x 20000 in one chunk each: never more than the heap has besides the chunks in flight and a quarter
		final ZarrArray huge = array( dir, "huge", new long[] { 2, 20000, 20000 }, new int[] { 1, 20000, 20000 } );
		assertEquals( heap - oneWorker.heapBytes() - heap / 4, Featurizer.sweepCacheBytes( huge, oneWorker, heap ) );
	}

	private static Geometry geometry( final int tile, final int chunk, final int threads )
	{
		return Geometry.choose( Geometry.inputs().plane( 8192, 8192 ).model( 16, 16, 48 ).tile( tile ).chunk( chunk ).threads( threads )
				.memory( 1L << 30, 16L << 30 ) );
	}

	private static ZarrArray array( final Path dir, final String name, final long[] shape, final int[] chunks )
	{
		return ZarrArray.create( dir.resolve( name ), "", org.featurize.unet.zarr.ArraySpec.builder().shape( shape ).chunks( chunks )
				.dataType( org.featurize.unet.zarr.DataType.UINT16 ).zarrFormat( 2 ).build() );
	}

	@Test
	void theRefusalComesBeforeTheOutputIsCreated( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "big.zarr" ), output = dir.resolve( "out.zarr" );
		// a 16384 x 16384 plane in one chunk, tiles asked for as the whole plane: 16 features of it are 16 GiB, more than
		// the test JVM's heap can hold; by default such a plane gets 1024 x 1024 tiles and chunks (GeometryTest)
		ZarrArray.create( input, "", org.featurize.unet.zarr.ArraySpec.builder().shape( 1, 16384, 16384 ).chunks( 1, 16384, 16384 )
				.dataType( org.featurize.unet.zarr.DataType.UINT8 ).zarrFormat( 2 ).build() );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( input ).output( output ).tile( 16384 ).threads( 2 ) ) );
		assertTrue( e.getMessage().startsWith( "Tiles of 16384 x 16384 pixels (halo " ), e.getMessage() );
		assertTrue( e.getMessage().matches( "(?s).* need about \\d+ MB of Java heap for the chunks in flight and \\d+ MB of native memory .*" ),
				e.getMessage() );
		assertTrue( e.getMessage().contains( "this JVM may use " + ( Runtime.getRuntime().maxMemory() >> 20 ) + " MB of heap" ), e.getMessage() );
		assertTrue( e.getMessage().contains( "Edit > Options > Memory & Threads" ), e.getMessage() );
		assertFalse( Files.exists( output ) );
	}

	@Test
	void anInputWhoseChunksCannotBeDecodedInTheHeapIsRefusedBeforeAnythingIsWritten( @TempDir final Path dir )
	{
		// a 16384 x 16384 float32 plane stored as one chunk: 1 GiB once decoded, which with its compressed bytes and the chunks
		// in flight is more than the test JVM's heap (2 GB)
		final Path input = dir.resolve( "one-chunk.zarr" ), output = dir.resolve( "out.zarr" );
		ZarrArray.create( input, "", org.featurize.unet.zarr.ArraySpec.builder().shape( 1, 16384, 16384 ).chunks( 1, 16384, 16384 )
				.dataType( org.featurize.unet.zarr.DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( input ).output( output ).model( org.featurize.unet.testutil.Fixtures.TINY_MODEL ) ) );
		assertTrue( e.getMessage().startsWith( "The input's chunks [1, 16384, 16384] of FLOAT32 hold 1024 MB each once decoded; with the chunks "
				+ "in flight (tile 1024 x 1024, halo " ), e.getMessage() );
		assertTrue( e.getMessage().contains( "or store the input in smaller chunks" ), e.getMessage() );
		assertFalse( Files.exists( output ) );
	}
}
