package org.featurize.unet.plugin;

import ij.IJ;
import ij.Macro;
import ij.WindowManager;
import ij.plugin.PlugIn;

/**
 * Test scope: the ImageJ 1.x menu command "UNet" that Fiji's legacy layer makes of the SciJava command, for a
 * real ImageJ 1.x session under Xvfb: {@code run("UNet", "input=[...] ...")} runs the command on ImageJ's macro
 * thread through {@link LegacyLayer} with its Swing UI (whose dialog fails the run if it would open during a
 * macro). Logs "UNet done, windows: N" (ImageJ's image windows plus the outputs the layer displayed), or
 * "UNet failed: reason" and aborts the macro.
 */
public class MacroShim implements PlugIn
{
	private static LegacyLayer layer;

	@Override
	public void run( final String arg )
	{
		if ( layer == null )
			layer = new LegacyLayer( true );
		String failure;
		try
		{
			final LegacyLayer.Run run = layer.runHere( FeaturizeCommand.class );
			failure = run.canceled() ? run.cancelReason() : null;
			if ( failure == null )
				IJ.log( "UNet done, windows: " + ( WindowManager.getImageCount() + run.windows.size() ) );
		}
		catch ( final RuntimeException | AssertionError e )
		{
			failure = e.toString();
		}
		if ( failure != null )
		{
			IJ.log( "UNet failed: " + failure );
			Macro.abort();
		}
	}
}
