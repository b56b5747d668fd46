/**
 * The part of an input a run featurizes. {@link org.featurize.unet.input.Selection} holds it as the parameters give
 * it: a {@link org.featurize.unet.input.Region} and a channel (one, by index or name, or each).
 * {@link org.featurize.unet.input.InputView} opens the input (a plain Zarr array or an OME-Zarr image), checks the
 * selection against it before anything is written, and reads it as a view whose planes take their context from
 * outside the region, so that a region's features are a crop of the whole input's, and several channels one after the
 * other for a model per channel ({@link org.featurize.unet.model.ChannelsModel}); it also gives the output's axes (the
 * region's translation), the channels' names and what the run record says about the choice.
 */
package org.featurize.unet.input;
