/**
 * The SciJava command behind Plugins &gt; Featurize &gt; UNet: thin, headless-safe, with snake_case
 * parameters that read well in macros and in {@code --run} argument lists. It only maps its parameters to a
 * {@link org.featurize.unet.job.FeaturizeRequest} and reports progress and failure the SciJava way.
 */
package org.featurize.unet.plugin;
