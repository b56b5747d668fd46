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
	/** Fails on its 4th forward pass only: the other worker could go on. */
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
			if ( calls.incrementAndGet() == 4 )
				throw new ModelException( "the engine failed" );
			return model.predict( plane, height, width );
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
		assertTrue( model.calls.get() <= 4 + 2, "workers stop after the failure: " + model.calls.get() + " forward passes of 100" );
		long written = 0;
		for ( long z = 0; z < 100; z++ )
			written += array.chunkExists( z, 0, 0, 0 ) ? 1 : 0;
		assertTrue( written >= 3 && written <= 5, "the chunks finished before the failure are kept: " + written );
	}
}
