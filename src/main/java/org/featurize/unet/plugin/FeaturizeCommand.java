package org.featurize.unet.plugin;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import ij.IJ;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Plugins &gt; Featurize &gt; UNet: per-pixel UNet features of a Zarr volume, computed lazily and, when
 * an output is given, saved as Zarr {@code (t, z, y, x, c)}. The returned image has axes
 * {@code (x, y, c, z, t)}. Parameter values do not persist from one run to the next.
 * <p>
 * The dialog asks first for what every run needs (input, output, model, display), then, under a header, for
 * the expert settings, each showing the value the run would use ({@link FijiCommand}). The numbers whose
 * default depends on the input or the model (tile, halo, threads, keep_bits, preview_plane) are text: empty
 * means that default, so that what the macro recorder writes replays to the same run.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>UNet", label = "UNet", headless = true,
		description = "Per-pixel features of a Zarr volume from a pre-trained UNet, lazily computed, saved as Zarr" )
public class FeaturizeCommand extends FijiCommand
{
	@Parameter( label = "Input Zarr", style = "directory", persist = false, callback = "refreshDefaults",
			description = "A Zarr array (or the group that holds it) of 2, 3 or 4 dimensions: (y, x), (z, y, x) or (t, z, y, x)" )
	private File input;

	@Parameter( label = "Output Zarr", style = "save", required = false, persist = false,
			description = "Where to save the features; empty to compute them lazily only" )
	private File output;

	@Parameter( label = "Overwrite an existing output", persist = false )
	private boolean overwrite = false;

	@Parameter( label = "Model (TorchScript or bioimage.io)", style = "open", required = false, persist = false, callback = "refreshDefaults",
			description = "A TorchScript .pt file (one channel in, features out), or a bioimage.io model package (its rdf.yaml, or a .zip) "
					+ "with TorchScript weights; empty for the shipped UNet" )
	private File model;

	@Parameter( label = "Display", choices = { "none", "ImageJ", "BigDataViewer" }, persist = false,
			description = "none: only return (and save) the features; ImageJ: a virtual hyperstack; BigDataViewer: one coloured source per feature, ranges from the data, the first three shown" )
	private String display = "none";

	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String expert = "<html><b>Expert settings</b>: the values shown are those the run uses (empty text: the default)";

	@Parameter( label = "Dataset inside the input", required = false, persist = false, callback = "refreshDefaults",
			description = "Path of the array inside the input; empty for the input itself" )
	private String dataset = "";

	@Parameter( label = "Region (start:stop per axis)", required = false, persist = false, callback = "refreshDefaults",
			description = "A part of the input: one start:stop per axis in (t, z, y, x) order, e.g. 0:2,10:20,0:512,256:768 "
					+ "(an empty part: the whole axis); its features are the whole input's there. Empty for the whole input" )
	private String region = "";

	@Parameter( label = "Channel (index, name or all)", required = false, persist = false,
			description = "Of an input with a channel axis: the channel to featurize, by index or by its OME name (omero label), or all: "
					+ "each channel separately through the model, C x 16 features named <channel>_feature_NN. Empty for the only channel" )
	private String channel = "";

	@Parameter( label = "Channel axis of a plain array", required = false, persist = false, callback = "refreshDefaults",
			description = "Of a plain Zarr array whose _ARRAY_DIMENSIONS do not name its channel axis: which axis holds the channels "
					+ "(0 first, NumPy order: 1 for (t, c, z, y, x)). Empty for the axis named c, or none; OME-Zarr images declare theirs" )
	private String channel_axis = "";

	@Parameter( label = "Resolution level of the input", required = false, persist = false, callback = "refreshDefaults",
			description = "Of an OME-Zarr multiscale input or an N5 pyramid (s0, s1, ...): the level to featurize (0: full resolution; 1, 2, ...: the coarser datasets); "
					+ "an OME output lies where the level lies. Empty for level 0" )
	private String level = "";

