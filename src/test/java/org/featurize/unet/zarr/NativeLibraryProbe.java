package org.featurize.unet.zarr;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in its own JVM by {@link NativeLibrariesTest}, with a temporary folder the codecs' native libraries cannot be
 * unpacked into. Tries each use of a Blosc and a Zstandard array, and prints one line per try: what it threw (class
 * and message) or "ok", and for a creation whether anything was written.
 * <p>
 * Arguments: container root (with arrays "blosc" and "zstd").
 */
public final class NativeLibraryProbe {

	private NativeLibraryProbe() {
	}

	public static void main(final String[] args) {
		final Path root = Path.of(args[0]);
		for (final String name : new String[] { "blosc", "zstd", "blosc" }) // twice: the second use is explained too
			attempt("open " + name, () -> ZarrArray.open(root, name).readChunk(0));
		attempt("create", () -> ZarrArray.create(root, "new", ArraySpec.builder().shape(4).chunks(4)
				.dataType(DataType.UINT8).compressor(Compressor.blosc("lz4", 5, Shuffle.BIT)).build()));
		System.out.println("new " + (Files.exists(root.resolve("new")) ? "written" : "absent"));
		attempt("raw", () -> ZarrArray.open(root, "raw").readChunk(0));
	}

	private static void attempt(final String what, final Runnable call) {
		try {
			call.run();
			System.out.println(what + ": ok");
		} catch (final RuntimeException | LinkageError e) {
			System.out.println(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
		}
	}
}
