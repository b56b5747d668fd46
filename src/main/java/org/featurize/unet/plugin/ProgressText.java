package org.featurize.unet.plugin;

import java.util.Locale;

import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.task.Task;

/** One line of progress: "planes 12/192 (6%), 5.3 planes/s, ETA 0:34"; and where Fiji shows it. */
public final class ProgressText
{
	private ProgressText()
	{}

	public static String format( final long done, final long total, final double rate, final double eta )
	{
		final StringBuilder sb = new StringBuilder( String.format( Locale.ROOT, "planes %d/%d (%d%%)", done, total,
				total == 0 ? 100 : done * 100 / total ) );
		if ( rate > 0 )
			sb.append( String.format( Locale.ROOT, ", %.2f planes/s", rate ) );
		if ( eta >= 0 && done < total )
		{
			final long s = Math.round( eta );
			sb.append( s >= 3600 ? String.format( Locale.ROOT, ", ETA %d:%02d:%02d", s / 3600, s / 60 % 60, s % 60 )
					: String.format( Locale.ROOT, ", ETA %d:%02d", s / 60, s % 60 ) );
		}
		return sb.toString();
	}

	/** The progress in Fiji: the status bar (where there is one), the task (where there is one) and the log. */
	static void report( final LogService log, final StatusService status, final Task task, final long done, final long total, final double rate,
			final double eta )
	{
		final String message = format( done, total, rate, eta );
		if ( status != null )
			status.showStatus( ( int ) Math.min( done, Integer.MAX_VALUE ), ( int ) Math.min( total, Integer.MAX_VALUE ), message );
		if ( task != null )
		{
			task.setProgressMaximum( total );
			task.setProgressValue( done );
			task.setStatusMessage( message );
		}
		log.info( message );
	}
}