	@Parameter( label = "Normalization", choices = { "none", "percentile" }, persist = false,
			description = "none: raw values (as the original); percentile: 1st..99.8th percentile of the dataset to 0..1" )
	private String normalization = "none";

	@Parameter( label = "Tile size (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the square tiles fed to the model; empty to have it chosen for speed within the memory" )
	private String tile = "";

	@Parameter( label = "Halo (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Context read around each tile; empty for the model's measured halo (tiles within 1e-4 of the whole plane)" )
	private String halo = "";

	@Parameter( label = "Margin (pixels)", required = false, persist = false,
			description = "How far beyond each plane's edges the model sees the plane mirrored (as classic filters see the edges), "
					+ "rounded up to a multiple of 16; empty (or 0) for none: the model's own zero padding there, as the original" )
	private String margin = "";

	@Parameter( label = "Output chunk (pixels)", required = false, persist = false, callback = "refreshDefaults",
			description = "Side of the output's square chunks; empty for whole planes up to 64 MiB, 1024 x 1024 chunks beyond" )
	private String chunk = "";

	@Parameter( label = "Threads", required = false, persist = false,
			description = "Worker threads, one model predictor each; empty for one per core, fewer for tiles larger than 512 x 512" )
	private String threads = "";

	@Parameter( label = "Device", choices = { "auto", "cpu", "gpu" }, persist = false,
			description = "auto: a GPU when one is usable, else the CPU (the log says which); gpu: refused when none is usable" )
	private String device = "auto";

	@Parameter( label = "Precision", choices = { "float32", "bf16" }, persist = false, callback = "refreshDefaults",
			description = "float32, or bf16: the model's bfloat16 variant, about twice as fast on CPUs with bf16 units, features within about 1 % of the largest" )
	private String precision = "float32";

	@Parameter( label = "Output type", choices = { "float32", "float16" }, persist = false, callback = "refreshDefaults" )
	private String output_type = "float32";

	@Parameter( label = "Mantissa bits kept", required = false, persist = false,
			description = "Rounds the stored features to this many mantissa bits so that the output compresses; "
					+ "empty for 13 with float32 (within 6.1e-5), 10 with float16, all with rounding none" )
	private String keep_bits = "";

	@Parameter( label = "Rounding", choices = { "block", "value", "none" }, persist = false, callback = "refreshDefaults",
			description = "block: each value within 2^-(bits+1) of the largest of its channel in its chunk (smallest output); "
					+ "value: each within 2^-(bits+1) of itself; none: the values exactly" )
	private String rounding = "block";

	@Parameter( label = "Output layout", choices = { "seed", "ome" }, persist = false,
			description = "seed: one Zarr array (t, z, y, x, c); ome: an OME-Zarr image (NGFF 0.4, axes t, c, z, y, x) that Fiji, napari and viv open" )
	private String layout = "seed";

	@Parameter( label = "Resolution levels (ome)", min = "1", persist = false,
			description = "Levels of an OME-Zarr output: 1 writes level 0 only; each further level halves y and x by averaging" )
	private int levels = 1;

	@Parameter( label = "Preview picture (PNG)", style = "save", required = false, persist = false,
			description = "A PNG of one plane: the input beside the first three principal components of its features as RGB; empty for none" )
	private File preview;

	@Parameter( label = "Preview plane (t * Z + z)", required = false, persist = false,
			description = "The plane of the preview, t * Z + z (the z index for 3D input); empty for the middle z of the first time point" )
	private String preview_plane = "";

	@Parameter( label = "Features", type = ItemIO.OUTPUT )
	private RandomAccessibleInterval< FloatType > features;

	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( required = false )
	private TaskService tasks;

	/** The run as a task in Fiji's task list, which offers a cancel button; null without a task service. */
	private Task task;

