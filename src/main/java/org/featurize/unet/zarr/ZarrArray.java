package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Zarr array (v2 or v3) on the file system: its metadata, its attributes, and its chunks as Java primitive
 * arrays. Shapes and grid positions are in Zarr's (C, NumPy) axis order; chunks are full-size arrays in C order
 * (last axis fastest), edge chunks included; a missing chunk reads as the fill value.
 * <p>
 * Thread-safe: the metadata is immutable, every chunk is written atomically (temporary file, then rename), and
 * many threads may read and write different chunks at once. In a sharded v3 array, writers of chunks of the same
 * shard must share this instance (it serializes them per shard); separate processes must write separate shards.
 */
public final class ZarrArray {

	private static final int LOCK_STRIPES = 64;

	private final Path root;

	private final String arrayPath;

	private final Path dir;

	private final ArrayMetadata meta;

	private final Object[] shardLocks;

	private ZarrArray(final Path root, final String arrayPath, final ArrayMetadata meta) {
		this.root = root;
		this.arrayPath = arrayPath;
		this.dir = Nodes.resolve(root, arrayPath);
		this.meta = meta;
		this.shardLocks = new Object[LOCK_STRIPES];
		for (int i = 0; i < LOCK_STRIPES; i++)
			shardLocks[i] = new Object();
	}

	/**
	 * Opens an existing array, Zarr v2 or v3 (detected; zarr.json wins if both kinds of metadata are there), an
	 * N5 dataset, read only ({@link MetadataN5}), or a dataset of an HDF5 file, read only ({@link Hdf5Arrays}: root
	 * the file, or a path into it).
	 *
	 * @param root the folder of the Zarr container
	 * @param arrayPath the array within it, "a/b"; "" or "/" for the root itself
	 * @return the array
	 * @throws ZarrNotFoundException if there is no array there
	 * @throws ZarrFormatException if the metadata is malformed
	 * @throws ZarrUnsupportedException if it uses a data type, codec or feature not handled here
	 * @throws ZarrException if the native library of its compressor (Blosc, Zstandard) cannot be loaded
	 */
	public static ZarrArray open(final Path root, final String arrayPath) {
		final String path = Nodes.normalize(arrayPath);
		final Object[] hdf5 = Hdf5Arrays.split(root);
		if (hdf5 != null) { // an HDF5 file, or a path into one
			final String inner = (String) hdf5[1];
			final String dataset = inner.isEmpty() ? path : path.isEmpty() ? inner : inner + "/" + path;
			final ArrayMetadata meta = Hdf5Arrays.open((Path) hdf5[0], dataset);
			return new ZarrArray((Path) hdf5[0], meta.hdf5.path(), meta);
		}
		final Path dir = Nodes.resolve(root, path);
		Nodes.requireFolder(root, dir);
		final Path v3 = dir.resolve(MetadataV3.FILE);
		final ObjectNode v3Json = Json.readObjectOrNull(v3);
		if (v3Json != null)
			return new ZarrArray(root, path, MetadataV3.parse(v3Json, v3));
		final Path v2 = dir.resolve(MetadataV2.ARRAY);
		final ObjectNode v2Json = Json.readObjectOrNull(v2);
		if (v2Json != null)
			return new ZarrArray(root, path, MetadataV2.parse(v2Json, v2));
		if (Files.exists(dir.resolve(MetadataV2.GROUP)))
			throw new ZarrNotFoundException("No Zarr array at " + dir + ": found a group (" + MetadataV2.GROUP
					+ "), expected " + MetadataV2.ARRAY + " or " + MetadataV3.FILE);
		final Path n5 = dir.resolve(MetadataN5.FILE);
		final ObjectNode n5Json = MetadataN5.isNode(dir) ? Json.readObjectOrNull(n5) : null;
		if (MetadataN5.isDataset(n5Json))
			return new ZarrArray(root, path, MetadataN5.parse(n5Json, n5));
		if (n5Json != null) {
			final java.util.List<String> all = N5Images.images(dir);
			final java.util.List<String> datasets = all.subList(0, Math.min(12, all.size()));
			throw new ZarrNotFoundException("No array at " + dir + ": it is an N5 group (" + MetadataN5.FILE
					+ " without \"dimensions\"), which " + (datasets.isEmpty() ? "holds no dataset"
							: "holds the dataset" + (datasets.size() == 1 ? " " : "s ") + String.join(", ", datasets)
									+ (all.size() > 12 ? ", ... (" + all.size() + " in all)" : ""))
					+ ": give one of them as the dataset (dataset=PATH; bin/featurize --dataset=PATH)");
		}
		throw new ZarrNotFoundException("No Zarr array at " + dir + ": the folder is not Zarr, expected "
				+ MetadataV2.ARRAY + " or " + MetadataV3.FILE + " in it");
	}

