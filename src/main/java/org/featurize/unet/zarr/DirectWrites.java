package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * Writes large files with direct I/O ({@code O_DIRECT}): from an aligned native buffer straight to the device,
 * around the page cache. A feature volume is written once and not read back soon; through the page cache each
 * chunk is first copied into newly allocated cache pages, which cost more CPU time than compressing it (measured
 * on a VM: 18-22 ms per 9 MB chunk buffered, 2 ms direct), and a run the size of the disk would push everything
 * else out of the cache.
 * <p>
 * The data is written padded to the file system's block size and the file is then cut to its length, and forced
 * to disk, as the buffered path does. Where direct I/O fails (a file system or platform without it, an alignment
 * it refuses), the caller writes the file the usual way; when that succeeds, the file system is not asked again
 * in this JVM. Files under {@link #MIN_BYTES} (metadata, small chunks) always take the usual way. The system
 * property {@code org.featurize.unet.zarr.directWrites=false} turns direct writes off.
 */
final class DirectWrites {

	/** Smaller files are written through the page cache. */
	static final int MIN_BYTES = 1 << 20;

	/** The alignment of the pooled buffers' addresses: a multiple of every block size used here. */
	private static final int MAX_ALIGNMENT = 1 << 16;

	/** Pooled buffers are kept up to this many bytes in all (native memory). */
	private static final long POOL_BYTES = 64L << 20;

	static final String PROPERTY = "org.featurize.unet.zarr.directWrites";

	/** Block size per file system (device number), 0 where direct writes failed. */
	private static final Map<Object, Integer> blockSizes = new ConcurrentHashMap<>();

	private static final ConcurrentLinkedDeque<ByteBuffer> pool = new ConcurrentLinkedDeque<>();

	private static final AtomicLong pooled = new AtomicLong();

	private static final AtomicLong directFiles = new AtomicLong();

	private DirectWrites() {
		// static utility
	}

	/** What {@link #write} did. */
	enum Outcome {
		/** written and forced to disk */
		WRITTEN,
		/** not tried (a small file, a file system without direct I/O): the file is untouched */
		NOT_TRIED,
		/** tried and failed: the file may hold part of the data or padding */
		FAILED
	}

	/**
	 * Writes bytes to an existing empty file with direct I/O and forces it to disk, if the file is large enough
	 * and its file system takes direct I/O. Unless it says {@link Outcome#WRITTEN}, the caller writes the file the
	 * usual way, from the start and truncating it.
	 */
	static Outcome write(final Path file, final byte[] bytes) {
		if (bytes.length < MIN_BYTES || "false".equalsIgnoreCase(System.getProperty(PROPERTY)))
			return Outcome.NOT_TRIED;
		final Object device = device(file);
		if (device == null)
			return Outcome.NOT_TRIED;
		final int blockSize = blockSizes.computeIfAbsent(device, d -> blockSize(file));
		if (blockSize == 0 || bytes.length > Integer.MAX_VALUE - 2 * MAX_ALIGNMENT - (1 << 20))
			return Outcome.NOT_TRIED;
		final int padded = (bytes.length + blockSize - 1) / blockSize * blockSize;
		final ByteBuffer buffer = take(padded);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
			buffer.clear().put(bytes);
			while (buffer.position() < padded)
				buffer.put((byte) 0);
			buffer.flip();
			long position = 0;
			while (buffer.hasRemaining())
				position += channel.write(buffer, position);
			channel.truncate(bytes.length);
			channel.force(false);
			directFiles.incrementAndGet();
			return Outcome.WRITTEN;
		} catch (final IOException | UnsupportedOperationException | IllegalArgumentException e) {
			return Outcome.FAILED;
		} finally {
			give(buffer);
		}
	}

	/** Remembers that direct writes fail on the file system of {@code file} while the usual way works. */
	static void unsupported(final Path file) {
		final Object device = device(file);
		if (device != null)
			blockSizes.put(device, 0);
	}

	/** How many files this JVM wrote with direct I/O (for tests and diagnostics). */
	static long directFiles() {
		return directFiles.get();
	}

	/** Forgets what was learnt about file systems (for tests). */
	static void reset() {
		blockSizes.clear();
	}

	/** Takes {@code blockSize} as the alignment for the file system of {@code file} (for tests: a wrong one fails). */
	static void assumeBlockSize(final Path file, final int blockSize) {
		blockSizes.put(device(file), blockSize);
	}

	/** Whether direct writes are tried on the file system of {@code file} (false once they failed there). */
	static boolean tried(final Path file) {
		final Object device = device(file);
		return device != null && blockSizes.computeIfAbsent(device, d -> blockSize(file)) != 0;
	}

	private static Object device(final Path file) {
		try {
			return Files.getAttribute(file, "unix:dev");
		} catch (final IOException | UnsupportedOperationException | IllegalArgumentException e) {
			return null; // not a Unix file system: no direct I/O here
		}
	}

	private static int blockSize(final Path file) {
		try {
			final long size = Files.getFileStore(file).getBlockSize();
			return size >= 512 && size <= MAX_ALIGNMENT && Long.bitCount(size) == 1 ? (int) size : 0;
		} catch (final IOException | UnsupportedOperationException e) {
			return 0;
		}
	}

	private static ByteBuffer take(final int bytes) {
		for (ByteBuffer b = pool.pollFirst(); b != null; b = pool.pollFirst()) {
			pooled.addAndGet(-b.capacity());
			if (b.capacity() >= bytes)
				return b;
			// too small: dropped, freed with its owner
		}
		final int capacity = (int) (((long) bytes + (1 << 20) - 1) & ~((1L << 20) - 1));
		return ByteBuffer.allocateDirect(capacity + MAX_ALIGNMENT).alignedSlice(MAX_ALIGNMENT).limit(capacity)
				.slice();
	}

	private static void give(final ByteBuffer buffer) {
		if (pooled.addAndGet(buffer.capacity()) <= POOL_BYTES)
			pool.addFirst(buffer);
		else
			pooled.addAndGet(-buffer.capacity());
	}
}
