package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.FastTempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeping a 1 GiB array once through the lazy image keeps the heap bounded by the cache: a JVM with a 128 MiB
 * heap and a 48 MiB cache reads all of it (it could not hold a tenth of it), and its used heap after GC stays
 * near the cache size.
 */
class ZarrImagesHeapTest {

	private static final long MIB = 1 << 20;

	@TempDir(factory = FastTempDir.class)
	Path root;

	@Test
	void sweepingOneGibibyteKeepsTheHeapBoundedByTheCache() {
		// float32 (64, 2048, 2048) = 1 GiB in 256 chunks of 4 MiB, compressed to a few MiB on disk
		final ZarrArray array = ZarrArray.create(root, "big", ArraySpec.builder().shape(64, 2048, 2048)
				.chunks(1, 1024, 1024).dataType(DataType.FLOAT32).compressor(Compressor.zstd(1)).build());
		final float[] chunk = new float[1024 * 1024];
		for (int z = 0; z < 64; z++)
			for (int cy = 0; cy < 2; cy++)
				for (int cx = 0; cx < 2; cx++) {
					for (int y = 0; y < 1024; y++)
						for (int x = 0; x < 1024; x++)
							chunk[y * 1024 + x] = (cx * 1024 + x + cy * 1024 + y) % 251 + z;
					array.writeChunk(new long[] { z, cy, cx }, chunk);
				}

		final long cacheBytes = 48 * MIB;
		final String out = External.run(External.javaCommand(List.of("-Xmx128m", "-XX:+UseSerialGC"), HeapSweep.class,
				root.toString(), "big", String.valueOf(cacheBytes)), null, Duration.ofMinutes(3)).trim();
		final String[] f = out.substring(out.lastIndexOf('\n') + 1).split(" ");
		final long pixels = Long.parseLong(f[0]);
		final long usedAfterGc = Long.parseLong(f[3]);
		final long cached = Long.parseLong(f[4]);
		System.out.printf("Swept %d MiB with -Xmx128m and a %d MiB cache in %s ms: %s chunk reads, max used heap "
				+ "after GC %.1f MiB, max cached %.1f MiB, %s mismatches%n", pixels * 4 / MIB, cacheBytes / MIB, f[5],
				f[2], usedAfterGc / (double) MIB, cached / (double) MIB, f[1]);
		assertEquals(64L * 2048 * 2048, pixels);
		assertEquals("0", f[1], "pixels that differ from the pattern");
		assertEquals("256", f[2], "chunk reads: each chunk once");
		assertTrue(cached <= cacheBytes, "cached bytes within the bound");
		assertTrue(usedAfterGc < cacheBytes + 32 * MIB, "used heap after GC within cache + 32 MiB");
	}
}