	/**
	 * Creates an array: writes its metadata (and attributes), creating the root folder and parent groups as needed.
	 *
	 * @param root the folder of the Zarr container (created if missing)
	 * @param arrayPath the array within it; "" or "/" for the root itself
	 * @param spec what to create
	 * @return the new array, with no chunks
	 * @throws ZarrExistsException if an array or group exists there and the spec does not say overwrite, or if a
	 *         parent is an array
	 * @throws ZarrException if the native library of its compressor (Blosc, Zstandard) cannot be loaded; nothing is
	 *         written then
	 */
	public static ZarrArray create(final Path root, final String arrayPath, final ArraySpec spec) {
		final String path = Nodes.normalize(arrayPath);
		final Path dir = Nodes.resolve(root, path);
		ByteCodecs.requireLibrary(spec.compressor()); // before anything is written
		Nodes.prepare(root, path, spec.zarrFormat(), spec.overwrite());
		if (spec.zarrFormat() == 3) {
			Json.write(dir.resolve(MetadataV3.FILE), MetadataV3.toJson(spec));
		} else {
			if (!spec.attributes().isEmpty())
				Json.write(dir.resolve(MetadataV2.ATTRIBUTES), Json.fromMap(spec.attributes(), dir));
			Json.write(dir.resolve(MetadataV2.ARRAY), MetadataV2.toJson(spec));
		}
		return open(root, path);
	}

	/** @return the shape, Zarr axis order */
	public long[] shape() {
		return meta.shape.clone();
	}

	/** @return the chunk shape, Zarr axis order; for a sharded array the inner chunk shape (the unit of I/O) */
	public int[] chunkShape() {
		return meta.chunkShape.clone();
	}

	/** @return the shard shape of a sharded v3 array, else the chunk shape */
	public int[] shardShape() {
		return meta.sharding == null ? chunkShape() : meta.sharding.shardShape.clone();
	}

	/** @return the number of chunks along each axis, Zarr axis order */
	public long[] gridShape() {
		return meta.gridShape();
	}

	/** @return the element type */
	public DataType dataType() {
		return meta.type;
	}

	/** @return the byte order of stored elements */
	public ByteOrder byteOrder() {
		return meta.byteOrder;
	}

	/** @return 'F' if chunks are stored with reversed axes (v2 order F, v3 transpose reversing axes), else 'C' */
	public char order() {
		return meta.order;
	}

	/** @return the compressor, or null if a v3 chain has more than one */
	public Compressor compressor() {
		return meta.compressor;
	}

	/** @return whether chunks are stored in v3 shards */
	public boolean isSharded() {
		return meta.sharding != null;
	}

	/** @return the fill value: Boolean, Long (raw bits for uint64), or Double (Float16 and Float32 widened) */
	public Object fillValue() {
		if (meta.type == DataType.BOOL)
			return meta.fillBits != 0;
		if (!meta.type.isFloat())
			return meta.fillBits;
		final Object one = Elements.filled(meta.type, meta.fillBits, 1);
		return one instanceof float[] ? (double) ((float[]) one)[0] : ((double[]) one)[0];
	}

