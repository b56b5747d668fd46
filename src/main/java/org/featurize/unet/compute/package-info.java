/**
 * The lazily computed feature image: the plane of each output cell is cut into chunk-aligned tiles, each tile
 * is read from the input with a halo and snapped to the model's size multiple, normalized, run through the
 * model and cropped back. Cells are computed when first touched and kept in a cache bounded in bytes.
 * {@link org.featurize.unet.compute.CellFeatures} is what a consumer of features by cells (the classifier) reads,
 * whether computed here or read from a Zarr written before. This
 * package depends on ImgLib2 and on {@link org.featurize.unet.model.FeatureModel}, not on Zarr or DJL.
 */
package org.featurize.unet.compute;
