/**
 * The headless launcher behind {@code bin/featurize}: the Fiji launcher's form
 * ({@code --headless --run UNet "key='value',..."}, through SciJava's own console arguments), a plain form
 * ({@code featurize in.zarr out.zarr --threads 2}), and {@code demo}, which featurizes a generated sample
 * volume with the shipped model.
 */
package org.featurize.unet.cli;
