package org.featurize.unet.zarr;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What a property test wrote to an array: the data each chunk must read back as (null where none was written, so
 * the fill value), with an element-by-element model of the whole array and of boxes of it that shares no code with
 * the reader.
 */
final class Written {

	final long[] grid;

	final Object[] chunks;

	Written(final long[] grid, final Object[] chunks) {
		this.grid = grid;
		this.chunks = chunks;
	}

	/** @return the data of the chunk at a flat C-order grid index, the fill value where none was written */
	Object chunk(final int index, final RandomArrays.ArrayCase c) {
		return chunks[index] != null ? chunks[index]
				: Elements.filled(c.spec.dataType(), c.fillBits, c.chunkElements());
	}

	long[] position(final int index) {
		final long[] p = new long[grid.length];
		long rest = index;
		for (int d = grid.length - 1; d >= 0; d--) {
			p[d] = rest % grid[d];
			rest /= grid[d];
		}
		return p;
	}

	/** Writes random data to about three chunks in four (at least one), in random order; leaves the others out. */
	static Written write(final ZarrArray array, final RandomArrays.ArrayCase c) {
		final SplittableRandom random = new SplittableRandom(c.seed ^ 0x5DEECE66DL);
		final long[] grid = array.gridShape();
		final Object[] chunks = new Object[(int) Arrays.stream(grid).reduce(1, (a, b) -> a * b)];
		final Written written = new Written(grid, chunks);
		final int[] order = random.ints(0, Integer.MAX_VALUE).limit(chunks.length).toArray();
		final Integer[] indices = new Integer[chunks.length];
		for (int k = 0; k < indices.length; k++)
			indices[k] = k;
		Arrays.sort(indices, (a, b) -> Integer.compare(order[a], order[b])); // a random order, not the grid's
		for (final int index : indices) {
			if (random.nextInt(4) == 0)
				continue;
			chunks[index] = RandomValues.chunkData(c.spec.dataType(), c.chunkElements(), random);
			array.writeChunk(written.position(index), chunks[index]);
		}
		if (chunks.length > 0 && Arrays.stream(chunks).allMatch(x -> x == null)) { // at least one
			chunks[0] = RandomValues.chunkData(c.spec.dataType(), c.chunkElements(), random);
			array.writeChunk(written.position(0), chunks[0]);
		}
		return written;
	}

	/** @return the whole array in C order, assembled element by element from what was written */
	static Object expectedArray(final RandomArrays.ArrayCase c, final Written written) {
		final long[] shape = c.spec.shape();
		final int[] chunk = c.spec.chunks();
		final int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
		final Object out = Elements.allocate(c.spec.dataType(), n);
		final Object[] cache = new Object[written.chunks.length];
		final int rank = shape.length;
		for (int i = 0; i < n; i++) {
			long rest = i;
			int gridIndex = 0;
			int inChunk = 0;
			final long[] coordinate = new long[rank];
			for (int d = rank - 1; d >= 0; d--) {
				coordinate[d] = rest % shape[d];
				rest /= shape[d];
			}
			for (int d = 0; d < rank; d++) {
				gridIndex = (int) (gridIndex * written.grid[d] + coordinate[d] / chunk[d]);
				inChunk = (int) (inChunk * chunk[d] + coordinate[d] % chunk[d]);
			}
			if (cache[gridIndex] == null)
				cache[gridIndex] = written.chunk(gridIndex, c);
			System.arraycopy(cache[gridIndex], inChunk, out, i, 1);
		}
		return out;
	}

	/** @return the box at min of the given size from a whole array in C order, element by element */
	static Object box(final Object full, final long[] shape, final long[] min, final int[] size) {
		final int rank = shape.length;
		final int n = (int) Boxes.size(size);
		final Object out = java.lang.reflect.Array.newInstance(full.getClass().getComponentType(), n);
		for (int i = 0; i < n; i++) {
			long rest = i;
			long source = 0;
			final long[] coordinate = new long[rank];
			for (int d = rank - 1; d >= 0; d--) {
				coordinate[d] = min[d] + rest % size[d];
				rest /= size[d];
			}
			for (int d = 0; d < rank; d++)
				source = source * shape[d] + coordinate[d];
			System.arraycopy(full, (int) source, out, i, 1);
		}
		return out;
	}
}
