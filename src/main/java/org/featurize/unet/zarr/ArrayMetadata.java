package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What {@link ZarrArray} needs to know about an array, whatever its Zarr version (or an N5 dataset's): shapes in Zarr's axis order,
 * element type, fill value, chunk keys and the codec chain of its chunks (inner chunks when sharded).
 */
final class ArrayMetadata {

	/** The format of an N5 dataset (read only), beside Zarr's 2 and 3. */
	static final int N5 = 0;

	/** The format of an HDF5 dataset (read only, {@link Hdf5Arrays}). */
	static final int HDF5 = -1;

	final int format;

	final Path file;

	final long[] shape;

	/** The unit of reading and writing: the chunk shape, or the inner chunk shape of a sharded array. */
	final int[] chunkShape;

	final DataType type;

	final ByteOrder byteOrder;

	final char order;

	final Compressor compressor;

	final long fillBits;

	final ChunkKeys keys;

	final ChunkPipeline pipeline;

	/** null unless sharded. */
	final Sharding sharding;

	/** How an HDF5 dataset's chunks are read; null for Zarr and N5. */
	final Hdf5Arrays.Source hdf5;

	ArrayMetadata(final int format, final Path file, final long[] shape, final int[] chunkShape, final DataType type,
			final ByteOrder byteOrder, final char order, final Compressor compressor, final long fillBits,
			final ChunkKeys keys, final ChunkPipeline pipeline, final Sharding sharding) {
		this(format, file, shape, chunkShape, type, byteOrder, order, compressor, fillBits, keys, pipeline, sharding, null);
	}

	ArrayMetadata(final int format, final Path file, final long[] shape, final int[] chunkShape, final DataType type,
			final ByteOrder byteOrder, final char order, final Compressor compressor, final long fillBits,
			final ChunkKeys keys, final ChunkPipeline pipeline, final Sharding sharding, final Hdf5Arrays.Source hdf5) {
		this.hdf5 = hdf5;
		this.format = format;
		this.file = file;
		this.shape = shape;
		this.chunkShape = chunkShape;
		this.type = type;
		this.byteOrder = byteOrder;
		this.order = order;
		this.compressor = compressor;
		this.fillBits = fillBits;
		this.keys = keys;
		this.pipeline = pipeline;
		this.sharding = sharding;
	}

	/**
	 * Checks that shape and chunks have the same rank, no negative size, no chunk size of zero, and chunks that fit
	 * a Java array.
	 *
	 * @throws ZarrFormatException naming the file and the problem
	 */
	static void checkShapes(final long[] shape, final int[] chunks, final DataType type, final String chunkField,
			final Object where) {
		if (shape.length != chunks.length)
			throw new ZarrFormatException("Malformed metadata " + where + ": shape " + Arrays.toString(shape) + " has "
					+ shape.length + " axes, " + chunkField + " " + Arrays.toString(chunks) + " has " + chunks.length);
		for (final long s : shape)
			if (s < 0)
				throw new ZarrFormatException("Malformed metadata " + where + ": shape " + Arrays.toString(shape)
						+ " has a negative size, expected sizes >= 0");
		long elements = 1;
		for (final int c : chunks) {
			if (c <= 0)
				throw new ZarrFormatException("Malformed metadata " + where + ": " + chunkField + " "
						+ Arrays.toString(chunks) + " has a size <= 0, expected sizes >= 1");
			elements *= c;
			if (elements * type.bytesPerElement() > Integer.MAX_VALUE - 8)
				throw new ZarrUnsupportedException("Chunks of " + Arrays.toString(chunks) + " " + type + " in " + where
						+ " exceed the 2 GB a Java array can hold");
		}
	}

	/** @return the number of chunks along each axis (without overflow for sizes up to 2^63 - 1) */
	long[] gridShape() {
		final long[] grid = new long[shape.length];
		for (int d = 0; d < grid.length; d++)
			grid[d] = shape[d] / chunkShape[d] + (shape[d] % chunkShape[d] == 0 ? 0 : 1);
		return grid;
	}
}
