package org.featurize.unet.zarr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in its own JVM by {@link ZarrReaderRegressionTest}: fills the heap until only a few MiB are free, then reads
 * chunk 0 of an array and writes it back. Prints one line per step: "read", "refused" or "written", with the
 * message of our exception. A crash of the JVM ends it without a line.
 * <p>
 * Arguments: container root, array path, MiB to leave free.
 */
public final class FullHeapRead {

	private FullHeapRead() {
	}

	public static void main(final String[] args) {
		final ZarrArray array = ZarrArray.open(Path.of(args[0]), args[1]);
		final byte[] data = new byte[(int) Boxes.size(array.chunkShape())];
		final List<byte[]> hog = new ArrayList<>();
		try {
			while (true)
				hog.add(new byte[1 << 20]);
		} catch (final OutOfMemoryError e) {
			// the heap is full
		}
		for (int i = 0; i < Integer.parseInt(args[2]) && !hog.isEmpty(); i++)
			hog.remove(hog.size() - 1);
		String read;
		try {
			read = "read " + ((byte[]) array.readChunk(0)).length;
		} catch (final ZarrException e) {
			read = "refused " + e.getMessage();
		}
		String written;
		try {
			array.writeChunk(new long[] { 0 }, data);
			written = "written";
		} catch (final OutOfMemoryError e) {
			written = "write: OutOfMemoryError";
		}
		hog.clear();
		System.out.println(read);
		System.out.println(written);
	}
}
