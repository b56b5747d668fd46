package org.featurize.unet.plugin;

import org.scijava.ItemVisibility;
import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * After a {@link FijiCommand} ran, before the outputs are displayed and the macro recorder writes the inputs
 * (both at priority -10000): marks every output as handled, so that no display shows it (the command showed
 * what its display parameter asked; a script still gets the output from the module), and empties the section
 * headers ({@code ItemVisibility.MESSAGE} inputs), so that the recorder, which writes every input that is not
 * null, leaves them out.
 */
@Plugin( type = PostprocessorPlugin.class, priority = Priority.LOW )
public class FijiOutputsPostprocessor extends AbstractPostprocessorPlugin
{
	@Override
	public void process( final Module module )
	{
		if ( !( module.getDelegateObject() instanceof FijiCommand ) )
			return;
		for ( final ModuleItem< ? > item : module.getInfo().outputs() )
			module.resolveOutput( item.getName() );
		for ( final ModuleItem< ? > item : module.getInfo().inputs() )
			if ( item.getVisibility() == ItemVisibility.MESSAGE )
				module.setInput( item.getName(), null );
	}
}
