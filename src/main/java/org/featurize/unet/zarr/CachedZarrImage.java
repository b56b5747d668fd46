package org.featurize.unet.zarr;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.LoadingCache;

import net.imglib2.img.Img;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * A lazy ImgLib2 image of a Zarr array together with its chunk cache, for callers that need to manage the cache
 * (a volatile view, a writer that invalidates). Made by {@link ZarrImages#openCached(ZarrArray, long)}.
 *
 * @param <T> the pixel type
 */
public final class CachedZarrImage<T extends NativeType<T> & RealType<T>> {

	private final ZarrArray array;

	private final Img<T> image;

	private final LoadingCache<Long, ?> cache;

	private final Cache<Long, ?> live;

	private final ZarrCellLoader loader;

	private final long cacheBytes;

	CachedZarrImage(final ZarrArray array, final Img<T> image, final LoadingCache<Long, ?> cache,
			final Cache<Long, ?> live, final ZarrCellLoader loader, final long cacheBytes) {
		this.array = array;
		this.image = image;
		this.cache = cache;
		this.live = live;
		this.loader = loader;
		this.cacheBytes = cacheBytes;
	}

	/** @return the image, ImgLib2 axis order (x first); its cells are the Zarr chunks */
	public Img<T> image() {
		return image;
	}

	/** @return the array behind the image */
	public ZarrArray array() {
		return array;
	}

	/** @return the cell grid: dimensions and cell dimensions in ImgLib2 axis order */
	public CellGrid grid() {
		return new CellGrid(ZarrAxes.toImgLib2(array.shape()), ZarrAxes.toImgLib2(array.chunkShape()));
	}

	/** @return the bound on the cached chunks' size in bytes */
	public long cacheBytes() {
		return cacheBytes;
	}

	/** @return the bytes the cached chunks take now (estimated) */
	public long estimatedBytes() {
		cache.cleanUp();
		return cache.policy().eviction().flatMap(e -> {
			final var weighted = e.weightedSize();
			return weighted.isPresent() ? java.util.Optional.of(weighted.getAsLong()) : java.util.Optional.empty();
		}).orElse(0L);
	}

	/** @return how many chunks are cached now */
	public long cachedChunks() {
		cache.cleanUp();
		return cache.estimatedSize();
	}

	/**
	 * @return how many chunks have been read from storage since the image was opened; an evicted chunk that is
	 *         still referenced (by a cursor, say) is reused, not read again
	 */
	public long chunkReads() {
		return loader.reads();
	}

	/** Drops every cached chunk: the next access reads it again (after the array was written, say). */
	public void invalidateAll() {
		cache.invalidateAll();
		live.invalidateAll();
	}
}