	/** @return 2 or 3; 0 for an N5 dataset */
	public int zarrFormat() {
		return meta.format;
	}

	/** @return the array's folder */
	public Path path() {
		return dir;
	}

	/** @return whether this is an N5 dataset (read only) */
	public boolean isN5() {
		return meta.format == ArrayMetadata.N5;
	}

	/** @return whether this is a dataset of an HDF5 file (read only; {@link #root()} is the file) */
	public boolean isHdf5() {
		return meta.format == ArrayMetadata.HDF5;
	}

	/** @return the metadata file: .zarray, zarr.json or an N5 dataset's attributes.json */
	Path metadataFile() {
		return meta.file;
	}

	/** @return the folder of the container */
	public Path root() {
		return root;
	}

	/** @return the array's path within the container, "" for the root */
	public String arrayPath() {
		return arrayPath;
	}

	/**
	 * @return the attributes, read from disk now (a new mutable map)
	 * @throws ZarrFormatException if they are not a JSON object, naming the file
	 */
	public Map<String, Object> attributes() {
		if (isHdf5())
			return new java.util.LinkedHashMap<>();
		if (isN5()) {
			final Map<String, Object> all = Json.toMap(Json.readObjectOrNull(meta.file), "attributes", meta.file);
			all.keySet().removeAll(MetadataN5.DATASET_KEYS);
			return all;
		}
		return Json.attributes(dir, meta.format);
	}

	/**
	 * Replaces all attributes, atomically (.zattrs for v2, the attributes of zarr.json for v3).
	 *
	 * @param attributes JSON-compatible values
	 */
	public synchronized void writeAttributes(final Map<String, ?> attributes) {
		requireZarr();
		if (meta.format == 2) {
			Json.write(dir.resolve(MetadataV2.ATTRIBUTES), Json.fromMap(attributes, dir));
			return;
		}
		final ObjectNode json = Json.readObjectOrNull(meta.file);
		if (json == null)
			throw new ZarrNotFoundException("No Zarr array at " + dir + ": " + meta.file + " has disappeared");
		json.set("attributes", Json.fromMap(attributes, meta.file));
		Json.write(meta.file, json);
	}

	/**
	 * @param gridPosition the chunk's position in the chunk grid, Zarr axis order
	 * @return a new primitive array of the full chunk shape in C order (see {@link DataType}); the fill value
	 *         everywhere if the chunk is missing
	 * @throws ZarrChunkException if the stored chunk cannot be decoded
	 * @throws ZarrIOException if it cannot be read
	 * @throws ZarrUnsupportedException if the chunk is larger than the Java heap can hold
	 */
	public Object readChunk(final long... gridPosition) {
		checkGrid(gridPosition);
		if (meta.hdf5 != null)
			return meta.hdf5.read(gridPosition);
		final byte[] stored;
		final Object where;
		if (meta.sharding == null) {
			final Path file = chunkFile(gridPosition);
			stored = FileStore.readOrNull(file);
			where = file;
		} else {
			final Path file = chunkFile(meta.sharding.shardOf(gridPosition));
			final int local = meta.sharding.localIndex(gridPosition);
			stored = meta.sharding.readInner(file, local);
			where = file + " (inner chunk " + local + ")";
		}
		final long bytes = (long) meta.pipeline.elements * meta.type.bytesPerElement();
		if (bytes > Runtime.getRuntime().maxMemory())
			throw tooLarge(where, bytes, null);
		try {
			if (stored == null)
				return Elements.filled(meta.type, meta.fillBits, meta.pipeline.elements);
			return isN5() ? N5Blocks.decode(stored, meta, where) : meta.pipeline.decode(stored, where);
		} catch (final OutOfMemoryError e) {
			// one allocation of the chunk's size failed: metadata declaring chunks as large as the heap
			throw tooLarge(where, bytes, e);
		}
	}

