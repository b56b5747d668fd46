package org.featurize.unet.plugin;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.job.Batch;
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

import ij.measure.ResultsTable;

/**
 * Plugins &gt; Featurize &gt; UNet (Folder): every {@code .zarr} input of a folder (and those of a list file), each
 * featurized into its own output in an output folder, as {@code bin/featurize --output-dir} does ({@link Batch}): a
 * complete output is skipped, an unfinished one resumed, a failed input reported and passed over. The inputs are
 * checked whole before anything is written. What happened to each is the output {@code results}, an ImageJ
 * {@link ResultsTable} (input, output, status, seconds, reason), shown with a screen, and the log's table. Parameter
 * values do not persist from one run to the next.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>UNet (Folder)", label = "UNet (Folder)", headless = true,
		description = "Per-pixel UNet features of every Zarr input of a folder, each saved as Zarr in an output folder" )
public class FeaturizeFolderCommand extends FijiCommand
{
	/** The results table's title, as the window shows it. */
	public static final String TITLE = "UNet (Folder) results";

	@Parameter( label = "Input folder (of .zarr inputs)", style = "directory", required = false, persist = false,
			description = "A folder whose .zarr, .n5, .zarr.zip and .ozx entries are the inputs, by name; empty to take them from the list file only" )
	private File input_folder;

	@Parameter( label = "List of inputs (text file)", style = "open", required = false, persist = false,
			description = "A text file of input paths, one per line (# comments); added to the folder's inputs; empty for none" )
	private File input_list;

	@Parameter( label = "Output folder", style = "directory", persist = false,
			description = "Where each input's output goes, named by the pattern; created when missing" )
	private File output_folder;

	@Parameter( label = "Output name ({name}: the input's name without .zarr)", persist = false,
			description = "The output's name in the output folder; {name} stands for the input's folder name without .zarr" )
	private String name = Batch.DEFAULT_NAME;

	@Parameter( label = "Overwrite complete outputs", persist = false,
			description = "Compute again an output that is complete; else it is skipped (an unfinished one is always resumed)" )
	private boolean overwrite = false;

	@Parameter( label = "Model (TorchScript or bioimage.io)", style = "open", required = false, persist = false,
			description = "A TorchScript .pt file, or a bioimage.io model package with TorchScript weights; empty for the shipped UNet" )
	private File model;

	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String expert = "<html><b>Expert settings</b>: the same for every input (empty text: each input's default)";

	@Parameter( label = "Dataset inside each input", required = false, persist = false,
			description = "Path of the array inside each input; empty for the input itself" )
	private String dataset = "";

	@Parameter( label = "Channel (index, name or all)", required = false, persist = false,
			description = "Of inputs with a channel axis: the channel to featurize, by index or by its OME name, or all: each channel "
					+ "separately through the model. Empty for the only channel (an input with several is then reported as failed)" )
	private String channel = "";

	@Parameter( label = "Channel axis of plain arrays", required = false, persist = false,
			description = "Of plain Zarr arrays whose _ARRAY_DIMENSIONS do not name it: which axis holds the channels (0 first, NumPy "
					+ "order: 1 for (t, c, z, y, x)). Empty for the axis named c, or none" )
	private String channel_axis = "";

	@Parameter( label = "Resolution level", required = false, persist = false,
			description = "Of OME-Zarr multiscale inputs or N5 pyramids (s0, s1, ...): the level to featurize (0: full resolution). Empty for level 0" )
	private String level = "";

	@Parameter( label = "Normalization", choices = { "none", "percentile" }, persist = false,
			description = "none: raw values; percentile: each input's 1st..99.8th percentile to 0..1" )
	private String normalization = "none";

	@Parameter( label = "Tile size (pixels)", required = false, persist = false,
			description = "Side of the square tiles fed to the model; empty to have it chosen for each input" )
	private String tile = "";

	@Parameter( label = "Halo (pixels)", required = false, persist = false,
			description = "Context read around each tile; empty for the model's measured halo" )
	private String halo = "";

	@Parameter( label = "Margin (pixels)", required = false, persist = false,
			description = "How far beyond each plane's edges the model sees the plane mirrored (as classic filters see the edges), "
					+ "rounded up to a multiple of 16; empty (or 0) for none: the model's own zero padding there, as the original" )
	private String margin = "";

	@Parameter( label = "Output chunk (pixels)", required = false, persist = false,
			description = "Side of the outputs' square chunks; empty for whole planes up to 64 MiB, 1024 x 1024 chunks beyond" )
	private String chunk = "";

	@Parameter( label = "Threads", required = false, persist = false,
			description = "Worker threads, one model predictor each; empty for each input's default (one per core, fewer for large tiles)" )
	private String threads = "";

	@Parameter( label = "Device", choices = { "auto", "cpu", "gpu" }, persist = false,
			description = "auto: a GPU when one is usable, else the CPU; gpu: refused when none is usable" )
	private String device = "auto";

	@Parameter( label = "Precision", choices = { "float32", "bf16" }, persist = false,
			description = "float32, or bf16: the model's bfloat16 variant" )
	private String precision = "float32";

	@Parameter( label = "Output type", choices = { "float32", "float16" }, persist = false, callback = "refreshDefaults" )
	private String output_type = "float32";

	@Parameter( label = "Mantissa bits kept", required = false, persist = false,
			description = "Rounds the stored features to this many mantissa bits; empty for 13 with float32, 10 with float16, all with rounding none" )
	private String keep_bits = "";

	@Parameter( label = "Rounding", choices = { "block", "value", "none" }, persist = false, callback = "refreshDefaults" )
	private String rounding = "block";

	@Parameter( label = "Output layout", choices = { "seed", "ome" }, persist = false,
			description = "seed: one Zarr array (t, z, y, x, c) per input; ome: an OME-Zarr image (NGFF 0.4) per input" )
	private String layout = "seed";

	@Parameter( label = "Resolution levels (ome)", min = "1", persist = false )
	private int levels = 1;

	@Parameter( label = "Results", type = ItemIO.OUTPUT )
	private ResultsTable results;

	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( required = false )
	private TaskService tasks;

	@Override
	public void run()
	{
		try
		{
			final List< Batch.Item > items = Batch.plan( FolderRun.inputs( input_folder, input_list ), FolderRun.outputFolder( output_folder, input_folder ),
					name, dataset );
			request( items.get( 0 ) ).validate(); // the parameters all inputs share, before anything is written
			results = new FolderRun( log, status, tasks, this::isCanceled ).run( "Featurize " + items.size() + " inputs", output_folder.toPath(),
					items.size(), ( progress, stop ) -> new Batch( log::info ).run( items, this::request,
							request -> new Featurizer( log::info ).run( request, progress.get(), stop ) ), TITLE, this::cancel );
		}
		catch ( final FeaturizeException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
	}

	private FeaturizeRequest request( final Batch.Item item )
	{
		return FeaturizeRequest.of( item.input() ).output( item.output() ).dataset( dataset ).channel( channel )
				.channelAxis( number( "channel_axis", channel_axis ) ).level( number( "level", level ) ).model( FolderRun.given( model ) ? model.toPath() : null )
				.tile( number( "tile", tile ) ).halo( number( "halo", halo ) ).margin( number( "margin", margin ) ).chunk( number( "chunk", chunk ) ).normalization( normalization )
				.threads( number( "threads", threads ) ).overwrite( overwrite ).outputType( output_type ).precision( precision )
				.keepBits( number( "keep_bits", keep_bits ) ).rounding( rounding ).layout( layout ).levels( levels ).device( device );
	}

	/** Only the mantissa bits default to something derived from other inputs (the output type and the rounding). */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		final Map< String, Object > defaults = new LinkedHashMap<>();
		defaults.put( "keep_bits", text( DialogDefaults.keepBits( output_type, rounding ) ) );
		return defaults;
	}

	/** What happened to each input in the last run. */
	public ResultsTable results()
	{
		return results;
	}
}
