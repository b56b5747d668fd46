package org.featurize.unet.plugin;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyBatch;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
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
 * Plugins &gt; Featurize &gt; Apply Classifier (Folder): a saved pixel classifier applied to every input of a folder
 * (and those of a list file), each into its own labels Zarr in an output folder, as
 * {@code bin/featurize classify --classifier F --output-dir DIR} does ({@link ClassifyBatch}): a complete output is
 * skipped, an unfinished one resumed, a failed input reported and passed over; the classifier and the inputs are
 * checked before anything is written. What happened to each is the output {@code results}, an ImageJ
 * {@link ResultsTable} (input, output, status, seconds, reason), shown with a screen, and the log's table.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>Apply Classifier (Folder)", label = "Apply Classifier (Folder)", headless = true,
		description = "Applies a saved pixel classifier to every Zarr input of a folder, each input's classes saved as Zarr in an output folder" )
public class ApplyClassifierFolderCommand extends FijiCommand
{
	/** The results table's title, as the window shows it. */
	public static final String TITLE = "Apply Classifier (Folder) results";

	@Parameter( label = "Classifier file", style = "open", persist = false,
			description = "A classifier saved by Pixel Classifier (save_classifier) or bin/featurize classify --save-classifier" )
	private File classifier;

	@Parameter( label = "Input folder", style = "directory", required = false, persist = false,
			description = "A folder whose .zarr, .n5, .zarr.zip and .ozx entries are the inputs, by name; empty to take them from the list file only" )
	private File input_folder;

	@Parameter( label = "List of inputs (text file)", style = "open", required = false, persist = false,
			description = "A text file of input paths, one per line (# comments); added to the folder's inputs; empty for none" )
	private File input_list;

	@Parameter( label = "Output folder", style = "directory", persist = false,
			description = "Where each input's labels go, named by the pattern; created when missing" )
	private File output_folder;

	@Parameter( label = "Output name ({name}: the input's name without .zarr)", persist = false,
			description = "The labels' name in the output folder; {name} stands for the input's folder name without .zarr" )
	private String name = ClassifyBatch.DEFAULT_NAME;

	@Parameter( label = "Overwrite complete outputs", persist = false,
			description = "Classify again an output that is complete; else it is skipped (an unfinished one is always resumed)" )
	private boolean overwrite = false;

	@Parameter( label = "Model (TorchScript or bioimage.io)", style = "open", required = false, persist = false,
			description = "The model the classifier's features came from (checked against the SHA-256 it records); empty for the shipped UNet" )
	private File model;

	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String expert = "<html><b>Expert settings</b>: the same for every input (empty text: each input's default)";

	@Parameter( label = "Dataset inside each input", required = false, persist = false,
			description = "Path of the array inside each input; empty for the input itself" )
	private String dataset = "";

	@Parameter( label = "Channel (index or name)", required = false, persist = false,
			description = "Of inputs with a channel axis: the channel whose features are classified, by index or by its OME name, or all. "
					+ "Empty for the only channel (an input with several is then reported as failed)" )
	private String channel = "";

	@Parameter( label = "Channel axis of plain arrays", required = false, persist = false,
			description = "Of plain Zarr arrays whose _ARRAY_DIMENSIONS do not name it: which axis holds the channels (0 first, NumPy "
					+ "order: 1 for (t, c, z, y, x)). Empty for the axis named c, or none" )
	private String channel_axis = "";

	@Parameter( label = "Resolution level", required = false, persist = false,
			description = "Of OME-Zarr multiscale inputs or N5 pyramids (s0, s1, ...): the level to classify (0: full resolution). Empty for level 0" )
	private String level = "";

	@Parameter( label = "Tile size (pixels)", required = false, persist = false,
			description = "Side of the square tiles fed to the model; empty to have it chosen for each input" )
	private String tile = "";

	@Parameter( label = "Halo (pixels)", required = false, persist = false,
			description = "Context read around each tile; empty for the halo the classifier's features had" )
	private String halo = "";

	@Parameter( label = "Output chunk (pixels)", required = false, persist = false,
			description = "Side of the labels' square chunks; empty for whole planes up to 64 MiB of features, 1024 x 1024 beyond" )
	private String chunk = "";

	@Parameter( label = "Threads", required = false, persist = false,
			description = "Worker threads; empty for each input's default (one per core, fewer for large tiles)" )
	private String threads = "";

	@Parameter( label = "Device", choices = { "auto", "cpu", "gpu" }, persist = false )
	private String device = "auto";

	@Parameter( label = "Precision", choices = { "float32", "bf16" }, persist = false )
	private String precision = "float32";

	@Parameter( label = "Output type", choices = { "auto", "uint8", "uint16", "uint32" }, persist = false,
			description = "The labels' type; auto: the smallest that holds the class values" )
	private String output_type = "auto";

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
			if ( !FolderRun.given( classifier ) )
				throw new FeaturizeException( "No classifier given: classifier must be a file saved by Pixel Classifier or bin/featurize classify" );
			PixelClassifier.read( classifier.toPath() ); // a damaged or foreign file: refused once, before anything is written
			final List< Batch.Item > items = Batch.plan( FolderRun.inputs( input_folder, input_list ), FolderRun.outputFolder( output_folder, input_folder ),
					name, dataset );
			ClassifyJob.checkClassifier( request( items.get( 0 ) ) ); // the parameters all inputs share, and the classifier's model
			results = new FolderRun( log, status, tasks, this::isCanceled ).run( "Apply Classifier to " + items.size() + " inputs",
					output_folder.toPath(), items.size(), ( progress, stop ) -> ClassifyBatch.run( items, this::request, log::info, progress, stop ), TITLE,
					this::cancel );
		}
		catch ( final FeaturizeException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
	}

	private ClassifyRequest request( final Batch.Item item )
	{
		final FeaturizeRequest features = FeaturizeRequest.of( item.input() ).dataset( dataset ).channel( channel )
				.channelAxis( number( "channel_axis", channel_axis ) ).level( number( "level", level ) ).model( ClassifyRun.path( model ) )
				.tile( number( "tile", tile ) ).halo( number( "halo", halo ) ).chunk( number( "chunk", chunk ) ).threads( number( "threads", threads ) )
				.device( device ).precision( precision );
		return ClassifyRequest.of( features ).classifier( classifier.toPath() ).output( item.output() )
				.outputType( "auto".equals( output_type ) ? null : output_type ).overwrite( overwrite );
	}

	/** Nothing derives from other inputs: each input's own tile, halo, chunk and threads. */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		return new LinkedHashMap<>();
	}

	/** What happened to each input in the last run. */
	public ResultsTable results()
	{
		return results;
	}
}
