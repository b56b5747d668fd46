package org.featurize.unet.zarr;

import java.nio.file.Path;
import java.util.Arrays;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Zarr arrays as lazy ImgLib2 images whose cells are the Zarr chunks: nothing is read until a pixel of a chunk
 * is accessed; chunks live in a cache bounded in bytes, are evicted when it is full and read again when needed;
 * safe for many threads. Axes are reversed by {@link ZarrAxes}: Zarr's {@code (t, z, y, x)} is ImgLib2's
 * {@code (x, y, z, t)}.
 * <p>
 * Types: BOOL is {@code NativeBoolType}, UINT8 {@code UnsignedByteType}, INT8 {@code ByteType}, UINT16
 * {@code UnsignedShortType}, INT16 {@code ShortType}, UINT32 {@code UnsignedIntType}, INT32 {@code IntType},
 * UINT64 {@code UnsignedLongType}, INT64 {@code LongType}, FLOAT16 and FLOAT32 {@code FloatType} (FLOAT16
 * widened exactly), FLOAT64 {@code DoubleType}. The caller names T; a T that does not match is a
 * ClassCastException on first access, so check {@link ZarrArray#dataType()} when unsure.
 */
public final class ZarrImages {

	private ZarrImages() {
		// static utility
	}

	/** @return the default cache bound: a quarter of the maximum heap */
	public static long defaultCacheBytes() {
		return Runtime.getRuntime().maxMemory() / 4;
	}

	/**
	 * Opens an array as a lazy image with the default cache ({@link #defaultCacheBytes()}).
	 *
	 * @param <T> the pixel type that matches the array's data type
	 * @param root the folder of the Zarr container
	 * @param arrayPath the array within it; "" or "/" for the root itself
	 * @return the array as a lazy image, ImgLib2 axis order
	 */
	public static <T extends NativeType<T> & RealType<T>> RandomAccessibleInterval<T> open(final Path root,
			final String arrayPath) {
		return open(root, arrayPath, defaultCacheBytes());
	}

	/**
	 * Opens an array as a lazy image.
	 *
	 * @param <T> the pixel type that matches the array's data type
	 * @param root the folder of the Zarr container
	 * @param arrayPath the array within it; "" or "/" for the root itself
	 * @param cacheBytes the bound on the bytes of cached chunks
	 * @return the array as a lazy image, ImgLib2 axis order
	 */
	public static <T extends NativeType<T> & RealType<T>> RandomAccessibleInterval<T> open(final Path root,
			final String arrayPath, final long cacheBytes) {
		return open(ZarrArray.open(root, arrayPath), cacheBytes);
	}

	/**
	 * @param <T> the pixel type that matches the array's data type
	 * @param array an open array
	 * @param cacheBytes the bound on the bytes of cached chunks
	 * @return the array as a lazy image, ImgLib2 axis order
	 */
	public static <T extends NativeType<T> & RealType<T>> RandomAccessibleInterval<T> open(final ZarrArray array,
			final long cacheBytes) {
		return ZarrImages.<T> openCached(array, cacheBytes).image();
	}

	/**
	 * @param <T> the pixel type that matches the array's data type
	 * @param array an open array
	 * @param cacheBytes the bound on the bytes of cached chunks
	 * @return the lazy image with a handle on its cache
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static <T extends NativeType<T> & RealType<T>> CachedZarrImage<T> openCached(final ZarrArray array,
			final long cacheBytes) {
		if (cacheBytes <= 0)
			throw new IllegalArgumentException("cacheBytes must be positive, got " + cacheBytes);
		if (array.shape().length == 0)
			throw new ZarrUnsupportedException("The array " + array.path() + " has no axes (" + array.metadataFile()
					+ "): expected at least one to open it as an image");
		final long[] chunks = array.gridShape();
		if (Arrays.stream(chunks).noneMatch(g -> g == 0)) {
			long cells = 1;
			for (final long g : chunks) {
				if (cells > Long.MAX_VALUE / g) // ImgLib2 numbers the cells with a long
					throw new ZarrUnsupportedException("The array " + array.path() + " has a chunk grid of "
							+ Arrays.toString(chunks) + " chunks (" + array.metadataFile() + "), more than the "
							+ "2^63 - 1 cells an ImgLib2 cell image can number: expected a smaller shape or larger "
							+ "chunks");
				cells *= g;
			}
		}
		final CellGrid grid = new CellGrid(ZarrAxes.toImgLib2(array.shape()), ZarrAxes.toImgLib2(array.chunkShape()));
		final ZarrCellLoader loader = new ZarrCellLoader(array, grid);
		// Cells still referenced somewhere (an ImgLib2 cursor asks for its cell twice when entering it) are found
		// here instead of being read again after an eviction; weak values add nothing to the heap.
		final Cache<Long, Cell<ArrayDataAccess<?>>> live = Caffeine.newBuilder().weakValues().build();
		final LoadingCache<Long, Cell<ArrayDataAccess<?>>> cache = Caffeine.newBuilder().maximumWeight(cacheBytes)
				.weigher((final Long index, final Cell<ArrayDataAccess<?>> cell) -> ZarrCellLoader.weight(cell))
				.executor(Runnable::run) // evict on the calling thread: the bound holds without a lag
				.build(index -> live.get(index, loader::load));
		final T type = (T) ZarrCellLoader.type(array.dataType());
		final LazyCellImg<T, ?> image = new LazyCellImg(grid, type, (LazyCellImg.Get) cache::get);
		return new CachedZarrImage<>(array, image, cache, live, loader, cacheBytes);
	}
}
