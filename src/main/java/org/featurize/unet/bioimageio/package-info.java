/**
 * bioimage.io model packages with TorchScript weights, as models of a run: the model description
 * ({@link org.featurize.unet.bioimageio.ModelRdf}, format 0.4 and 0.5: axes, sizes {@code min + n * step},
 * halo, pre- and postprocessing), the package's own test ({@link org.featurize.unet.bioimageio.Npy} reads its
 * test tensors; the output must match within its tolerance, or the package is refused with the numbers), and
 * {@link org.featurize.unet.bioimageio.BioimageioModel}, which binds the preprocessing to statistics computed
 * once over the whole dataset and runs preprocessing, model and postprocessing on every region.
 */
package org.featurize.unet.bioimageio;
