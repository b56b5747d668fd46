package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Selection;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zarr stores in zip files, read in place: Python zarr's ZipStore, and a folder zipped whole; the features of a zipped
 * input are those of the same input as a folder.
 */
class ZipStoresTest {

	/** Zips the files below {@code folder}, their names relative to {@code base}. */
	private static Path zip(final Path folder, final Path base, final Path zip) throws IOException {
		try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
				Stream<Path> files = Files.walk(folder)) {
			for (final Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
				z.putNextEntry(new ZipEntry(base.relativize(f).toString().replace('\\', '/')));
				z.write(Files.readAllBytes(f));
				z.closeEntry();
			}
		}
		return zip;
	}

	@Test
	void readsWhatPythonsZipStoreWrites() throws IOException {
		final Path zip = PythonFixtures.dir().resolve("zip/plain.zarr.zip");
		final ZarrArray array = ZarrArray.open(ZipStores.root(zip), "");
		assertArrayEquals(new long[] { 25, 37 }, array.shape());
		final byte[] expected = Files.readAllBytes(PythonFixtures.dir().resolve("zip/plain.bin"));
		Samples.assertBitsEqual(Elements.decode(expected, DataType.FLOAT32, ByteOrder.LITTLE_ENDIAN),
				array.readRegion(new long[2], new int[] { 25, 37 }), "ZipStore");
	}

	@Test
	void aZippedInputHasTheFeaturesOfTheSameInputAsAFolder(@TempDir final Path dir) throws Exception {
		final Path folder = Fixtures.volume(dir, "in.zarr", 1, 1, 10, 14);
		final Path atRoot = zip(folder, folder, dir.resolve("root.zarr.zip"));
		final Path inFolder = zip(folder, dir, dir.resolve("folder.ozx"));
		assertTrue(ZipStores.isZip(atRoot) && !ZipStores.isZip(folder), "a zip, and a folder that is none");
		assertEquals(folder, ZipStores.root(folder));
		final List<Path> outputs = List.of(dir.resolve("a.zarr"), dir.resolve("b.zarr"), dir.resolve("c.zarr"));
		final List<Path> inputs = List.of(folder, atRoot, inFolder);
		for (int i = 0; i < 3; i++) {
			assertArrayEquals(InputView.open(folder, "", Selection.ALL).shape(), InputView.open(inputs.get(i), "", Selection.ALL).shape());
			new Featurizer(s -> {}).run(FeaturizeRequest.of(inputs.get(i)).output(outputs.get(i)).model(Fixtures.TINY_MODEL).threads(1),
					Progress.NONE, () -> false);
		}
		final ZarrArray a = ZarrArray.open(outputs.get(0), "");
		for (int i = 1; i < 3; i++) {
			final ZarrArray b = ZarrArray.open(outputs.get(i), "");
			assertArrayEquals(a.shape(), b.shape());
			Samples.forEachGridPosition(a.gridShape(), p -> assertArrayEquals((float[]) a.readChunk(p.clone()), (float[]) b.readChunk(p.clone())));
		}
		// a run over many inputs names a zipped input's output after it, without .zip or .ozx
		assertEquals(List.of("root-features.zarr", "folder-features.zarr"),
				Batch.plan(List.of(atRoot, inFolder), dir.resolve("out"), null).stream().map(i -> i.output().getFileName().toString()).toList());
		assertEquals(List.of(inFolder, dir.resolve("in.zarr"), atRoot), Batch.listFolder(dir).stream().filter(p -> !p.getFileName().toString()
				.matches("[abc]\\.zarr")).toList(), "a folder's inputs: .zarr folders, .zarr.zip and .ozx files");
	}

	@Test
	void aZipWithoutZarrIsRefused(@TempDir final Path dir) throws IOException {
		final Path notes = Files.createDirectories(dir.resolve("notes"));
		Files.writeString(notes.resolve("a.txt"), "not Zarr");
		final Path zip = zip(notes, dir, dir.resolve("notes.zip"));
		final ZarrNotFoundException e = assertThrows(ZarrNotFoundException.class, () -> ZipStores.root(zip));
		assertEquals("No Zarr hierarchy in the zip file " + zip + ": expected .zarray, .zgroup or zarr.json at its root (as Python zarr's "
				+ "ZipStore and zipped OME-Zarr keep them) or in its one top-level folder", e.getMessage());
		final Path text = Files.writeString(dir.resolve("text.zip"), "PK but not a zip");
		assertFalse(ZipStores.isZip(text));
	}
}
