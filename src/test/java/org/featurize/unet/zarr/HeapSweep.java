package org.featurize.unet.zarr;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

import net.imglib2.Cursor;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Run in its own JVM by {@link ZarrImagesHeapTest}: sweeps a whole float32 array once through the lazy image,
 * checks every pixel against {@code ((x + y) % 251) + z}, and measures the used heap after a full GC once per
 * chunk. Prints one line: {@code pixels mismatches chunkReads maxUsedAfterGc maxCachedBytes millis}.
 * <p>
 * Arguments: container root, array path, cache bytes.
 */
public final class HeapSweep {

	private HeapSweep() {
	}

	public static void main(final String[] args) {
		final long start = System.nanoTime();
		final CachedZarrImage<FloatType> cached = ZarrImages.openCached(ZarrArray.open(Path.of(args[0]), args[1]),
				Long.parseLong(args[2]));
		final long chunkPixels = (long) cached.grid().cellDimension(0) * cached.grid().cellDimension(1);
		final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long pixels = 0;
		long mismatches = 0;
		long maxUsed = 0;
		long maxCached = 0;
		final Cursor<FloatType> c = cached.image().localizingCursor(); // cell by cell
		while (c.hasNext()) {
			c.fwd();
			final long expected = (c.getLongPosition(0) + c.getLongPosition(1)) % 251 + c.getLongPosition(2);
			if (c.get().get() != expected)
				mismatches++;
			if (++pixels % chunkPixels == 0) {
				System.gc();
				maxUsed = Math.max(maxUsed, memory.getHeapMemoryUsage().getUsed());
				maxCached = Math.max(maxCached, cached.estimatedBytes());
			}
		}
		System.out.println(pixels + " " + mismatches + " " + cached.chunkReads() + " " + maxUsed + " " + maxCached + " "
				+ (System.nanoTime() - start) / 1_000_000);
	}
}
