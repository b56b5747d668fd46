package org.featurize.unet.plugin;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.Batch;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import ij.IJ;
import ij.measure.ResultsTable;

/**
 * What the folder commands (UNet (Folder), Apply Classifier (Folder)) share: the inputs of a folder and a list file,
 * the output folder, and a batch run as a task in Fiji's task list (whose cancel button, like Esc in ImageJ, ends the
 * batch at its input) with its progress, ending in an ImageJ {@link ResultsTable} of what happened to each input.
 */
final class FolderRun
{
	private final LogService log;

	private final StatusService status;

	private final TaskService tasks;

	private final BooleanSupplier canceled;

	private Task task;

	FolderRun( final LogService log, final StatusService status, final TaskService tasks, final BooleanSupplier canceled )
	{
		this.log = log;
		this.status = status;
		this.tasks = tasks;
		this.canceled = canceled;
	}

	/** The list file's inputs, then the folder's; refused when neither is given. */
	static List< Path > inputs( final File folder, final File list )
	{
		if ( !given( folder ) && !given( list ) )
			throw new FeaturizeException( "No inputs given: choose an input folder (input_folder), or a list file of input paths (input_list)" );
		final List< Path > inputs = new ArrayList<>();
		if ( given( list ) )
			inputs.addAll( Batch.readList( list.toPath() ) );
		if ( given( folder ) )
			inputs.addAll( Batch.listFolder( folder.toPath() ) );
		return inputs;
	}

	/** The output folder; refused when not given or when it is the input folder. */
	static Path outputFolder( final File output, final File inputFolder )
	{
		if ( !given( output ) )
			throw new FeaturizeException( "No output folder given (output_folder)" );
		final Path out = output.toPath();
		if ( given( inputFolder ) && out.toAbsolutePath().normalize().equals( inputFolder.toPath().toAbsolutePath().normalize() ) )
			throw new FeaturizeException( "The output folder is the input folder " + out + ": its outputs would be taken for inputs by the next run; "
					+ "choose another output folder" );
		return out;
	}

	static boolean given( final File f )
	{
		return f != null && !f.getPath().isEmpty();
	}

	/**
	 * Creates the output folder, then runs {@code batch} (given a new progress for each input and whether the user
	 * asked to stop) as the task {@code name}; logs the table, shows it titled {@code title} where there is a screen,
	 * says how many inputs failed, and passes a reason to {@code cancel} where the user stopped the batch.
	 *
	 * @return the results table
	 */
	ResultsTable run( final String name, final Path outputFolder, final int inputs,
			final BiFunction< Supplier< Progress >, BooleanSupplier, List< Batch.Row > > batch, final String title, final Consumer< String > cancel )
	{
		try
		{
			Files.createDirectories( outputFolder );
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot create the output folder " + outputFolder + ": " + e, e );
		}
		IJ.resetEscape();
		task = tasks == null ? null : tasks.createTask( name );
		if ( task != null )
			task.start();
		try
		{
			final List< Batch.Row > rows = batch.apply( () -> Progress.throttled( this::progress, 1000 ), this::stopRequested );
			final ResultsTable results = table( rows );
			log.info( "\n" + Batch.table( rows ) );
			final long failed = rows.stream().filter( r -> r.status() == Batch.Status.FAILED ).count();
			if ( failed > 0 )
				log.error( failed + " of " + inputs + " inputs failed: the results table says why" );
			if ( !GraphicsEnvironment.isHeadless() )
				results.show( title );
			if ( !rows.isEmpty() && rows.get( rows.size() - 1 ).reason().equals( "cancelled" ) )
				cancel.accept( "Cancelled at " + rows.get( rows.size() - 1 ).input() + ": " + ( inputs - rows.size() ) + " input(s) not started" );
			return results;
		}
		finally
		{
			if ( task != null )
				task.finish();
		}
	}

	/** The rows as an ImageJ results table: input, output, status, seconds, reason. */
	static ResultsTable table( final List< Batch.Row > rows )
	{
		final ResultsTable t = new ResultsTable();
		for ( final Batch.Row r : rows )
		{
			t.incrementCounter();
			t.addValue( "input", r.input().toString() );
			t.addValue( "output", r.output().toString() );
			t.addValue( "status", r.status().label() );
			t.addValue( "seconds", r.seconds() );
			t.addValue( "reason", r.reason() );
		}
		return t;
	}

	/** The user asked to stop: the command or its task was cancelled, or Esc was pressed in ImageJ. */
	private boolean stopRequested()
	{
		return canceled.getAsBoolean() || task != null && task.isCanceled() || IJ.escapePressed();
	}

	private void progress( final long done, final long total, final double rate, final double eta )
	{
		ProgressText.report( log, status, task, done, total, rate, eta );
	}
}
