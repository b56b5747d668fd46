package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file system under a Zarr container: whole and ranged reads, and atomic writes (a temporary file in the same
 * folder, forced to disk, then renamed over the target), so that no reader, and no crash, sees half a file.
 * Temporary files start with a dot, which no Zarr key does. Large files are written with direct I/O where the
 * file system takes it ({@link DirectWrites}).
 */
final class FileStore {

	private FileStore() {
		// static utility
	}

	/**
	 * @return the file's bytes, or null if it does not exist
	 * @throws ZarrIOException on any other failure
	 */
	static byte[] readOrNull(final Path file) {
		try {
			return Files.readAllBytes(file);
		} catch (final NoSuchFileException e) {
			return null;
		} catch (final IOException e) {
			throw io("Cannot read " + file, e);
		}
	}

	/**
	 * @return length bytes at offset, or null if the file does not exist
	 * @throws ZarrChunkException if the file is shorter
	 */
	static byte[] readRangeOrNull(final FileChannel channel, final long offset, final int length, final Path file) {
		try {
			final ByteBuffer buffer = ByteBuffer.allocate(length);
			while (buffer.hasRemaining()) {
				final int n = channel.read(buffer, offset + buffer.position());
				if (n < 0)
					throw new ZarrChunkException("Truncated file " + file + ": expected " + length + " bytes at offset "
							+ offset + ", the file ends after " + (offset + buffer.position()));
			}
			return buffer.array();
		} catch (final IOException e) {
			throw io("Cannot read " + file, e);
		}
	}

	/**
	 * Writes the bytes to file atomically, creating the parent folders.
	 *
	 * @throws ZarrIOException on failure (a full disk included), naming the file
	 */
	static void writeAtomic(final Path file, final byte[] bytes) {
		final Path parent = file.toAbsolutePath().getParent();
		Path temporary = null;
		try {
			Files.createDirectories(parent);
			temporary = Files.createTempFile(parent, "." + file.getFileName() + ".", ".partial");
			final DirectWrites.Outcome direct = DirectWrites.write(temporary, bytes);
			if (direct != DirectWrites.Outcome.WRITTEN) {
				try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
						StandardOpenOption.TRUNCATE_EXISTING)) {
					final ByteBuffer buffer = ByteBuffer.wrap(bytes);
					while (buffer.hasRemaining())
						channel.write(buffer);
					channel.force(false);
				}
				if (direct == DirectWrites.Outcome.FAILED)
					DirectWrites.unsupported(temporary);
			}
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
			temporary = null;
		} catch (final IOException e) {
			throw io("Cannot write " + file, e);
		} finally {
			if (temporary != null)
				try {
					Files.deleteIfExists(temporary);
				} catch (final IOException e) {
					// the write failure is what the caller needs to see; the leftover is named there
				}
		}
	}

	/** Whether a file name is a temporary file of {@link #writeAtomic}. */
	static boolean isPartialWrite(final Path file) {
		final String name = file.getFileName().toString();
		return name.startsWith(".") && name.endsWith(".partial");
	}

	/**
	 * Deletes the temporary files that writes interrupted by a crash (kill -9, power loss) left under a folder.
	 *
	 * @return how many were deleted
	 */
	static int removePartialWrites(final Path dir) {
		if (!Files.isDirectory(dir))
			return 0;
		try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
			int removed = 0;
			for (final Path f : (Iterable<Path>) files.filter(f -> Files.isRegularFile(f) && isPartialWrite(f))::iterator) {
				Files.deleteIfExists(f);
				removed++;
			}
			return removed;
		} catch (final IOException | java.io.UncheckedIOException e) {
			throw new ZarrIOException("Cannot clean interrupted writes under " + dir + ": " + e.getMessage(), e);
		}
	}

	/** Deletes a file if it exists. */
	static void delete(final Path file) {
		try {
			Files.deleteIfExists(file);
		} catch (final IOException e) {
			throw io("Cannot delete " + file, e);
		}
	}

	static ZarrIOException io(final String what, final IOException e) {
		String reason = e.getMessage();
		if (e instanceof FileSystemException) {
			final FileSystemException fs = (FileSystemException) e;
			reason = (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName())
					+ (fs.getFile() != null ? " (" + fs.getFile() + ")" : "");
			if (e instanceof AccessDeniedException && fs.getReason() == null)
				reason = "permission denied (" + fs.getFile() + ")";
			if (e instanceof FileAlreadyExistsException && fs.getReason() == null)
				reason = "a file is in the way of a folder (" + fs.getFile() + ")";
		}
		return new ZarrIOException(what + ": " + reason, e);
	}
}
