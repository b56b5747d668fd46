package org.featurize.unet.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary folders in memory (/dev/shm) where the machine has it, for tests that write thousands of small
 * files: there, forcing a file to disk costs nothing. Elsewhere, the usual temporary folder. Use as
 * {@code @TempDir(factory = FastTempDir.class)}.
 */
public final class FastTempDir implements TempDirFactory {

	private static final Path SHM = Path.of("/dev/shm");

	@Override
	public Path createTempDirectory(final AnnotatedElementContext element, final ExtensionContext context)
			throws IOException {
		if (Files.isDirectory(SHM) && Files.isWritable(SHM))
			return Files.createTempDirectory(SHM, "junit-");
		return Files.createTempDirectory("junit-");
	}
}