	private ZarrUnsupportedException tooLarge(final Object where, final long bytes, final Throwable cause) {
		final Runtime runtime = Runtime.getRuntime();
		return new ZarrUnsupportedException("Chunk " + where + " takes " + bytes + " bytes (chunks of "
				+ Arrays.toString(meta.chunkShape) + " " + meta.type + " in " + meta.file + "), more than the Java heap "
				+ "can hold now (" + runtime.maxMemory() + " bytes at most, " + (runtime.maxMemory()
						- runtime.totalMemory() + runtime.freeMemory()) + " free): expected smaller chunks, or a larger "
				+ "-Xmx", cause);
	}

	/**
	 * Deletes the temporary files of chunk writes that a crash interrupted (a write in progress is a hidden
	 * file until its atomic rename). Call it only while no other process writes this array.
	 *
	 * @return how many were deleted
	 */
	public int removePartialWrites() {
		return FileStore.removePartialWrites(path());
	}

	/**
	 * @param gridPosition the chunk's position in the chunk grid, Zarr axis order
	 * @return whether the chunk is stored
	 */
	public boolean chunkExists(final long... gridPosition) {
		checkGrid(gridPosition);
		if (meta.hdf5 != null)
			return true; // read through HDF5's own index; a chunk never written reads as the fill value
		if (meta.sharding == null)
			return Files.exists(chunkFile(gridPosition));
		final Path file = chunkFile(meta.sharding.shardOf(gridPosition));
		return meta.sharding.readInner(file, meta.sharding.localIndex(gridPosition)) != null;
	}

	/**
	 * Encodes and writes one chunk atomically, replacing what was there.
	 *
	 * @param gridPosition the chunk's position in the chunk grid, Zarr axis order
	 * @param data a primitive array of the data type's class holding the full chunk shape in C order
	 *        ({@code float[]} for FLOAT16, rounded to nearest even)
	 * @throws ZarrIOException if it cannot be written (a full disk included), naming the file
	 */
	public void writeChunk(final long[] gridPosition, final Object data) {
		requireZarr();
		checkGrid(gridPosition);
		Elements.check(data, meta.type, meta.pipeline.elements, "Chunk " + Arrays.toString(gridPosition) + " of "
				+ dir);
		store(gridPosition, meta.pipeline.encode(data));
	}

	/**
	 * Writes one chunk from its elements already encoded: what {@link #writeChunk} makes of a primitive array, the
	 * elements in C order of the chunk shape, each in the array's data type and byte order. For writers that
	 * encode values where they lie (a native buffer) instead of copying them into an array first.
	 *
	 * @param gridPosition the chunk's position in the grid, Zarr axis order
	 * @param raw exactly {@code chunk elements x bytes per element} bytes
	 * @throws IllegalArgumentException if raw has another length
	 */
	public void writeChunkBytes(final long[] gridPosition, final byte[] raw) {
		requireZarr();
		checkGrid(gridPosition);
		if (raw.length != meta.pipeline.rawBytes)
			throw new IllegalArgumentException("Chunk " + Arrays.toString(gridPosition) + " of " + dir + " takes "
					+ meta.pipeline.rawBytes + " bytes (" + meta.pipeline.elements + " elements of " + meta.type + "), got "
					+ raw.length);
		store(gridPosition, meta.pipeline.encodeBytes(raw));
	}

	private void store(final long[] gridPosition, final byte[] encoded) {
		if (meta.sharding == null) {
			FileStore.writeAtomic(chunkFile(gridPosition), encoded);
			return;
		}
		final long[] shard = meta.sharding.shardOf(gridPosition);
		final Path file = chunkFile(shard);
		synchronized (shardLocks[Math.floorMod(Arrays.hashCode(shard), LOCK_STRIPES)]) {
			byte[][] inner = meta.sharding.readAll(file);
			if (inner == null)
				inner = new byte[meta.sharding.innerChunks()][];
			inner[meta.sharding.localIndex(gridPosition)] = encoded;
			FileStore.writeAtomic(file, meta.sharding.assemble(inner));
		}
	}

