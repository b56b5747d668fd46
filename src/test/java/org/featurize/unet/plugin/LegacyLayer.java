package org.featurize.unet.plugin;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.scijava.Context;
import org.scijava.Priority;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.event.EventService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginInfo;
import org.scijava.plugin.PluginService;
import org.scijava.task.TaskService;
import org.scijava.widget.InputHarvester;

import ij.Macro;
import ij.plugin.frame.Recorder;

import net.imglib2.RandomAccessibleInterval;

/**
 * Test scope: Fiji's legacy layer (imagej-legacy 2.0.3 with the Swing UI) as {@code ../shared/FACTS.md} describes
 * it, built from scijava-common's own machinery since the layer is not on Maven Central. Its parts are plugins
 * added to a context of its own, at the real layer's priorities:
 * <ul>
 * <li>{@link MacroOptions} (20000): in a macro run, the keys present in ImageJ's options string, read with
 * {@link Macro#getValue}, converted to the inputs' types and resolved; absent keys stay unresolved;</li>
 * <li>{@link Dialog} (the input harvester's -10000): the Swing dialog, for every unresolved input. During a macro
 * run it fails the test (the real one would wait for a user who is not there); otherwise it plays the user: it
 * notes what the dialog shows when it opens, types the test's values into their widgets (calling each changed
 * input's callback, as a widget does), and notes what it shows at OK;</li>
 * <li>{@link Display} (-10000): every unresolved {@code RandomAccessibleInterval} output is shown as a window
 * named after its label, whatever the command's own display parameter says;</li>
 * <li>{@link Record} (-10000, after the display): after a run that is not a macro run, ImageJ's recorder writes
 * every input that is not null, as ImageJ's {@link Recorder#recordOption} formats it, then
 * {@code selectImage("...")} for a displayed output.</li>
 * </ul>
 * A macro run happens on a thread named as ImageJ names its macro threads, with the options set there, as the
 * real layer runs {@code run("UNet", "...")}.
 */
final class LegacyLayer implements AutoCloseable
{
	private static final Map< Context, LegacyLayer > LAYERS = new ConcurrentHashMap<>();

	final Context context;

	/** What the user types into the next dialog: input names and values, in this order. */
	private List< Map.Entry< String, Object > > typed = List.of();

	private Run current;

	/** One run of a command through the layer. */
	static final class Run
	{
		Module module;

		/** The inputs the dialog showed when it opened, and at OK; empty when no dialog opened. */
		final Map< String, Object > opened = new LinkedHashMap<>(), atOk = new LinkedHashMap<>();

		/** The windows the layer opened for outputs, by title. */
		final List< String > windows = new ArrayList<>();

		/** What the recorder wrote, or null (a macro run records nothing). */
		String recorded;

		boolean canceled()
		{
			return module instanceof org.scijava.Cancelable && ( ( org.scijava.Cancelable ) module ).isCanceled();
		}

		String cancelReason()
		{
			return ( ( org.scijava.Cancelable ) module ).getCancelReason();
		}
	}

	/** The layer with the Swing UI ({@code gui}), or headless: then nothing harvests inputs. */
	LegacyLayer( final boolean gui )
	{
		context = new Context( CommandService.class, TaskService.class, EventService.class, ConvertService.class );
		LAYERS.put( context, this );
		final PluginService plugins = context.service( PluginService.class );
		plugins.addPlugin( info( MacroOptions.class, PreprocessorPlugin.class, 2 * Priority.VERY_HIGH ) );
		if ( gui )
			plugins.addPlugin( info( Dialog.class, PreprocessorPlugin.class, InputHarvester.PRIORITY ) );
		plugins.addPlugin( info( Display.class, PostprocessorPlugin.class, Priority.VERY_LOW + 1 ) );
		plugins.addPlugin( info( Record.class, PostprocessorPlugin.class, Priority.VERY_LOW ) );
	}

	private static < T extends org.scijava.plugin.SciJavaPlugin > PluginInfo< T > info( final Class< ? extends T > c, final Class< T > type,
			final double priority )
	{
		final PluginInfo< T > info = new PluginInfo<>( c, type );
		info.setPriority( priority );
		return info;
	}

	@Override
	public void close()
	{
		LAYERS.remove( context );
		context.dispose();
	}

	/** Plugins &gt; ... &gt; the command, in the menu: a dialog where the user types {@code typed}, then OK. */
	Run menu( final Class< ? extends Command > command, final List< Map.Entry< String, Object > > typedInDialog )
	{
		typed = typedInDialog;
		return runHere( command );
	}

	/** A macro's line {@code run("Title", "k=v ...");}, run as ImageJ runs it. */
	Run macro( final String line ) throws InterruptedException
	{
		final Matcher m = Pattern.compile( "run\\(\"([^\"]+)\", \"(.*)\"\\);" ).matcher( line.strip() );
		if ( !m.matches() )
			throw new IllegalArgumentException( "Not a macro line run(\"...\", \"...\");: " + line );
		final CommandInfo info = context.service( CommandService.class ).getCommands().stream()
				.filter( c -> m.group( 1 ).equals( c.getTitle() ) ).findFirst()
				.orElseThrow( () -> new IllegalArgumentException( "Unrecognized command: \"" + m.group( 1 ) + "\"" ) );
		final AtomicReference< Run > run = new AtomicReference<>();
		final AtomicReference< Throwable > failure = new AtomicReference<>();
		final Thread macro = new Thread( () -> {
			try
			{
				Macro.setOptions( m.group( 2 ) );
				run.set( runOn( info ) );
			}
			catch ( final Throwable t )
			{
				failure.set( t );
			}
			finally
			{
				Macro.setOptions( null );
			}
		}, "Run$_macro" );
		macro.start();
		macro.join();
		if ( failure.get() instanceof Error )
			throw ( Error ) failure.get();
		if ( failure.get() != null )
			throw new IllegalStateException( failure.get() );
		return run.get();
	}

