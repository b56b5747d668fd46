package org.featurize.unet.plugin;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.Coherence;
import org.featurize.unet.classify.Minimum;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.TaskService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

import net.imglib2.RandomAccessibleInterval;

/**
 * Plugins &gt; Featurize &gt; Pixel Classifier: trains a random forest on the UNet features of a Zarr volume from
 * sparse labels, either a label array ({@code labels=}, 0 unlabelled, 1, 2, ... the classes) or the ROIs in ImageJ's
 * ROI Manager drawn over the input, and shows or writes each pixel's class, computed lazily.
 * <p>
 * ROIs name their class ({@link RoiLabels}): a ROI in a group labels the group's number; a name that starts with a
 * number ("1", "2 cells", "class 3") labels that class; ROIs of the same other name ("background") form one class,
 * numbered in order of first appearance with the numbers left free. Lines, polylines and freehand lines label the
 * pixels they cover at their width, areas their mask, points their points; a ROI's z and t (or its slice) say its
 * plane.
 * <p>
 * Running it again over the same input, model and feature settings in the same Fiji reuses the features computed
 * before ({@link FeatureSession}): more ROIs drawn cost only the planes not seen yet, and the label window is
 * replaced. The labels are returned as a lazy image (x, y[, z[, t]]) of class values.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>Pixel Classifier", label = "Pixel Classifier", headless = true,
		description = "Trains a random forest on the UNet features from a label Zarr or the ROI Manager's ROIs (named after their class: "
				+ "a ROI's group, or a name starting with its number, \"1\", \"2 cells\", or words, \"background\", each word a class) and "
				+ "shows or saves each pixel's class" )
public class PixelClassifierCommand extends FijiCommand
{
	/** Where the ROIs to train on come from, and the image they were drawn on. */
	interface RoiSource
	{
		Roi[] rois();

		/** The image the ROIs were drawn on, or null when not known. */
		ImagePlus image();
	}

	/** ImageJ's ROI Manager (its window, or a batch macro's) and the current image. */
	static final RoiSource IMAGEJ = new RoiSource()
	{
		@Override
		public Roi[] rois()
		{
			final RoiManager manager = RoiManager.getInstance();
			return manager == null ? new Roi[ 0 ] : manager.getRoisAsArray();
		}

		@Override
		public ImagePlus image()
		{
			return WindowManager.getCurrentImage();
		}
	};

	/** The source the command reads ROIs from: {@link #IMAGEJ}; the tests give their own. */
	static RoiSource roiSource = IMAGEJ;

	@Parameter( label = "Input Zarr", style = "directory", persist = false, callback = "refreshDefaults",
			description = "A Zarr array (or the group that holds it) of 2, 3 or 4 dimensions: (y, x), (z, y, x) or (t, z, y, x)" )
	private File input;

	@Parameter( label = "Labels Zarr (empty: the ROI Manager's ROIs)", style = "directory", required = false, persist = false,
			description = "A label array of the input's shape (0 unlabelled, 1, 2, ... the classes), or an OME-Zarr label image "
					+ "(image.zarr/labels/NAME); empty to train on the ROIs in the ROI Manager, drawn over the input and named after their class" )
	private File labels;

	@Parameter( label = "Model (TorchScript or bioimage.io)", style = "open", required = false, persist = false, callback = "refreshDefaults",
			description = "The features' model; empty for the shipped UNet" )
	private File model;

	@Parameter( label = "Features Zarr (empty: computed)", style = "directory", required = false, persist = false,
			description = "A features Zarr written before by UNet or bin/featurize (either layout, float32 or float16), of the input's shape: "
					+ "trained on instead of computing the features; empty to compute them" )
	private File features;

	@Parameter( label = "Save the classifier to", style = "save", required = false, persist = false,
			description = "A file (JSON) for Apply Classifier and bin/featurize classify --classifier; empty not to save it" )
	private File save_classifier;

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

	@Parameter( label = "Dataset inside the labels", required = false, persist = false,
			description = "Path of the array (or OME-Zarr label image, or labels group) inside the labels; empty for the labels themselves" )
	private String labels_dataset = "";

	@Parameter( label = "Normalization", choices = { "none", "percentile" }, persist = false,
			description = "none: raw values; percentile: 1st..99.8th percentile of the dataset to 0..1 (recorded in the classifier)" )
	private String normalization = "none";

	@Parameter( label = "Tile size (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the square tiles fed to the model; empty to have it chosen for speed within the memory" )
	private String tile = "";

	@Parameter( label = "Halo (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Context read around each tile; empty for the model's measured halo" )
	private String halo = "";

	@Parameter( label = "Margin (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "How far beyond each plane's edges the model sees the plane mirrored (as classic filters see the edges), rounded "
					+ "up to a multiple of 16, 0 for none; empty for " + ClassifyRequest.DEFAULT_MARGIN + ", or with a features Zarr for its own" )
	private String margin = "";

	@Parameter( label = "Output chunk (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the square chunks of the features and labels; empty for whole planes up to 64 MiB of features" )
	private String chunk = "";

	@Parameter( label = "Threads", required = false, persist = false,
			description = "Worker threads; empty for one per core, fewer for large tiles" )
	private String threads = "";

	@Parameter( label = "Device", choices = { "auto", "cpu", "gpu" }, persist = false )
	private String device = "auto";

	@Parameter( label = "Precision", choices = { "float32", "bf16" }, persist = false, callback = "refreshDefaults" )
	private String precision = "float32";

	@Parameter( label = "Trees", min = "1", max = "1000", persist = false, description = "Trees in the random forest" )
	private int trees = org.featurize.unet.classify.ForestTrainer.DEFAULT_TREES;

	@Parameter( label = "Tree depth", min = "1", max = "16", persist = false, description = "Depth of each tree" )
	private int depth = org.featurize.unet.classify.ForestTrainer.DEFAULT_DEPTH;

	@Parameter( label = "Coherence scales", required = false, persist = false,
			description = "Scales in pixels (e.g. 1.6 or 1,1.6,3.5) of the coherence of the features' denoised plane that the forest reads "
					+ "beside them, or none; the default: 1.6 with the shipped model, none with another" )
	private String coherence = "";

	@Parameter( label = "Minimum radii", required = false, persist = false,
			description = "Radii in pixels (e.g. 2 or 1,3) of the minimum of the features' denoised plane over a disk, which the forest reads "
					+ "beside them, or none; the default: 2 with the shipped model, none with another" )
	private String minimum = "";

	@Parameter( label = "Labelled pixels used at most", min = "2", persist = false,
			description = "Training samples at most: an equal share per class, the small classes whole" )
	private int max_samples = ClassifyRequest.DEFAULT_MAX_SAMPLES;

	@Parameter( label = "Seed", persist = false, description = "Seed of the forest's randomness: the same seed, the same forest" )
	private int seed = 1;

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

	/** What the last run made, for scripts and tests. */
	private ClassifyJob.Result result;

	@Override
	public void run()
	{
		try
		{
			final FeaturizeRequest features = FeaturizeRequest.of( input == null ? null : input.toPath() ).dataset( dataset ).channel( channel )
					.channelAxis( number( "channel_axis", channel_axis ) ).region( region ).level( number( "level", level ) )
					.model( ClassifyRun.path( model ) ).tile( number( "tile", tile ) ).halo( number( "halo", halo ) ).margin( number( "margin", margin ) ).chunk( number( "chunk", chunk ) )
					.normalization( normalization ).threads( number( "threads", threads ) ).device( device ).precision( precision );
			final ClassifyRequest request = ClassifyRequest.of( features ).saveClassifier( ClassifyRun.path( save_classifier ) )
					.output( ClassifyRun.path( output ) ).probabilities( ClassifyRun.path( probabilities ) )
					.outputType( "auto".equals( output_type ) ? null : output_type ).trees( trees ).depth( depth ).coherence( coherence ).minimum( minimum ).seed( ( long ) seed )
					.maxSamples( max_samples ).overwrite( overwrite ).lazyResult( true ).keepFeatures( ClassifyRun.path( this.features ) == null )
					.storedFeatures( ClassifyRun.path( this.features ) );
			final boolean show = ClassifyRun.showInImageJ( display );
			features.validate();
			if ( ClassifyRun.path( labels ) != null )
				request.labels( labels.toPath(), labels_dataset );
			else
			{
				final RoiLabels rois = roiLabels( features );
				log.info( "Labels from the ROI Manager: " + rois.describe() );
				request.labels( rois.labels(), "ImageJ ROIs: " + rois.describe() ).classNames( rois.names() );
			}
			final List< Object > key = FeatureSession.key( input, dataset, ClassifyRun.path( model ) == null ? null : model, channel, channel_axis, normalization,
					tile, halo, margin, chunk, threads, device, precision );
			if ( ClassifyRun.path( this.features ) == null )
				request.reuseFeatures( FeatureSession.features( key ) );
			result = new ClassifyRun( log, status, tasks, this::isCanceled ).run( request, "Pixel Classifier " + input.getName() );
			if ( result.computedFeatures() != null ) // not features read from a Zarr
				FeatureSession.keep( key, result.computedFeatures() );
			classes = result.classification.labels();
			if ( show )
				FeatureSession.window( ClassifyRun.show( result, ClassifyRun.title( input, dataset ), FeatureSession.window() ) );
		}
		catch ( final FeaturizeException | CancellationException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
	}

	/** The ROI Manager's ROIs as labels over the input's planes. */
	private static RoiLabels roiLabels( final FeaturizeRequest features )
	{
		final long[] shape = Featurizer.openInput( features ).shape();
		final int n = shape.length;
		final long width = shape[ n - 1 ], height = shape[ n - 2 ];
		final long depth = n > 2 ? shape[ n - 3 ] : 1, frames = n > 3 ? shape[ n - 4 ] : 1;
		final ImagePlus image = roiSource.image();
		final boolean sameSize = image != null && image.getWidth() == width && image.getHeight() == height;
		return RoiLabels.of( roiSource.rois(), width, height, depth, frames, sameSize ? image : null );
	}

	/**
	 * The tile, halo, output chunk and threads the run would use, as {@link FeaturizeCommand} shows them, and the
	 * display: ImageJ where there is a screen.
	 */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		final long[][] chunkAndShape = DialogDefaults.chunkAndShape( input, dataset, region, given( "level", level ),
				given( "channel_axis", channel_axis ) );
		final Integer givenMargin = given( "margin", margin );
		final Geometry geometry = DialogDefaults.geometry( input, chunkAndShape, model, precision, "float32", given( "tile", tile ),
				given( "chunk", chunk ), given( "halo", halo ), givenMargin != null ? givenMargin : ClassifyRequest.DEFAULT_MARGIN, given( "threads", threads ) );
		final Map< String, Object > defaults = new LinkedHashMap<>();
		defaults.put( "display", ClassifyRun.defaultDisplay() );
		defaults.put( "tile", text( geometry == null || geometry.tileWidth() != geometry.tileHeight() ? null : geometry.tileWidth() ) );
		defaults.put( "halo", text( geometry == null ? null : geometry.halo() ) );
		defaults.put( "chunk", text( geometry == null || geometry.chunkWidth() != geometry.chunkHeight() ? null : geometry.chunkWidth() ) );
		defaults.put( "threads", text( geometry == null ? DialogDefaults.threads( null, chunkAndShape ) : geometry.workers() ) );
		defaults.put( "margin", ClassifyRun.path( features ) != null ? "" : text( ClassifyRequest.DEFAULT_MARGIN ) );
		defaults.put( "coherence", ClassifyRun.path( features ) != null ? "" : ClassifyJob.isShippedModel( ClassifyRun.path( model ) )
				? Coherence.defaultScales() : "none" );
		defaults.put( "minimum", ClassifyRun.path( features ) != null ? "" : ClassifyJob.isShippedModel( ClassifyRun.path( model ) )
				? Minimum.defaultRadii() : "none" );
		return defaults;
	}

	/** What the last run made: the classifier, the lazy classification, what was written. */
	public ClassifyJob.Result result()
	{
		return result;
	}
}
