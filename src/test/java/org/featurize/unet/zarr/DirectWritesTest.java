package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large files are written with direct I/O and read back exactly, at every length around the block size, and when
 * direct I/O fails the file is written the usual way, exactly, and the file system is not asked again.
 */
class DirectWritesTest {

	/** Lengths around the threshold and the block size, where padding and truncation go wrong if they can. */
	private static final List<Integer> LENGTHS = List.of(DirectWrites.MIN_BYTES - 1, DirectWrites.MIN_BYTES,
			DirectWrites.MIN_BYTES + 1, DirectWrites.MIN_BYTES + 4095, DirectWrites.MIN_BYTES + 4096,
			DirectWrites.MIN_BYTES + 4097, 3 * DirectWrites.MIN_BYTES + 511, 9_406_437);

	/** Local file systems whose Linux drivers take O_DIRECT. */
	private static final Set<String> DIRECT_FILE_SYSTEMS = Set.of("ext4", "xfs", "btrfs", "tmpfs");

	@TempDir
	Path dir;

	@AfterEach
	void forget() {
		DirectWrites.reset();
		System.clearProperty(DirectWrites.PROPERTY);
	}

	@Test
	void everyLengthReadsBackExactly() throws IOException {
		for (final int length : LENGTHS) {
			final byte[] bytes = random(length, length);
			final Path file = dir.resolve("c" + length);
			FileStore.writeAtomic(file, bytes);
			assertEquals(length, Files.size(file), "length of " + file);
			assertArrayEquals(bytes, Files.readAllBytes(file), "bytes of " + file);
			// rewritten with other bytes, shorter: the old ones must not show
			final byte[] other = random(length / 2 + 1, -length);
			FileStore.writeAtomic(file, other);
			assertArrayEquals(other, Files.readAllBytes(file), "rewritten " + file);
		}
		assertNoPartialFiles();
	}

	@Test
	void largeFilesGoAroundThePageCacheOnLocalDisks() throws IOException {
		final String type = Files.getFileStore(dir).type();
		Assumptions.assumeTrue(DIRECT_FILE_SYSTEMS.contains(type), "direct I/O is checked on " + DIRECT_FILE_SYSTEMS
				+ "; the temporary folder is on " + type);
		final long before = DirectWrites.directFiles();
		FileStore.writeAtomic(dir.resolve("small"), random(DirectWrites.MIN_BYTES - 1, 1));
		assertEquals(before, DirectWrites.directFiles(), "a file under the threshold goes through the page cache");
		final byte[] bytes = random(DirectWrites.MIN_BYTES + 12345, 2);
		FileStore.writeAtomic(dir.resolve("large"), bytes);
		assertEquals(before + 1, DirectWrites.directFiles(), "a large file is written directly");
		assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("large")));
	}

	@Test
	void aFailedDirectWriteFallsBackAndIsNotTriedAgain() throws IOException {
		Assumptions.assumeTrue(DirectWrites.tried(dir), "direct I/O is not tried on " + Files.getFileStore(dir).type());
		// an alignment the file system refuses: the direct write fails after opening the file
		DirectWrites.assumeBlockSize(dir, 256);
		final long before = DirectWrites.directFiles();
		final byte[] bytes = random(DirectWrites.MIN_BYTES + 1000, 3);
		final Path file = dir.resolve("fallback");
		FileStore.writeAtomic(file, bytes);
		assertEquals(before, DirectWrites.directFiles());
		assertEquals(bytes.length, Files.size(file), "no padding left by the failed direct write");
		assertArrayEquals(bytes, Files.readAllBytes(file));
		assertFalse(DirectWrites.tried(dir), "the file system is not asked again");
		final byte[] next = random(DirectWrites.MIN_BYTES + 5, 4);
		FileStore.writeAtomic(file, next);
		assertArrayEquals(next, Files.readAllBytes(file));
		assertNoPartialFiles();
	}

	@Test
	void theSystemPropertyTurnsDirectWritesOff() throws IOException {
		System.setProperty(DirectWrites.PROPERTY, "false");
		final long before = DirectWrites.directFiles();
		final byte[] bytes = random(DirectWrites.MIN_BYTES + 77, 5);
		FileStore.writeAtomic(dir.resolve("buffered"), bytes);
		assertEquals(before, DirectWrites.directFiles());
		assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("buffered")));
		assertTrue(DirectWrites.tried(dir) || !DIRECT_FILE_SYSTEMS.contains(Files.getFileStore(dir).type()),
				"turning it off does not mark the file system");
	}

	private void assertNoPartialFiles() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			assertEquals(0, files.filter(FileStore::isPartialWrite).count(), "temporary files left");
		}
	}

	private static byte[] random(final int length, final long seed) {
		final byte[] b = new byte[length];
		new Random(seed).nextBytes(b);
		return b;
	}
}