	@Override
	public void run()
	{
		try
		{
			final FeaturizeRequest request = FeaturizeRequest.of( input == null ? null : input.toPath() )
					.dataset( dataset ).region( region ).channel( channel ).channelAxis( number( "channel_axis", channel_axis ) ).level( number( "level", level ) )
					.model( model == null || model.getPath().isEmpty() ? null : model.toPath() )
					.output( output == null || output.getPath().isEmpty() ? null : output.toPath() )
					.tile( number( "tile", tile ) ).halo( number( "halo", halo ) ).margin( number( "margin", margin ) ).chunk( number( "chunk", chunk ) ).normalization( normalization )
					.threads( number( "threads", threads ) )
					.overwrite( overwrite ).outputType( output_type ).precision( precision ).keepBits( number( "keep_bits", keep_bits ) )
					.rounding( rounding ).layout( layout ).levels( levels ).device( device )
					.preview( preview == null || preview.getPath().isEmpty() ? null : preview.toPath() )
					.previewPlane( number( "preview_plane", preview_plane ) );
			final Display shown = Display.parse( display );
			shown.checkCanShow();
			IJ.resetEscape();
			task = tasks == null ? null : tasks.createTask( "Featurize " + ( input == null ? "" : input.getName() ) );
			if ( task != null )
				task.start();
			final Featurizer.Result result = new Featurizer( log::info ).run( request, Progress.throttled( this::progress, 1000 ), this::stopRequested );
			features = result.image();
			shown.show( result.features(), title(), request.threads(), log::warn );
		}
		catch ( final FeaturizeException | CancellationException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
		finally
		{
			if ( task != null )
				task.finish();
		}
	}

	/**
	 * Whether the user asked to stop: the command was cancelled, its task was cancelled in Fiji's task list,
	 * or Esc was pressed in ImageJ. Workers stop after their current tile; finished chunks stay.
	 */
	private boolean stopRequested()
	{
		return isCanceled() || task != null && task.isCanceled() || IJ.escapePressed();
	}

	private String title()
	{
		final String name = input.getName().replaceFirst( "\\.(zarr|n5)$", "" );
		return name + ( dataset == null || dataset.isEmpty() ? "" : "/" + dataset ) + " features";
	}

	/**
	 * What the run would use for the numbers that default to something derived from the input and the model, as far
	 * as the input's metadata and the model's description file tell ({@link DialogDefaults}): the tile, halo and
	 * output chunk that {@code Featurizer.geometry} chooses (tile and chunk only where they are square, the only
	 * shape one number says), its worker threads, the mantissa bits and the preview's plane.
	 */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		final long[][] chunkAndShape = DialogDefaults.chunkAndShape( input, dataset, region, given( "level", level ),
				given( "channel_axis", channel_axis ) );
		final Geometry geometry = DialogDefaults.geometry( input, chunkAndShape, model, precision, output_type,
				given( "tile", tile ), given( "chunk", chunk ), given( "halo", halo ), given( "margin", margin ), given( "threads", threads ) );
		final Map< String, Object > defaults = new LinkedHashMap<>();
		defaults.put( "tile", text( geometry == null || geometry.tileWidth() != geometry.tileHeight() ? null : geometry.tileWidth() ) );
		defaults.put( "halo", text( geometry == null ? null : geometry.halo() ) );
		defaults.put( "chunk", text( geometry == null || geometry.chunkWidth() != geometry.chunkHeight() ? null : geometry.chunkWidth() ) );
		defaults.put( "threads", text( geometry == null ? DialogDefaults.threads( null, chunkAndShape ) : geometry.workers() ) );
		defaults.put( "keep_bits", text( DialogDefaults.keepBits( output_type, rounding ) ) );
		defaults.put( "preview_plane", text( DialogDefaults.previewPlane( chunkAndShape ) ) );
		return defaults;
	}


	private void progress( final long done, final long total, final double rate, final double eta )
	{
		ProgressText.report( log, status, task, done, total, rate, eta );
	}

	/** The features of the last run, axes (x, y, c[, z[, t]]). */
	public RandomAccessibleInterval< FloatType > features()
	{
		return features;
	}
}