	/**
	 * Runs the command on the calling thread, as the layer runs a menu entry, or a macro's {@code run("...", "...")}
	 * on ImageJ's macro thread.
	 */
	Run runHere( final Class< ? extends Command > command )
	{
		return runOn( context.service( CommandService.class ).getCommand( command ) );
	}

	private Run runOn( final CommandInfo info )
	{
		final ModuleService modules = context.service( ModuleService.class );
		final PluginService plugins = context.service( PluginService.class );
		current = new Run();
		try
		{
			current.module = modules.createModule( info );
			new ModuleRunner( context, current.module, plugins.createInstancesOfType( PreprocessorPlugin.class ),
					plugins.createInstancesOfType( PostprocessorPlugin.class ) ).run();
			return current;
		}
		finally
		{
			typed = List.of();
		}
	}

	private static LegacyLayer of( final Context context )
	{
		return LAYERS.get( context );
	}

	private static boolean hasWidget( final ModuleItem< ? > item )
	{
		final Class< ? > t = item.getType();
		return t == File.class || t == String.class || t == boolean.class || t == Boolean.class || Number.class.isAssignableFrom( t )
				|| t.isPrimitive();
	}

	/** The legacy layer's MacroPreprocessor: the keys present in the macro's options, converted and resolved. */
	public static class MacroOptions extends AbstractPreprocessorPlugin
	{
		@Override
		public void process( final Module module )
		{
			final String options = Macro.getOptions();
			if ( options == null )
				return;
			final ConvertService convert = context().service( ConvertService.class );
			for ( final ModuleItem< ? > input : module.getInfo().inputs() )
			{
				final String value = Macro.getValue( options, input.getName(), null );
				if ( value == null || !convert.supports( value, input.getType() ) )
					continue;
				module.setInput( input.getName(), convert.convert( value, input.getType() ) );
				module.resolveInput( input.getName() );
			}
		}
	}

	/** The Swing input harvester, with the test as its user; it fails the test if it would open during a macro run. */
	public static class Dialog extends AbstractPreprocessorPlugin
	{
		@Override
		public void process( final Module module )
		{
			final LegacyLayer layer = of( context() );
			final List< ModuleItem< ? > > asked = new ArrayList<>();
			for ( final ModuleItem< ? > input : module.getInfo().inputs() )
				if ( !module.isInputResolved( input.getName() ) && hasWidget( input ) )
					asked.add( input );
			if ( asked.isEmpty() )
				return;
			if ( Macro.getOptions() != null )
				throw new AssertionError( "During a macro run a dialog would ask for " + asked.stream().map( ModuleItem::getName ).toList()
						+ " and wait" );
			for ( final ModuleItem< ? > input : asked )
				layer.current.opened.put( input.getName(), module.getInput( input.getName() ) );
			final ConvertService convert = context().service( ConvertService.class );
			for ( final Map.Entry< String, Object > e : layer.typed )
			{
				final ModuleItem< ? > item = module.getInfo().getInput( e.getKey() );
				final Object value = convert.convert( e.getValue(), item.getType() );
				if ( java.util.Objects.equals( module.getInput( e.getKey() ), value ) )
					continue;
				module.setInput( e.getKey(), value );
				try
				{
					item.callback( module );
				}
				catch ( final org.scijava.module.MethodCallException x )
				{
					throw new IllegalStateException( x );
				}
			}
			for ( final ModuleItem< ? > input : asked )
			{
				layer.current.atOk.put( input.getName(), module.getInput( input.getName() ) );
				module.resolveInput( input.getName() );
			}
		}
	}

	/** The display of outputs: a window for each unresolved image output. */
	public static class Display extends AbstractPostprocessorPlugin
	{
		@Override
		public void process( final Module module )
		{
			for ( final ModuleItem< ? > output : module.getInfo().outputs() )
			{
				if ( module.isOutputResolved( output.getName() ) || !( module.getOutput( output.getName() ) instanceof RandomAccessibleInterval ) )
					continue;
				of( context() ).current.windows.add( output.getLabel() );
				module.resolveOutput( output.getName() );
			}
		}
	}

	/** ImageJ's macro recorder, fed as the legacy layer's MacroRecorderPostprocessor feeds it. */
	public static class Record extends AbstractPostprocessorPlugin
	{
		@Override
		public void process( final Module module )
		{
			if ( Macro.getOptions() != null )
				return;
			Recorder.resetCommandOptions();
			for ( final ModuleItem< ? > input : module.getInfo().inputs() )
			{
				final Object value = module.getInput( input.getName() );
				if ( value != null && hasWidget( input ) ) // what the dialog shows, not the services
					Recorder.recordOption( input.getName(), value.toString() );
			}
			final Run run = of( context() ).current;
			final StringBuilder line = new StringBuilder( "run(\"" + module.getInfo().getTitle() + "\", \"" + Recorder.getCommandOptions() + "\");" );
			for ( final String window : run.windows )
				line.append( "\nselectImage(\"" ).append( window ).append( "\");" );
			run.recorded = line.toString();
			Recorder.resetCommandOptions();
		}
	}
}
