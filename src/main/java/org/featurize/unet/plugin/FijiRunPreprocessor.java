package org.featurize.unet.plugin;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * Prepares a {@link FijiCommand} before its inputs are harvested. It runs after the inputs that a caller gave are
 * set (arguments, a script's map, ImageJ's macro options: priority 20000) and before SciJava fills empty numbers
 * with 0 ({@code DefaultValuePreprocessor}, 10000) and before any dialog ({@code InputHarvester}, -10000).
 * <ul>
 * <li>In a macro run ({@link FijiCommand#isMacroRun()}) every input the options left out is resolved as it is,
 * that is to its default, so that no dialog asks for it: a macro run is not interactive.</li>
 * <li>Otherwise the inputs that nobody gave get the defaults the run would use, as far as they are known
 * ({@link FijiCommand#refreshDefaults()}), so that a dialog shows them.</li>
 * </ul>
 */
@Plugin( type = PreprocessorPlugin.class, priority = FijiRunPreprocessor.PRIORITY )
public class FijiRunPreprocessor extends AbstractPreprocessorPlugin
{
	/** Below the services' and the macro options' 20000, above the default values' 10000. */
	public static final double PRIORITY = 15000;

	@Override
	public void process( final Module module )
	{
		if ( !( module.getDelegateObject() instanceof FijiCommand ) )
			return;
		final FijiCommand command = ( FijiCommand ) module.getDelegateObject();
		command.attach( module );
		if ( FijiCommand.isMacroRun() )
		{
			for ( final ModuleItem< ? > item : module.getInfo().inputs() )
				module.resolveInput( item.getName() );
			return;
		}
		command.refreshDefaults();
	}
}
