/**
 * Zarr arrays and groups (v2 and v3) on the file system, read and written chunk by chunk as Java primitive
 * arrays ({@link org.featurize.unet.zarr.ZarrArray}), and opened as lazy, cached ImgLib2 images whose cells are
 * the chunks ({@link org.featurize.unet.zarr.ZarrImages}); the compressors come from libraries (blosc-java,
 * zstd-jni, java.util.zip) but numcodecs' LZ4, whose small block format is read and written here
 * ({@link org.featurize.unet.zarr.Lz4Blocks}), and numcodecs' filters of v2 arrays are computed here as NumPy
 * computes them ({@link org.featurize.unet.zarr.Filters}); {@link org.featurize.unet.zarr.ZipStores} reads stores
 * inside zip files, and {@link org.featurize.unet.zarr.ZarrAxes} alone maps Zarr's C axis order
 * (t, z, y, x) to ImgLib2's (x, y, z, t).
 */
package org.featurize.unet.zarr;
