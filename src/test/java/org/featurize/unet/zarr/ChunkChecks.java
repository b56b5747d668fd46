package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The chunk damage property of {@link ZarrReaderPropertiesTest}: damages the file of one written chunk (or its shard),
 * then reads every chunk stored in that file through readChunk, and the first through readRegion and the lazy
 * image. Each read must raise our exception naming the file, or return an array of exactly the chunk's size;
 * codecs that carry a checksum (gzip, zlib, crc32c, Zstandard with its checksum) must never return other data,
 * and no codec may return other data from a file whose length changed.
 */
final class ChunkChecks {

	private ChunkChecks() {
		// static utility
	}

	static void damage(final Path root, final RandomArrays.ArrayCase c, final ChunkDamage damage, final Tally tally)
			throws IOException {
		final ZarrArray array = c.create(root, "a");
		final Written written = Written.write(array, c);
		int index = 0;
		while (written.chunks[index] == null)
			index++;
		final long[] position = written.position(index);
		final int[] perShard = perShard(c);
		final long[] filePosition = position.clone();
		for (int d = 0; d < position.length; d++)
			filePosition[d] /= perShard[d];
		final boolean prefixed = c.spec.zarrFormat() == 3 && c.spec.chunkKeyEncoding().equals("default");
		final Path file = array.path().resolve(new ChunkKeys(prefixed, c.spec.dimensionSeparator()).key(filePosition));
		final int inner = (int) Boxes.size(perShard);
		final ChunkDamage.Target target = new ChunkDamage.Target(c.chunkElements() * c.spec.dataType()
				.bytesPerElement(), c.sharded(), c.indexAtStart, 16 * inner + 4,
				c.spec.compressor().kind() == Compressor.Kind.BLOSC);
		final byte[] stored = Files.readAllBytes(file);
		final String kind = damage.appliedKind(stored, target);
		if (damage.isFolder()) {
			Files.delete(file);
			Files.write(Files.createDirectories(file).resolve("0"), stored);
		} else
			Files.write(file, damage.apply(stored, target));
		tally.chunkCase();

		final boolean checked = c.crc32c || c.zstdChecksum || c.spec.compressor().kind() == Compressor.Kind.GZIP
				|| c.spec.compressor().kind() == Compressor.Kind.ZLIB;
		final String codec = (c.sharded() ? "sharded " : "") + c.codecLabel();
		Object first = null;
		Tally.Outcome firstOutcome = null;
		for (final long[] p : inFile(filePosition, perShard, written.grid)) {
			final Object expected = written.chunk(flat(p, written.grid), c);
			Object data = null;
			Tally.Outcome outcome;
			try {
				data = array.readChunk(p);
				assertEquals(expected.getClass(), data.getClass());
				assertEquals(Array.getLength(expected), Array.getLength(data), "elements of a damaged chunk");
				outcome = bitsEqual(expected, data) ? Tally.Outcome.INTACT : Tally.Outcome.WRONG;
			} catch (final ZarrException e) {
				ZarrReaderPropertiesTest.assertNames(e, file.toString());
				outcome = Tally.Outcome.REFUSED;
			}
			if (outcome == Tally.Outcome.WRONG) {
				assertFalse(damage.changesLength(), () -> codec + " read other data from a file of another length "
						+ "after " + damage + " of " + c);
				assertFalse(checked && !damage.rewritesIndex(target), () -> codec + " has a checksum, yet read "
						+ "other data after " + damage + " of " + c);
			}
			if (damage.isFolder())
				assertEquals(Tally.Outcome.REFUSED, outcome, "a folder where the chunk's file should be");
			tally.chunk(codec, kind, outcome);
			if (firstOutcome == null) {
				first = data;
				firstOutcome = outcome;
				sameThroughRegionAndImage(array, p, first, file, c + " after " + damage);
			}
		}
	}

