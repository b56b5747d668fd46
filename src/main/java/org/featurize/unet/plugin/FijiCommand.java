package org.featurize.unet.plugin;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.featurize.unet.FeaturizeException;
import org.scijava.command.ContextCommand;
import org.scijava.module.Module;

import ij.Macro;

/**
 * A command of this project as Fiji's users meet it. Every command of the project extends this class and gets,
 * by construction (through {@link FijiRunPreprocessor} and {@link FijiOutputsPostprocessor}):
 * <ul>
 * <li><b>A dialog with real defaults.</b> An input whose default depends on other inputs (a tile size that is
 * the input's chunk, a halo that is the model's receptive field) is a {@code String} field, empty for "the
 * default"; {@link #dialogDefaults()} says what the run would use, and the dialog shows it as soon as it is
 * known (when the dialog opens, and again from {@link #refreshDefaults()}, which the callbacks of the inputs it
 * depends on call). A value the user typed is never replaced. Such a value, given explicitly, must make the very
 * run that leaving it empty makes; where no value can say that (not known yet, or not expressible), the field
 * stays empty. So the dialog never shows a 0 that means "unset".</li>
 * <li><b>Macros that replay.</b> ImageJ's recorder writes every input that is not null, as the dialog left it;
 * since the dialog shows real values (or empty text, recorded as {@code key=}), the recorded line replays to the
 * same run. A macro run ({@code run("...", "k=v ...")}: ImageJ's {@link Macro#getOptions()} is set) is not
 * interactive: the inputs that the options leave out are resolved to their defaults before any dialog could
 * ask for them. An explicit value is taken as given, so an explicit 0 where 0 is invalid is an error.</li>
 * <li><b>No window nobody asked for.</b> Outputs are for scripts; the framework never shows them. A command
 * shows what its own display parameter asks, once.</li>
 * <li><b>Essential inputs first.</b> The Swing dialog (scijava-ui-swing) lays out the inputs in the order they
 * are declared, in one list without groups; a command declares what every run needs first, then an
 * {@code ItemVisibility.MESSAGE} input as the header of its expert settings. Such headers are not recorded.</li>
 * </ul>
 * A new command extends this class, implements {@link #dialogDefaults()} (an empty map when no default depends on
 * other inputs), names {@code refreshDefaults} as the callback of the inputs those defaults depend on, and is
 * added to the commands the tests cover ({@code FijiMacrosTest.COVERED}), which fails until it is.
 */
public abstract class FijiCommand extends ContextCommand
{
	/** The module that runs this command, once {@link FijiRunPreprocessor} has seen it. */
	private Module module;

	/** The values this class put into the dialog, by input name, to tell them from what the user typed. */
	private final Map< String, Object > shown = new HashMap<>();

	/**
	 * The defaults the run would use for the inputs that take one derived from other inputs, given the values
	 * known now, as the dialog shows them: a value, or "" where none can be shown (yet).
	 */
	protected abstract Map< String, Object > dialogDefaults();

	/** Whether this run comes from a macro's {@code run("...", "options")}: then nobody is there to ask. */
	public static boolean isMacroRun()
	{
		return Macro.getOptions() != null;
	}

	void attach( final Module m )
	{
		module = m;
	}

	/**
	 * Shows the defaults of {@link #dialogDefaults()} in the inputs that nobody gave before the dialog opened
	 * and that the user has not edited since. Callbacks of the inputs the defaults depend on call this.
	 */
	protected void refreshDefaults()
	{
		if ( module == null )
			return;
		for ( final Map.Entry< String, Object > e : dialogDefaults().entrySet() )
			if ( showsDefault( e.getKey() ) )
			{
				module.setInput( e.getKey(), e.getValue() );
				shown.put( e.getKey(), e.getValue() );
			}
	}

	/**
	 * Whether an input holds the default this class shows (or will show) in it: nobody gave it before the dialog
	 * opened and the user has not changed what the dialog showed.
	 */
	protected boolean showsDefault( final String name )
	{
		if ( module == null )
			return false;
		return shown.containsKey( name ) ? Objects.equals( shown.get( name ), module.getInput( name ) ) : !module.isInputResolved( name );
	}

	/** A number the user typed (not the default this class showed), or null; an unreadable one counts as none. */
	protected Integer given( final String name, final String value )
	{
		if ( showsDefault( name ) )
			return null;
		try
		{
			return number( name, value );
		}
		catch ( final FeaturizeException e )
		{
			return null;
		}
	}

	/** A default as a text input shows it: empty for none. */
	protected static String text( final Object value )
	{
		return value == null ? "" : value.toString();
	}

	/**
	 * A whole number from a text input: null when empty (the default), else the number.
	 *
	 * @throws FeaturizeException
	 *             when the text is not a whole number, naming the input
	 */
	protected static Integer number( final String name, final String text )
	{
		if ( text == null || text.isBlank() )
			return null;
		try
		{
			return Integer.valueOf( text.trim() );
		}
		catch ( final NumberFormatException e )
		{
			throw new FeaturizeException( name + " must be a whole number (or empty for the default), got \"" + text + "\"" );
		}
	}
}
