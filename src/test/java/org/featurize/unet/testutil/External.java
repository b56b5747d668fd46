package org.featurize.unet.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/**
 * The independent implementations that tests compare against: Debian's Python 3 with zarr and numcodecs (and
 * torch), and Node.js with zarrita. When one is missing, a test fails if the environment variable {@code CI} is
 * set, and is otherwise skipped with a message that says what is missing and how to install it.
 */
public final class External {

	/** Debian's interpreter, which has python3-zarr and python3-numcodecs; not the python3 first on PATH. */
	public static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

	/** Outcome of each availability check: "" if available, else what is missing. */
	private static final Map<String, String> CHECKED = new ConcurrentHashMap<>();

	private External() {
		// static utility
	}

	/** @return the project folder (Maven's basedir) */
	public static Path projectDir() {
		return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
	}

	/** @return /usr/bin/python3, after checking that it imports zarr and numcodecs */
	public static Path python() {
		return pythonWith("zarr, numcodecs", "python3-zarr python3-numcodecs");
	}

	/** @return /usr/bin/python3, after checking that it imports h5py */
	public static Path pythonWithH5py() {
		return pythonWith("h5py", "python3-h5py");
	}

	/** @return /usr/bin/python3, after checking that it imports scipy */
	public static Path pythonWithScipy() {
		return pythonWith("numpy, scipy.ndimage", "python3-scipy");
	}

	/** @return /usr/bin/python3, after checking that it imports torch */
	public static Path pythonWithTorch() {
		return pythonWith("torch", "python3-torch");
	}

	private static Path pythonWith(final String modules, final String debianPackages) {
		require("python:" + modules, () -> {
			if (!Files.isExecutable(SYSTEM_PYTHON))
				return SYSTEM_PYTHON + " is missing: install Debian's python3 and " + debianPackages
						+ " (apt-get install " + debianPackages + ")";
			final Result r = exec(List.of(SYSTEM_PYTHON.toString(), "-c", "import " + modules), null, CHECK_TIMEOUT);
			return r.exitCode == 0 ? ""
					: SYSTEM_PYTHON + " cannot import " + modules + ": install them with apt-get install "
							+ debianPackages + " (" + r.stderr.trim() + ")";
		});
		return SYSTEM_PYTHON;
	}

	/** @return the node executable on PATH (Node.js 18 or later) */
	public static Path node() {
		require("node", () -> {
			final Path node = onPath("node");
			if (node == null)
				return "node is not on PATH: install Node.js 18 or later (apt-get install nodejs npm)";
			final Result r = exec(List.of(node.toString(), "--version"), null, CHECK_TIMEOUT);
			final String version = r.stdout.trim();
			try {
				if (r.exitCode == 0 && Integer.parseInt(version.replaceAll("^v(\\d+).*", "$1")) >= 18)
					return "";
			} catch (final NumberFormatException e) {
				// reported below
			}
			return node + " --version says \"" + version + "\": install Node.js 18 or later";
		});
		return onPath("node");
	}

	/** @return src/test/js, after checking that node is there and zarrita is installed in it */
	public static Path zarritaDir() {
		node();
		final Path dir = projectDir().resolve("src/test/js");
		require("zarrita", () -> Files.exists(dir.resolve("node_modules/zarrita/package.json")) ? ""
				: "zarrita is not installed in " + dir + ": run `npm ci` there");
		return dir;
	}

	/**
	 * For {@code @TestFactory} methods, whose own abort JUnit reports as no test at all: runs the check (such as
	 * {@code External::python}) and returns null when the tool is there; otherwise one dynamic test that is skipped
	 * with the check's message. Under CI the check fails the factory itself.
	 *
	 * @param what a name for the skipped test
	 * @param check one of this class's checks
	 * @return null, or a list holding the skipped test
	 */
	public static List<DynamicTest> unavailable(final String what, final Runnable check) {
		try {
			check.run();
			return null;
		} catch (final TestAbortedException e) {
			return List.of(DynamicTest.dynamicTest(what + " (skipped)", () -> {
				throw e;
			}));
		}
	}

	/**
	 * The command that runs {@code main} in a JVM of its own (this JVM's java, this class path), for what needs a
	 * process to itself: a crash, a full heap, settings read once per process.
	 *
	 * @param jvmOptions options before the class path (-Xmx, -D...)
	 * @param main the class whose main runs
	 * @param args its arguments
	 * @return a modifiable list
	 */
	public static List<String> javaCommand(final List<String> jvmOptions, final Class<?> main, final String... args) {
		final List<String> cmd = new ArrayList<>();
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.addAll(jvmOptions);
		cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
		cmd.addAll(List.of(args));
		return cmd;
	}

	/**
	 * Runs a process to completion.
	 *
	 * @param cmd the command and its arguments
	 * @param cwd the working folder, or null for the current one
	 * @param timeout how long it may take; it is killed after that
	 * @return its standard output
	 */
	public static String run(final List<String> cmd, final Path cwd, final Duration timeout) {
		final Result r = exec(cmd, cwd, timeout);
		if (r.timedOut)
			fail("Timed out after " + timeout + ": " + cmd + "\nstderr:\n" + r.stderr + "\nstdout:\n" + r.stdout);
		if (r.exitCode != 0)
			fail("Exit code " + r.exitCode + ": " + cmd + "\nstderr:\n" + r.stderr + "\nstdout:\n" + tail(r.stdout));
		return r.stdout;
	}

	private interface Check {
		String missing();
	}

	private static void require(final String key, final Check check) {
		final String missing = CHECKED.computeIfAbsent(key, k -> check.missing());
		if (missing.isEmpty())
			return;
		if (System.getenv("CI") != null)
			fail(missing + " (CI is set, so this fails instead of skipping)");
		System.out.println("Skipping: " + missing);
		Assumptions.abort("Skipped: " + missing);
	}

	private static Path onPath(final String name) {
		final String path = System.getenv("PATH");
		if (path == null)
			return null;
		for (final String dir : path.split(File.pathSeparator)) {
			final Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate))
				return candidate;
		}
		return null;
	}

	private static final class Result {

		int exitCode;

		boolean timedOut;

		String stdout;

		String stderr;
	}

	private static Result exec(final List<String> cmd, final Path cwd, final Duration timeout) {
		Path out = null;
		Path err = null;
		try {
			out = Files.createTempFile("external-", ".out");
			err = Files.createTempFile("external-", ".err");
			final ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(out.toFile())
					.redirectError(err.toFile());
			if (cwd != null)
				builder.directory(cwd.toFile());
			final Process process = builder.start();
			final Result r = new Result();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
				r.timedOut = true;
				r.exitCode = -1;
			} else
				r.exitCode = process.exitValue();
			r.stdout = Files.readString(out, StandardCharsets.UTF_8);
			r.stderr = Files.readString(err, StandardCharsets.UTF_8);
			return r;
		} catch (final IOException e) {
			final Result r = new Result();
			r.exitCode = -1;
			r.stdout = "";
			r.stderr = "Cannot start " + cmd + ": " + e;
			return r;
		} catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + cmd, e);
		} finally {
			deleteQuietly(out);
			deleteQuietly(err);
		}
	}

	private static void deleteQuietly(final Path file) {
		if (file != null)
			try {
				Files.deleteIfExists(file);
			} catch (final IOException e) {
				// a leftover temporary file does not change any result
			}
	}

	private static String tail(final String s) {
		return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
	}
}