	/** The region and the lazy image over a chunk give what readChunk gave, or raise what it raised. */
	private static void sameThroughRegionAndImage(final ZarrArray array, final long[] position, final Object chunk,
			final Path file, final String name) {
		final long[] shape = array.shape();
		final int[] chunkShape = array.chunkShape();
		final int rank = shape.length;
		final long[] min = new long[rank];
		final int[] size = new int[rank];
		for (int d = 0; d < rank; d++) {
			min[d] = position[d] * chunkShape[d];
			size[d] = (int) Math.min(chunkShape[d], shape[d] - min[d]);
		}
		final long[] chunkLongs = Arrays.stream(chunkShape).asLongStream().toArray();
		try {
			final Object region = array.readRegion(min, size);
			if (chunk == null)
				fail(name + ": readChunk refused the chunk, readRegion read it");
			Samples.assertBitsEqual(Written.box(chunk, chunkLongs, new long[rank], size), region, name);
		} catch (final ZarrException e) {
			ZarrReaderPropertiesTest.assertNames(e, file.toString());
			if (chunk != null)
				fail(name + ": readChunk read the chunk, readRegion refused it: " + e);
		}
		if (rank == 0)
			return;
		try {
			final RandomAccessibleInterval<?> image = ZarrImages.<FloatType> openCached(array, 1 << 16).image();
			final Object pixel = pixel(image, ZarrAxes.toImgLib2(min), array.dataType());
			if (chunk == null)
				fail(name + ": readChunk refused the chunk, the image read it");
			final int[] one = new int[rank];
			Arrays.fill(one, 1);
			Samples.assertBitsEqual(Written.box(chunk, chunkLongs, new long[rank], one), pixel, name);
		} catch (final ZarrException e) {
			ZarrReaderPropertiesTest.assertNames(e, file.toString());
			if (chunk != null)
				fail(name + ": readChunk read the chunk, the image refused it: " + e);
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Object pixel(final RandomAccessibleInterval<?> image, final long[] at, final DataType type) {
		final int[] one = new int[at.length];
		Arrays.fill(one, 1);
		final Object dest = type == DataType.BOOL ? new boolean[1] : Elements.allocate(type, 1);
		PrimitiveBlocks.of((RandomAccessibleInterval) image).copy(at, dest, one);
		return dest instanceof boolean[] ? new byte[] { (byte) (((boolean[]) dest)[0] ? 1 : 0) } : dest;
	}

	private static int[] perShard(final RandomArrays.ArrayCase c) {
		final int[] chunks = c.spec.chunks();
		final int[] shards = c.spec.shardShape();
		final int[] per = new int[chunks.length];
		for (int d = 0; d < per.length; d++)
			per[d] = shards == null ? 1 : shards[d] / chunks[d];
		return per;
	}

	/** @return the grid positions of the chunks stored in the file at a shard (or chunk) position */
	private static List<long[]> inFile(final long[] filePosition, final int[] perShard, final long[] grid) {
		final List<long[]> out = new ArrayList<>();
		final int rank = grid.length;
		final long[] p = new long[rank];
		for (int d = 0; d < rank; d++)
			p[d] = filePosition[d] * perShard[d];
		while (true) {
			out.add(p.clone());
			int d = rank - 1;
			for (; d >= 0; d--) {
				if (++p[d] < Math.min((filePosition[d] + 1) * perShard[d], grid[d]))
					break;
				p[d] = filePosition[d] * perShard[d];
			}
			if (d < 0)
				return out;
		}
	}

	private static int flat(final long[] p, final long[] grid) {
		int index = 0;
		for (int d = 0; d < grid.length; d++)
			index = (int) (index * grid[d] + p[d]);
		return index;
	}

	private static boolean bitsEqual(final Object a, final Object b) {
		final int n = Array.getLength(a);
		for (int i = 0; i < n; i++)
			if (Samples.bits(a, i) != Samples.bits(b, i))
				return false;
		return true;
	}
}
