/**
 * The SciJava commands of Fiji's Plugins &gt; Featurize menu: thin, headless-safe, with snake_case parameters that
 * read well in macros and in {@code --run} argument lists. Each only maps its parameters to a request of the
 * rooms below and reports progress and failure the SciJava way.
 * <p>
 * Every command extends {@link org.featurize.unet.plugin.FijiCommand} and so behaves in Fiji as its users expect,
 * by construction: its dialog shows the values the run would use (never a 0 for "unset"), what the macro recorder
 * writes replays to the same run, a macro that gives only some parameters runs with the defaults for the rest
 * without a dialog ({@link org.featurize.unet.plugin.FijiRunPreprocessor}), and no window opens for an output
 * unless the command's own display parameter asks for it ({@link org.featurize.unet.plugin.FijiOutputsPostprocessor}).
 * A new command gets all of this by extending {@code FijiCommand}, implementing
 * {@link org.featurize.unet.plugin.FijiCommand#dialogDefaults()} for inputs whose default depends on other
 * inputs, and being added to the tests' list of covered commands ({@code FijiMacrosTest}).
 * <p>
 * Pixel Classifier and Apply Classifier map their parameters to a {@code classify.ClassifyRequest}; ImageJ's ROIs
 * become labels through {@link org.featurize.unet.plugin.RoiLabels}, and the lazy labels are shown by
 * {@link org.featurize.unet.plugin.LabelDisplay}. Open Zarr shows any Zarr array or OME-Zarr level as it is, through
 * {@link org.featurize.unet.plugin.ZarrView}, the one place that maps an array's axes to ImageJ's (x, y, c, z, t).
 * UNet (Folder) runs {@code job.Batch} over a folder's inputs, as {@code bin/featurize --output-dir} does, and Apply
 * Classifier (Folder) {@code classify.ClassifyBatch}, as {@code bin/featurize classify --output-dir} does; both return
 * what happened to each input as an ImageJ {@code ResultsTable}.
 */
package org.featurize.unet.plugin;