	/**
	 * Reads a box of the array, across chunks.
	 *
	 * @param min the first position, Zarr axis order
	 * @param size the box's size, Zarr axis order
	 * @return a new primitive array of the box in C order
	 */
	public Object readRegion(final long[] min, final int[] size) {
		final int n = meta.shape.length;
		if (min.length != n || size.length != n)
			throw new IllegalArgumentException("Region of rank " + min.length + "/" + size.length + " in an array of "
					+ "rank " + n);
		for (int d = 0; d < n; d++)
			if (min[d] < 0 || size[d] < 0 || min[d] > meta.shape[d] || size[d] > meta.shape[d] - min[d])
				throw new IndexOutOfBoundsException("Region at " + Arrays.toString(min) + " of size "
						+ Arrays.toString(size) + " is outside the shape " + Arrays.toString(meta.shape));
		final long total = Boxes.size(size);
		if (total > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException("Region of " + total + " elements exceeds a Java array");
		final Object out = Elements.allocate(meta.type, (int) total);
		if (total == 0)
			return out;
		final int[] chunk = meta.chunkShape;
		final long[] first = new long[n];
		final long[] last = new long[n];
		for (int d = 0; d < n; d++) {
			first[d] = min[d] / chunk[d];
			last[d] = (min[d] + size[d] - 1) / chunk[d];
		}
		final long[] grid = first.clone();
		final int[] srcOffset = new int[n];
		final int[] dstOffset = new int[n];
		final int[] overlap = new int[n];
		while (true) {
			for (int d = 0; d < n; d++) {
				final long chunkMin = grid[d] * chunk[d];
				final long from = Math.max(chunkMin, min[d]);
				final long to = chunkMin + Math.min(chunk[d], min[d] + size[d] - chunkMin); // no overflow at 2^63
				srcOffset[d] = (int) (from - chunkMin);
				dstOffset[d] = (int) (from - min[d]);
				overlap[d] = (int) (to - from);
			}
			Boxes.copy(readChunk(grid), chunk, srcOffset, out, size, dstOffset, overlap);
			int d = n - 1;
			for (; d >= 0; d--) {
				if (++grid[d] <= last[d])
					break;
				grid[d] = first[d];
			}
			if (d < 0)
				return out;
		}
	}

	private void requireZarr() {
		if (isHdf5())
			throw new ZarrUnsupportedException("The HDF5 dataset " + this + " is read here, not written: write to a Zarr "
					+ "array");
		if (isN5())
			throw new ZarrUnsupportedException("The N5 dataset " + dir + " is read here, not written: write to a Zarr "
					+ "array");
	}

	private Path chunkFile(final long[] gridPosition) {
		return dir.resolve(meta.keys.key(gridPosition));
	}

	private void checkGrid(final long[] gridPosition) {
		final long[] grid = meta.gridShape();
		if (gridPosition.length != grid.length)
			throw new IllegalArgumentException("Grid position " + Arrays.toString(gridPosition) + " has "
					+ gridPosition.length + " axes, the array " + dir + " has " + grid.length);
		for (int d = 0; d < grid.length; d++)
			if (gridPosition[d] < 0 || gridPosition[d] >= grid[d])
				throw new IndexOutOfBoundsException("Grid position " + Arrays.toString(gridPosition)
						+ " is outside the chunk grid " + Arrays.toString(grid) + " of " + dir);
	}

	@Override
	public String toString() {
		return "ZarrArray[" + (isHdf5() ? "HDF5" : isN5() ? "N5" : "v" + meta.format) + " " + dir + ", shape " + Arrays.toString(meta.shape) + ", chunks "
				+ Arrays.toString(meta.chunkShape) + (meta.sharding == null ? ""
						: ", shards " + Arrays.toString(meta.sharding.shardShape))
				+ ", " + meta.type + "]";
	}
}
