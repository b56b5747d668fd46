package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.featurize.unet.testutil.External;

/**
 * The fixtures that src/test/python/zarr_fixtures.py writes with Python's zarr, made once per test JVM in a
 * temporary folder (in memory where possible) that is deleted when the JVM exits.
 */
final class PythonFixtures {

	private static Path dir;

	private PythonFixtures() {
		// static utility
	}

	/** @return the fixture folder; skips (or fails under CI) when Python's zarr is missing */
	static synchronized Path dir() throws IOException {
		final Path python = External.python();
		if (dir == null) {
			final Path made = scratch("zarr-fixtures-");
			External.run(List.of(python.toString(), script("zarr_fixtures.py").toString(), made.toString()), null,
					Duration.ofMinutes(2));
			dir = made;
		}
		return dir;
	}

	static Path script(final String name) {
		return External.projectDir().resolve("src/test/python").resolve(name);
	}

	/** @return a new folder in /dev/shm where possible, deleted when the JVM exits */
	static Path scratch(final String prefix) throws IOException {
		final Path shm = Path.of("/dev/shm");
		final Path made = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix)
				: Files.createTempDirectory(prefix);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(made)));
		return made;
	}

	static void deleteTree(final Path root) {
		try (Stream<Path> walk = Files.walk(root)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (final IOException e) {
			// best effort at exit: temporary files only
		}
	}
}
