/**
 * OME-Zarr (OME-NGFF 0.4) on both sides of a run. {@link org.featurize.unet.ome.OmeInput} reads an OME-Zarr image
 * at its full-resolution level with its axes, units, scale and channel labels (the channel read is chosen by
 * {@link org.featurize.unet.input.InputView}); {@link org.featurize.unet.ome.OmeCollection} reads the groups that
 * hold images (bioformats2raw's layout, plates, wells), so that one of one image is that image and one of several
 * names them, or gives one input per image to a run over many;
 * {@link org.featurize.unet.ome.OmeLayout}, {@link org.featurize.unet.ome.OmeOutput} and
 * {@link org.featurize.unet.ome.OmeWriter} save the features as an OME-Zarr image with axes ([t,] c, [z,] y, x):
 * level 0 from the model, further levels as 2 x 2 means of the level above, and the metadata
 * ({@link org.featurize.unet.ome.OmeMetadata}) that Fiji, napari and viv read. Resume, completion and refusals
 * follow the seed layout's rules.
 */
package org.featurize.unet.ome;
