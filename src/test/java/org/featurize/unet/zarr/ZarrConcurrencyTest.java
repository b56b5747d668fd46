package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers of different chunks at once, read back exactly by Python; no temporary file left behind; and a
 * chunk rewritten again and again is never seen half written by readers looping over it.
 */
class ZarrConcurrencyTest {

	private static final int THREADS = 8;

	@TempDir
	Path root;

	@Test
	void parallelWritersOfDifferentChunksThenPythonReadsAllBack() throws Exception {
		final Path python = External.python();
		final long[] shape = { 40, 64, 64 };
		final ZarrArray array = ZarrArray.create(root, "parallel", ArraySpec.builder().shape(shape).chunks(8, 16, 16)
				.dataType(DataType.INT32).compressor(Compressor.blosc("zstd", 3, Shuffle.BYTE)).dimensionSeparator("/")
				.build());
		final int n = (int) (shape[0] * shape[1] * shape[2]);
		final int[] full = new int[n];
		for (int i = 0; i < n; i++)
			full[i] = i * 7 - 1_000_000;
		final List<long[]> chunks = new ArrayList<>();
		Samples.forEachGridPosition(array.gridShape(), p -> chunks.add(p.clone()));
		final int[] dims = { 40, 64, 64 };
		parallel(THREADS, t -> {
			for (int c = t; c < chunks.size(); c += THREADS) {
				final long[] p = chunks.get(c);
				final int[] data = new int[8 * 16 * 16];
				Boxes.copy(full, dims, new int[] { (int) p[0] * 8, (int) p[1] * 16, (int) p[2] * 16 }, data,
						new int[] { 8, 16, 16 }, new int[3], new int[] { 8, 16, 16 });
				array.writeChunk(p, data);
			}
		});
		assertNoTemporaryFiles();
		final Path list = root.resolve("list.json");
		Json.MAPPER.writeValue(list.toFile(), List.of(Map.of("path", array.path().toString(), "name", "parallel")));
		External.run(List.of(python.toString(), PythonFixtures.script("zarr_read.py").toString(), list.toString(),
				root.resolve("out").toString()), null, Duration.ofMinutes(1));
		final byte[] read = Files.readAllBytes(root.resolve("out/parallel.bin"));
		Samples.assertBitsEqual(full, Elements.decode(read, DataType.INT32, ByteOrder.LITTLE_ENDIAN), "Python's read");
	}

	@Test
	void parallelWritersOfChunksInTheSameShards() throws Exception {
		final ZarrArray array = ZarrArray.create(root, "sharded", ArraySpec.builder().shape(32, 32).chunks(4, 4)
				.shardShape(16, 16).zarrFormat(3).dataType(DataType.UINT16).compressor(Compressor.zstd(1)).build());
		final List<long[]> chunks = new ArrayList<>();
		Samples.forEachGridPosition(array.gridShape(), p -> chunks.add(p.clone()));
		parallel(THREADS, t -> {
			for (int c = t; c < chunks.size(); c += THREADS) {
				final short[] data = new short[16];
				Arrays.fill(data, (short) (c + 1));
				array.writeChunk(chunks.get(c), data);
			}
		});
		for (int c = 0; c < chunks.size(); c++)
			assertEquals(c + 1, ((short[]) array.readChunk(chunks.get(c)))[15], "inner chunk " + c);
		assertNoTemporaryFiles();
	}

	@Test
	void readersNeverSeeAHalfWrittenChunk() throws Exception {
		// uncompressed, 1 MiB: a torn or short file could not decode to either version
		final ZarrArray array = ZarrArray.create(root, "atomic", ArraySpec.builder().shape(512, 512).chunks(512, 512)
				.dataType(DataType.FLOAT32).build());
		final float[] a = new float[512 * 512];
		final float[] b = new float[512 * 512];
		Arrays.fill(a, 1f);
		Arrays.fill(b, 2f);
		array.writeChunk(new long[] { 0, 0 }, a);
		final AtomicBoolean writing = new AtomicBoolean(true);
		final AtomicLong reads = new AtomicLong();
		final ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			final List<Future<String>> readers = new ArrayList<>();
			for (int r = 0; r < 2; r++)
				readers.add(pool.submit(() -> {
					while (writing.get()) {
						final float[] seen = (float[]) array.readChunk(0, 0);
						reads.incrementAndGet();
						final float first = seen[0];
						if (first != 1f && first != 2f)
							return "a chunk starting with " + first;
						for (final float v : seen)
							if (v != first)
								return "a chunk mixing " + first + " and " + v;
					}
					return null;
				}));
			final Future<?> writer = pool.submit(() -> {
				for (int i = 0; i < 200; i++)
					array.writeChunk(new long[] { 0, 0 }, i % 2 == 0 ? b : a);
				writing.set(false);
			});
			writer.get(2, TimeUnit.MINUTES);
			for (final Future<String> r : readers)
				assertEquals(null, r.get(1, TimeUnit.MINUTES), "what a reader saw");
		} finally {
			writing.set(false);
			pool.shutdownNow();
		}
		System.out.println("Readers read the chunk " + reads.get() + " times during 200 rewrites, always whole");
		assertTrue(reads.get() > 10, "readers ran during the writes");
		assertNoTemporaryFiles();
	}

	private interface Task {
		void run(int thread) throws Exception;
	}

	private static void parallel(final int threads, final Task task) throws Exception {
		final ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			final List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				final int thread = t;
				futures.add(pool.submit(() -> {
					task.run(thread);
					return null;
				}));
			}
			for (final Future<?> f : futures)
				f.get(2, TimeUnit.MINUTES);
		} finally {
			pool.shutdownNow();
		}
	}

	private void assertNoTemporaryFiles() throws IOException {
		try (Stream<Path> files = Files.walk(root)) {
			assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")
					&& p.getFileName().toString().endsWith(".partial")).toList(), "temporary files left");
		}
	}
}
