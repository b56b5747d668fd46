package org.featurize.unet.plugin;

import org.scijava.module.Module;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * SciJava gives every number nobody set the value 0 (its {@code DefaultValuePreprocessor}, priority 10000)
 * before a command runs. For the tile and the halo, 0 is a value to refuse when somebody gives it, while
 * nobody giving it means "derive it from the input or the model". This preprocessor runs just before and
 * tells the command which of those numbers nobody gave.
 */
@Plugin( type = PreprocessorPlugin.class, priority = 15000 )
public class UnsetNumbersPreprocessor extends AbstractPreprocessorPlugin
{
	@Override
	public void process( final Module module )
	{
		if ( !( module.getDelegateObject() instanceof FeaturizeCommand ) )
			return;
		final FeaturizeCommand command = ( FeaturizeCommand ) module.getDelegateObject();
		for ( final String name : FeaturizeCommand.DERIVED_NUMBERS )
			if ( !module.isInputResolved( name ) && module.getInput( name ) == null )
				command.markUnset( name );
	}
}
