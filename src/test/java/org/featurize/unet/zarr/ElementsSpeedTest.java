package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Decoding and encoding a 1024 x 1024 float chunk takes milliseconds: bulk ByteBuffer views, no boxing. */
class ElementsSpeedTest {

	@Test
	void aMegapixelFloatChunkInMilliseconds() {
		final float[] data = (float[]) Samples.values(DataType.FLOAT32, 1024 * 1024, 3);
		final ChunkPipeline pipeline = new ChunkPipeline(DataType.FLOAT32, ByteOrder.BIG_ENDIAN, new int[] { 1024,
				1024 }, null, List.of());
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 20; i++) {
			final long start = System.nanoTime();
			final byte[] encoded = pipeline.encode(data);
			final float[] decoded = (float[]) pipeline.decode(encoded, "memory");
			best = Math.min(best, System.nanoTime() - start);
			assertTrue(decoded.length == data.length);
		}
		System.out.printf("1024 x 1024 float32 big-endian: encode + decode in %.2f ms (best of 20)%n", best / 1e6);
		assertTrue(best < 50_000_000, "encode + decode took " + best / 1e6 + " ms");
	}

	@Test
	void orderFCostsATranspose() {
		final float[] data = (float[]) Samples.values(DataType.FLOAT32, 1024 * 1024, 3);
		final ChunkPipeline pipeline = new ChunkPipeline(DataType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new int[] { 1024,
				1024 }, Transpose.reversed(2), List.of());
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 10; i++) {
			final long start = System.nanoTime();
			final float[] decoded = (float[]) pipeline.decode(pipeline.encode(data), "memory");
			best = Math.min(best, System.nanoTime() - start);
			Samples.assertBitsEqual(data, decoded, "order F round trip");
		}
		System.out.printf("1024 x 1024 float32 order F: encode + decode in %.2f ms (best of 10)%n", best / 1e6);
		assertTrue(best < 500_000_000, "encode + decode took " + best / 1e6 + " ms");
	}
}
