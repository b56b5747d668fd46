package org.featurize.unet.plugin;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.job.FeaturizeRequest;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.TaskService;

import net.imglib2.RandomAccessibleInterval;

/**
 * Plugins &gt; Featurize &gt; Apply Classifier: applies a saved pixel classifier (from Pixel Classifier or
 * {@code bin/featurize classify --save-classifier}) to a Zarr volume, computing its features as the classifier's were
 * (the normalization and halo it records), and shows or writes each pixel's class. A classifier trained on another
 * model's features is refused: the classifier file records the model's SHA-256.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>Apply Classifier", label = "Apply Classifier", headless = true,
		description = "Applies a saved pixel classifier to a Zarr volume's UNet features and shows or saves each pixel's class" )
public class ApplyClassifierCommand extends FijiCommand
{
	@Parameter( label = "Input Zarr", style = "directory", persist = false, callback = "refreshDefaults",
			description = "A Zarr array (or the group that holds it) of 2, 3 or 4 dimensions: (y, x), (z, y, x) or (t, z, y, x)" )
	private File input;

	@Parameter( label = "Classifier file", style = "open", persist = false, callback = "refreshDefaults",
			description = "A classifier saved by Pixel Classifier (save_classifier) or bin/featurize classify --save-classifier" )
	private File classifier;

	@Parameter( label = "Model (TorchScript or bioimage.io)", style = "open", required = false, persist = false, callback = "refreshDefaults",
			description = "The model the classifier's features came from (checked against the SHA-256 it records); empty for the shipped UNet" )
	private File model;

	@Parameter( label = "Features Zarr (empty: computed)", style = "directory", required = false, persist = false,
			description = "A features Zarr written before by UNet or bin/featurize (either layout, float32 or float16), of the input's shape and the "
					+ "classifier's model and normalization: classified instead of computing the features; empty to compute them" )
	private File features;

	@Parameter( label = "Output labels Zarr", style = "save", required = false, persist = false,
			description = "Where to write each pixel's class (Zarr of the input's shape); empty to compute them lazily only" )
	private File output;

	@Parameter( label = "Output probabilities Zarr", style = "save", required = false, persist = false,
			description = "Where to write the class probabilities, float32 (..., y, x, class); empty for none" )
	private File probabilities;

	@Parameter( label = "Overwrite existing outputs", persist = false )
	private boolean overwrite = false;

	@Parameter( label = "Display", choices = { "none", "ImageJ" }, persist = false,
			description = "none: only return (and save) the labels; ImageJ: a virtual stack of the classes in their colours" )
	private String display = "none";

	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String expert = "<html><b>Expert settings</b>: the values shown are those the run uses (empty text: the default)";

	@Parameter( label = "Dataset inside the input", required = false, persist = false, callback = "refreshDefaults",
			description = "Path of the array inside the input; empty for the input itself" )
	private String dataset = "";

	@Parameter( label = "Region (start:stop per axis)", required = false, persist = false, callback = "refreshDefaults",
			description = "A part of the input to classify: one start:stop per axis in (t, z, y, x) order, e.g. 0:2,10:20,0:512,256:768 "
					+ "(an empty part: the whole axis); labels and outputs have its shape, and its classes are the whole input's there. "
					+ "Empty for the whole input" )
	private String region = "";

	@Parameter( label = "Channel (index or name)", required = false, persist = false, callback = "refreshDefaults",
			description = "Of an input with a channel axis: the channel whose features are classified, by index or by its OME name "
					+ "(omero label), or all: every channel's features side by side. Empty for the only channel" )
	private String channel = "";

	@Parameter( label = "Channel axis of a plain array", required = false, persist = false, callback = "refreshDefaults",
			description = "Of a plain Zarr array whose _ARRAY_DIMENSIONS do not name its channel axis: which axis holds the channels "
					+ "(0 first, NumPy order: 1 for (t, c, z, y, x)). Empty for the axis named c, or none" )
	private String channel_axis = "";

	@Parameter( label = "Resolution level of the input", required = false, persist = false, callback = "refreshDefaults",
			description = "Of an OME-Zarr multiscale input or an N5 pyramid (s0, s1, ...): the level to classify (0: full resolution; 1, 2, ...: the coarser datasets); "
					+ "labels and outputs have its shape, and OME labels lie where it lies. Empty for level 0" )
	private String level = "";

	@Parameter( label = "Tile size (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the square tiles fed to the model; empty to have it chosen for speed within the memory" )
	private String tile = "";

	@Parameter( label = "Halo (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Context read around each tile; empty for the halo the classifier's features had" )
	private String halo = "";

	@Parameter( label = "Output chunk (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the square chunks of the labels; empty for whole planes up to 64 MiB of features" )
	private String chunk = "";

	@Parameter( label = "Threads", required = false, persist = false,
			description = "Worker threads; empty for one per core, fewer for large tiles" )
	private String threads = "";

	@Parameter( label = "Device", choices = { "auto", "cpu", "gpu" }, persist = false )
	private String device = "auto";

	@Parameter( label = "Precision", choices = { "float32", "bf16" }, persist = false, callback = "refreshDefaults" )
	private String precision = "float32";

	@Parameter( label = "Output type", choices = { "auto", "uint8", "uint16", "uint32" }, persist = false,
			description = "The labels' type; auto: the smallest that holds the class values" )
	private String output_type = "auto";

	@Parameter( label = "Labels", type = ItemIO.OUTPUT )
	private RandomAccessibleInterval< ? > classes;

	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( required = false )
	private TaskService tasks;

	private ClassifyJob.Result result;

	@Override
	public void run()
	{
		try
		{
			final FeaturizeRequest features = FeaturizeRequest.of( input == null ? null : input.toPath() ).dataset( dataset ).channel( channel )
					.channelAxis( number( "channel_axis", channel_axis ) ).region( region ).level( number( "level", level ) )
					.model( ClassifyRun.path( model ) ).tile( number( "tile", tile ) ).halo( number( "halo", halo ) ).chunk( number( "chunk", chunk ) )
					.threads( number( "threads", threads ) ).device( device ).precision( precision );
			final boolean show = ClassifyRun.showInImageJ( display );
			features.validate();
			if ( ClassifyRun.path( classifier ) == null )
				throw new FeaturizeException( "No classifier given: classifier must be a file saved by Pixel Classifier or bin/featurize classify" );
			final ClassifyRequest request = ClassifyRequest.of( features ).classifier( classifier.toPath() ).output( ClassifyRun.path( output ) )
					.probabilities( ClassifyRun.path( probabilities ) ).outputType( "auto".equals( output_type ) ? null : output_type )
					.overwrite( overwrite ).lazyResult( true ).storedFeatures( ClassifyRun.path( this.features ) );
			result = new ClassifyRun( log, status, tasks, this::isCanceled ).run( request, "Apply Classifier " + input.getName() );
			classes = result.classification.labels();
			if ( show )
				ClassifyRun.show( result, ClassifyRun.title( input, dataset ), null );
		}
		catch ( final FeaturizeException | CancellationException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
	}

	/**
	 * The tile, output chunk and threads the run would use (with the margin the classifier records) and the halo the
	 * classifier records (its features' halo),
	 * as {@link FeaturizeCommand} shows them, and the display: ImageJ where there is a screen.
	 */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		final Map< String, Object > recorded = recordedFeatures( classifier );
		final Integer recordedHalo = asInteger( recorded.get( "halo" ) ), recordedMargin = asInteger( recorded.get( "margin" ) );
		final Integer givenHalo = given( "halo", halo );
		final long[][] chunkAndShape = DialogDefaults.chunkAndShape( input, dataset, region, given( "level", level ),
				given( "channel_axis", channel_axis ) );
		final Geometry geometry = DialogDefaults.geometry( input, chunkAndShape, model, precision, "float32", given( "tile", tile ),
				given( "chunk", chunk ), givenHalo != null ? givenHalo : recordedHalo, recordedMargin, given( "threads", threads ) );
		final Map< String, Object > defaults = new LinkedHashMap<>();
		defaults.put( "display", ClassifyRun.defaultDisplay() );
		defaults.put( "tile", text( geometry == null || geometry.tileWidth() != geometry.tileHeight() ? null : geometry.tileWidth() ) );
		defaults.put( "halo", text( recordedHalo ) );
		defaults.put( "chunk", text( geometry == null || geometry.chunkWidth() != geometry.chunkHeight() ? null : geometry.chunkWidth() ) );
		defaults.put( "threads", text( geometry == null ? DialogDefaults.threads( null, chunkAndShape ) : geometry.workers() ) );
		return defaults;
	}

	/** What a classifier file records of its features, or nothing when it cannot be read (yet). */
	private static Map< String, Object > recordedFeatures( final File file )
	{
		if ( file == null || !file.isFile() )
			return Map.of();
		try
		{
			return PixelClassifier.read( file.toPath() ).features();
		}
		catch ( final RuntimeException e ) // a file half chosen, not a classifier: no hint; the run says why
		{
			return Map.of();
		}
	}

	private static Integer asInteger( final Object value )
	{
		return value instanceof Number ? ( ( Number ) value ).intValue() : null;
	}

	/** What the last run made: the classifier, the lazy classification, what was written. */
	public ClassifyJob.Result result()
	{
		return result;
	}
}
