package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * blosc-java and zstd-jni unpack their native libraries into the temporary folder when first used. Where that folder
 * cannot take them (missing, read-only, full), the codecs must fail with our exception naming the codec, the reason
 * and the folder, when the array is opened or before anything is created, and not with a linkage error's stack
 * trace at the first chunk. Arrays without those codecs still work.
 */
class NativeLibrariesTest {

	@TempDir
	Path root;

	@Test
	void aTemporaryFolderThatCannotTakeTheLibrariesIsNamedInTheError() throws IOException {
		final byte[] data = { 1, 2, 3, 4 };
		for (final Object[] a : new Object[][] { { "blosc", Compressor.blosc("lz4", 5, Shuffle.BIT) },
				{ "zstd", Compressor.zstd(3) }, { "raw", Compressor.none() } })
			ZarrArray.create(root, (String) a[0], ArraySpec.builder().shape(4).chunks(4).dataType(DataType.UINT8)
					.compressor((Compressor) a[1]).build()).writeChunk(new long[] { 0 }, data);
		final Path notAFolder = Files.writeString(root.resolve("not-a-folder"), "a file");
		final Path tmp = notAFolder.resolve("tmp");
		final String out = External.run(External.javaCommand(List.of("-Djava.io.tmpdir=" + tmp), NativeLibraryProbe.class,
				root.toString()), null, Duration.ofMinutes(1));
		final List<String> lines = Arrays.asList(out.strip().split("\n"));
		assertEquals(6, lines.size(), out);
		for (int i = 0; i < 4; i++) {
			final String line = lines.get(i);
			final String codec = line.startsWith("open zstd") ? "Zstandard" : "Blosc";
			final String artifact = codec.equals("Blosc") ? "blosc-java" : "zstd-jni";
			assertTrue(line.contains(": ZarrException: Cannot use " + codec + " compression: its native library, from "
					+ artifact + ", did not load ("), line);
			assertTrue(line.contains("into the temporary folder " + tmp + " (java.io.tmpdir)"), line);
			assertTrue(line.contains("JAVA_OPTS=-Djava.io.tmpdir=DIR"), line);
		}
		assertTrue(lines.get(0).startsWith("open blosc: ") && lines.get(2).startsWith("open blosc: ")
				&& lines.get(3).startsWith("create: "), out);
		assertEquals("new absent", lines.get(4), "nothing is created for a codec that cannot work");
		assertEquals("raw: ok", lines.get(5), "arrays without those codecs are not affected");
		assertFalse(out.contains("ExceptionInInitializerError") || out.contains("NoClassDefFoundError"), out);
		// and the arrays are intact: read here, where the libraries load
		for (final String name : new String[] { "blosc", "zstd", "raw" })
			assertArrayEquals(data, (byte[]) ZarrArray.open(root, name).readChunk(0), name);
	}
}
