/**
 * Featurize UNet: turns a microscopy volume stored as Zarr into a per-pixel feature volume with a
 * pre-trained PyTorch UNet, lazily and at any size.
 */
package org.featurize.unet;
