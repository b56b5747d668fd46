/**
 * The headless core every front end calls (the SciJava command, the launcher, the Spark driver): a
 * {@link org.featurize.unet.job.FeaturizeRequest} holds a run's parameters and validates them;
 * {@link org.featurize.unet.job.Featurizer} checks the input, the output and the model before any compute,
 * builds the lazy feature image and, when an output is given, writes it.
 */
package org.featurize.unet.job;
