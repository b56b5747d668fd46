package org.featurize.unet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.ModelException;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.array.ArrayImgs;

class FeatureWriterTest
{
	/**
	 * Fails on its 4th forward pass only: the other worker could go on. Each pass after the failing one takes 10 ms, so
	 * that a worker that did not stop would still be running through the volume long after the failure.
	 */
	static final class FailingModel implements FeatureModel
	{
		final FeatureModel model = Models.shared( Fixtures.TINY_MODEL, 2, 1 );

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public ModelDescription description()
		{
			return model.description();
		}

		@Override
		public float[] predict( final float[] plane, final int height, final int width )
		{
			final int call = calls.incrementAndGet();
			if ( call == 4 )
				throw new ModelException( "the engine failed" );
			if ( call > 4 )
				sleep();
			return model.predict( plane, height, width );
		}

		private static void sleep()
		{
			try
			{
				Thread.sleep( 10 );
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public int concurrency()
		{
			return 2;
		}

		@Override
		public String engineInfo()
		{
			return "";
		}

		@Override
		public void close()
		{}
	}

	@Test
	void valuesOfAnotherTypeThanTheOutputsAreRefusedNamingBoth( @TempDir final Path dir )
	{
		final FeatureImage features = Features.lazy( ArrayImgs.floats( 16, 16, 2 ), Models.shared( Fixtures.TINY_MODEL, 1, 1 ), FeatureOptions.defaults() );
		final FeatureLayout layout = new FeatureLayout( features );
		final ZarrArray half = ZarrArray.create( dir.resolve( "half.zarr" ), "", ArraySpec.builder().shape( layout.shape() )
				.chunks( layout.chunks() ).dataType( OutputType.FLOAT16.dataType() ).compressor( Compressor.none() ).zarrFormat( 2 ).build() );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> new FeatureWriter( features, half, 1, StoredValues.exact( OutputType.FLOAT32 ) ) );
		assertEquals( "Output " + half.path() + " holds " + half.dataType() + ", not the float32 to write", e.getMessage() );
		assertEquals( 0, new FeatureWriter( features, half, 1 ).write( Progress.NONE, () -> false ).chunksSkipped, "the output's own type is written" );
	}

	@Test
	void theFirstFailureStopsEveryWorkerAndKeepsWhatWasWritten( @TempDir final Path dir )
	{
		final FailingModel model = new FailingModel();
		final FeatureImage features = Features.lazy( ArrayImgs.floats( 16, 16, 100 ), model, FeatureOptions.defaults() );
		final FeatureLayout layout = new FeatureLayout( features );
		final ZarrArray array = ZarrArray.create( dir.resolve( "out.zarr" ), "", ArraySpec.builder().shape( layout.shape() )
				.chunks( layout.chunks() ).dataType( OutputType.FLOAT32.dataType() ).compressor( Compressor.none() ).zarrFormat( 2 ).build() );
		final ModelException e = assertThrows( ModelException.class, () -> new FeatureWriter( features, array, 2 ).write( Progress.NONE, () -> false ) );
		assertEquals( "the engine failed", e.getMessage() );
		// the other worker finishes the chunk it is computing and stops: how many that is depends on when the failing
		// thread is scheduled, but not the whole volume (10 ms a pass after the failure), and none after write returns
		final int calls = model.calls.get();
		assertTrue( calls >= 4 && calls < 50, "workers stop after the failure: " + calls + " forward passes of 100" );
		long written = 0;
		for ( long z = 0; z < 100; z++ )
			written += array.chunkExists( z, 0, 0, 0 ) ? 1 : 0;
		assertEquals( calls - 1, written, "every chunk whose forward pass succeeded is kept, the failed one is not" );
		assertEquals( calls, model.calls.get(), "no worker runs after write returns" );
	}
}
