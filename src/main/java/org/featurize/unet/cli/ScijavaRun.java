package org.featurize.unet.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.scijava.Context;
import org.scijava.console.ConsoleService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.event.ModuleCanceledEvent;
import org.scijava.module.event.ModuleErroredEvent;
import org.scijava.module.event.ModuleFinishedEvent;
import org.scijava.module.event.ModuleStartedEvent;
import org.scijava.startup.StartupService;

/**
 * The Fiji launcher's form, {@code --headless --run <command> "<key=value,...>"}, run by SciJava's own
 * console arguments as Fiji runs it: a context, {@link ConsoleService#processArgs}, then the startup
 * operations. It listens to the module events to give an exit status and one line on stderr on failure.
 */
final class ScijavaRun
{
	private final PrintStream err;

	private final List< String > failures = new ArrayList<>();

	private int started, finished;

	ScijavaRun( final PrintStream err )
	{
		this.err = err;
	}

	int run( final String[] args )
	{
		final Context context = new Context();
		try
		{
			context.service( EventService.class ).subscribe( this );
			context.service( ConsoleService.class ).processArgs( args );
			context.service( StartupService.class ).executeOperations();
		}
		catch ( final RuntimeException e )
		{
			failures.add( FeaturizeMain.message( e.getCause() != null && e.getCause().getCause() != null ? e.getCause().getCause() : e ) );
		}
		finally
		{
			context.dispose();
		}
		if ( failures.isEmpty() && started == 0 )
			failures.add( "no command was run: expected --run UNet \"input='in.zarr',output='out.zarr'\" "
					+ "(the command's title or class name, then its arguments)" );
		if ( !failures.isEmpty() )
		{
			err.println( "featurize: error: " + failures.get( 0 ) );
			return 1;
		}
		return finished == started ? 0 : 1;
	}

	@EventHandler
	void onStart( final ModuleStartedEvent e )
	{
		started++;
	}

	@EventHandler
	void onFinish( final ModuleFinishedEvent e )
	{
		finished++;
	}

	@EventHandler
	void onCancel( final ModuleCanceledEvent e )
	{
		final String reason = e.getReason();
		failures.add( reason == null ? "cancelled" : reason );
	}

	@EventHandler
	void onError( final ModuleErroredEvent e )
	{
		final Throwable t = e.getException();
		failures.add( t == null ? "failed" : FeaturizeMain.message( t ) );
	}
}
