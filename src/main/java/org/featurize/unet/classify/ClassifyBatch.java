package org.featurize.unet.classify;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.featurize.unet.io.Progress;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;

/**
 * A saved classifier applied to many inputs, each into its own output, as {@link Batch} runs many featurizations: a
 * complete output is skipped, an unfinished one resumed, a failed input passed over, a row per input. What
 * {@code bin/featurize classify --output-dir} and Plugins &gt; Featurize &gt; Apply Classifier (Folder) run.
 */
public final class ClassifyBatch
{
	/** The output name of each input, {@code {name}} standing for the input's folder name without .zarr. */
	public static final String DEFAULT_NAME = "{name}-classes.zarr";

	private ClassifyBatch()
	{
		// static utility
	}

	/**
	 * Runs each item's request in turn on this machine ({@link ClassifyJob}), reporting to a new {@code progress} each.
	 *
	 * @param requests each item's request: a saved classifier applied to the item's input, written to its output
	 * @return a row per item run, in order
	 */
	public static List< Batch.Row > run( final List< Batch.Item > items, final Function< Batch.Item, ClassifyRequest > requests,
			final Consumer< String > log, final Supplier< Progress > progress, final BooleanSupplier cancelled )
	{
		return run( items, requests, log, request -> new ClassifyJob( log ).run( request, progress.get(), cancelled ) );
	}

	/**
	 * Runs each item's request in turn by {@code runner} ({@link Batch#run(List, Function, Batch.Runner)}): Batch sees
	 * the request's features aimed at its label array, which is what makes an output complete, and the runner runs the
	 * whole request.
	 *
	 * @param requests each item's request: a saved classifier applied to the item's input, written to its output
	 * @return a row per item run, in order
	 */
	public static List< Batch.Row > run( final List< Batch.Item > items, final Function< Batch.Item, ClassifyRequest > requests,
			final Consumer< String > log, final Consumer< ClassifyRequest > runner )
	{
		final Map< FeaturizeRequest, ClassifyRequest > byFeatures = new IdentityHashMap<>();
		final Map< Batch.Item, FeaturizeRequest > byItem = new IdentityHashMap<>();
		for ( final Batch.Item item : items )
		{
			final ClassifyRequest request = requests.apply( item );
			if ( request.classifier() == null )
				throw new IllegalArgumentException( "A batch applies a saved classifier: the request for " + item.input() + " has none" );
			final FeaturizeRequest features = request.features().output( request.labelArray() );
			byFeatures.put( features, request );
			byItem.put( item, features );
		}
		return new Batch( log ).run( items, byItem::get, features -> runner.accept( byFeatures.get( features ) ) );
	}
}
