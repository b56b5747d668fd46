/**
 * A picture of the features of one plane: the input beside an RGB image of the first three principal
 * components of the features over that plane ({@link org.featurize.unet.preview.Preview}, with
 * {@link org.featurize.unet.preview.Pca}), so that one sees at a glance what the model responds to.
 */
package org.featurize.unet.preview;
