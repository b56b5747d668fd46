package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run sizes itself to memory: worker threads for large tiles, the input's cache, and the heap check before any compute. */
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
	void aSweepCachesTheInputChunksOfThePlanesInFlightNotTheWholeVolume( @TempDir final Path dir )
	{
		final long heapEighth = Math.max( 32L << 20, Runtime.getRuntime().maxMemory() / 8 );
		// 4 x 48 planes of 512 x 512 uint16, a chunk per plane: 100 MB in all, 0.5 MB a plane: the 32 MB floor
		final ZarrArray planes = array( dir, "planes", new long[] { 4, 48, 512, 512 }, new int[] { 1, 1, 512, 512 } );
		assertEquals( 32L << 20, Featurizer.sweepCacheBytes( planes, 2 ) );
		// chunks 16 planes deep, 256 x 256 across 1000 x 1000 (4 x 4 chunks): a plane touches 16 chunks of 2 MB,
		// which the next 15 planes read again; 2 workers and the next two planes: 4 layers of 32 MB
		final ZarrArray deep = array( dir, "deep", new long[] { 64, 1000, 1000 }, new int[] { 16, 256, 256 } );
		assertEquals( Math.min( heapEighth, 4L * 16 * 16 * 256 * 256 * 2 ), Featurizer.sweepCacheBytes( deep, 2 ) );
		// planes of 20000 x 20000: never more than an eighth of the heap
		final ZarrArray huge = array( dir, "huge", new long[] { 2, 20000, 20000 }, new int[] { 1, 4096, 4096 } );
		assertEquals( heapEighth, Featurizer.sweepCacheBytes( huge, 4 ) );
	}

	private static ZarrArray array( final Path dir, final String name, final long[] shape, final int[] chunks )
	{
		return ZarrArray.create( dir.resolve( name ), "", org.featurize.unet.zarr.ArraySpec.builder().shape( shape ).chunks( chunks )
				.dataType( org.featurize.unet.zarr.DataType.UINT16 ).zarrFormat( 2 ).build() );
	}

	@Test
	void aWriteWhoseChunksInFlightDoNotFitTheHeapIsRefusedNamingWhatToGive( @TempDir final Path dir )
	{
		final ZarrArray input = ZarrArray.open( Fixtures.volume( dir ), "" );
		final FeatureImage features = Featurizer.features( input, Models.shared( Fixtures.TINY_MODEL, 1, 1 ), FeatureOptions.defaults().tile( 12 ), null );
		// 12 x 12 tiles with a 19 px halo: regions up to 28 x 20 (the plane), 4 features
		Featurizer.checkHeap( features, 2, 64L << 20 );
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> Featurizer.checkHeap( features, 2, 8L << 10 ) );
		assertTrue( e.getMessage().startsWith( "Tiles of 12 x 12 pixels with 4 features and 2 worker threads need about " ), e.getMessage() );
		assertTrue( e.getMessage().contains( "JAVA_OPTS=-Xmx2g" ) && e.getMessage().contains( "Edit > Options > Memory & Threads" ), e.getMessage() );
	}

	@Test
	void theRefusalComesBeforeTheOutputIsCreated( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "big.zarr" ), output = dir.resolve( "out.zarr" );
		// a 4096 x 4096 plane in one chunk: 16 features of it are a GiB, more than the test JVM's heap (2 GB) can hold twice
		ZarrArray.create( input, "", org.featurize.unet.zarr.ArraySpec.builder().shape( 1, 4096, 4096 ).chunks( 1, 4096, 4096 )
				.dataType( org.featurize.unet.zarr.DataType.UINT8 ).zarrFormat( 2 ).build() );
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> FeaturizerTest.run( FeaturizeRequest.of( input ).output( output ).threads( 2 ) ) );
		assertTrue( e.getMessage().startsWith( "Tiles of 4096 x 4096 pixels with 16 features and 2 worker threads need about " ), e.getMessage() );
		assertFalse( Files.exists( output ) );
	}
}
