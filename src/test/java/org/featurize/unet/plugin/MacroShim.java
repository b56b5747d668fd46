package org.featurize.unet.plugin;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

import ij.IJ;
import ij.Macro;
import ij.plugin.PlugIn;

/**
 * Test scope: what Fiji's legacy layer does for {@code run("UNet", "input=[...] ...")}, done with ImageJ 1.x
 * alone (the legacy layer is not on Maven Central): an ImageJ 1.x menu command "UNet" whose options string
 * is read key by key with ImageJ's own {@link Macro#getValue}, converted to the command's input types, and
 * handed to the SciJava command. A failure aborts the macro with the command's reason.
 */
public class MacroShim implements PlugIn
{
	private static Context context;

	@Override
	public void run( final String arg )
	{
		final String options = Macro.getOptions();
		if ( context == null )
			context = new Context();
		final CommandService commands = context.service( CommandService.class );
		final CommandInfo info = commands.getCommand( FeaturizeCommand.class );
		final Map< String, Object > inputs = new HashMap<>();
		for ( final ModuleItem< ? > item : info.inputs() )
		{
			final Class< ? > type = item.getType();
			final String key = item.getName().toLowerCase();
			if ( type == boolean.class || type == Boolean.class )
			{
				// ImageJ's convention: a checkbox is true when its key stands alone in the options
				inputs.put( item.getName(), options != null && ( " " + options + " " ).contains( " " + key + " " ) );
				continue;
			}
			final String value = options == null ? null : Macro.getValue( options, key, null );
			if ( value == null )
				continue;
			if ( type == File.class )
				inputs.put( item.getName(), new File( value ) );
			else if ( type == Integer.class || type == int.class )
				inputs.put( item.getName(), Integer.valueOf( value ) );
			else if ( type == String.class )
				inputs.put( item.getName(), value );
		}
		try
		{
			final CommandModule module = commands.run( FeaturizeCommand.class, true, inputs ).get();
			if ( module.isCanceled() )
			{
				IJ.log( "UNet failed: " + module.getCancelReason() );
				Macro.abort();
			}
			else
				IJ.log( "UNet done" );
		}
		catch ( final Exception e )
		{
			IJ.log( "UNet failed: " + e );
			Macro.abort();
		}
	}
}
