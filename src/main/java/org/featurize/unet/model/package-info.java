/**
 * Loading TorchScript models through DJL's PyTorch engine, their descriptions (channels, size multiple,
 * receptive field), the check that a model fits the data, and a pool of predictors, one per worker thread,
 * over one loaded model. No image I/O here: a model maps a float plane to a float feature plane.
 */
package org.featurize.unet.model;
