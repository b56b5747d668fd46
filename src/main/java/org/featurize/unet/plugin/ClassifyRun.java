package org.featurize.unet.plugin;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.io.Progress;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import ij.IJ;
import ij.ImagePlus;

/**
 * What the classification commands share: a run of {@link ClassifyJob} as a task in Fiji's task list (whose cancel
 * button, like Esc in ImageJ, stops it after the chunks in flight), its progress in the status bar and the log, and
 * the ImageJ display of its labels.
 */
final class ClassifyRun
{
	private final LogService log;

	private final StatusService status;

	private final TaskService tasks;

	private final BooleanSupplier canceled;

	private Task task;

	ClassifyRun( final LogService log, final StatusService status, final TaskService tasks, final BooleanSupplier canceled )
	{
		this.log = log;
		this.status = status;
		this.tasks = tasks;
		this.canceled = canceled;
	}

	ClassifyJob.Result run( final ClassifyRequest request, final String name )
	{
		IJ.resetEscape();
		task = tasks == null ? null : tasks.createTask( name );
		if ( task != null )
			task.start();
		try
		{
			return new ClassifyJob( log::info ).run( request, Progress.throttled( this::progress, 1000 ), this::stopRequested );
		}
		finally
		{
			if ( task != null )
				task.finish();
		}
	}

	private boolean stopRequested()
	{
		return canceled.getAsBoolean() || task != null && task.isCanceled() || IJ.escapePressed();
	}

	private void progress( final long done, final long total, final double rate, final double eta )
	{
		ProgressText.report( log, status, task, done, total, rate, eta );
	}

	/** The display of labels asked for: none or ImageJ; refused before any compute where it cannot happen. */
	static boolean showInImageJ( final String display )
	{
		final Display d = Display.parse( display );
		if ( d == Display.BIGDATAVIEWER )
			throw new FeaturizeException( "display=BigDataViewer is not offered for labels; use display=ImageJ or display=none" );
		d.checkCanShow();
		return d == Display.IMAGEJ;
	}

	/** What a dialog shows for display: ImageJ where there is a screen to show it on, else none. */
	static String defaultDisplay()
	{
		return GraphicsEnvironment.isHeadless() ? "none" : "ImageJ";
	}

	/** The window title of labels over the input (and dataset). */
	static String title( final File input, final String dataset )
	{
		final String name = input.getName().replaceFirst( "\\.(zarr|n5)$", "" );
		return name + ( dataset == null || dataset.isEmpty() ? "" : "/" + dataset ) + " classes";
	}

	/** Shows the labels, in the window of the last labels of the same title when it is still open. */
	static ImagePlus show( final ClassifyJob.Result result, final String title, final ImagePlus previous )
	{
		final ImagePlus imp = LabelDisplay.wrap( result.classification, title );
		if ( previous != null && previous.getWindow() != null && previous.getTitle().equals( title ) && previous.getWidth() == imp.getWidth()
				&& previous.getHeight() == imp.getHeight() && previous.getStackSize() == imp.getStackSize() )
		{
			final int z = previous.getSlice(), t = previous.getFrame();
			previous.setStack( imp.getStack(), 1, imp.getNSlices(), imp.getNFrames() );
			previous.setLut( imp.getProcessor().getLut() );
			previous.setPosition( 1, z, t );
			previous.setDisplayRange( 0, 255 );
			previous.updateAndDraw();
			return previous;
		}
		imp.show();
		return imp;
	}

	/** A file input as a path: null when empty. */
	static Path path( final File file )
	{
		return file == null || file.getPath().isEmpty() ? null : file.toPath();
	}
}
