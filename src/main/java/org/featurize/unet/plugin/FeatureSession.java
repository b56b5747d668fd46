package org.featurize.unet.plugin;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.compute.FeatureImage;

import ij.ImagePlus;

/**
 * The features of the last Pixel Classifier run in this JVM, kept for the next run over the same input, model and
 * feature settings: training again on more ROIs then computes only the cells it has not seen, and a plane that was
 * shown before is classified again without the model. The features stay within their cache's bound (a quarter of
 * the heap); another input, model or setting replaces them. Also the window that showed the last labels, which the
 * next run's labels replace.
 */
final class FeatureSession
{
	private static List< Object > key;

	private static FeatureImage features;

	private static ImagePlus window;

	private FeatureSession()
	{}

	/**
	 * What makes two runs' features the same: the input (its path, dataset and when its metadata last changed), the
	 * model file (path, size, time) and the settings that shape the features.
	 */
	static List< Object > key( final File input, final String dataset, final File model, final Object... settings )
	{
		final List< Object > k = new ArrayList<>();
		k.add( input.getAbsoluteFile().toPath().normalize().toString() );
		k.add( dataset );
		k.add( input.lastModified() );
		for ( final String metadata : new String[] { ".zarray", "zarr.json" } )
			k.add( new File( new File( input, dataset == null ? "" : dataset ), metadata ).lastModified() );
		k.add( model == null ? "" : model.getAbsolutePath() );
		k.add( model == null ? 0 : model.length() );
		k.add( model == null ? 0 : model.lastModified() );
		for ( final Object s : settings )
			k.add( s );
		return k;
	}

	/** The features kept for {@code key}, or null. */
	static synchronized FeatureImage features( final List< Object > key )
	{
		return key.equals( FeatureSession.key ) ? features : null;
	}

	static synchronized void keep( final List< Object > key, final FeatureImage features )
	{
		FeatureSession.key = key;
		FeatureSession.features = features;
	}

	/** Forgets the features kept. */
	static synchronized void clear()
	{
		key = null;
		features = null;
	}

	static synchronized ImagePlus window()
	{
		return window;
	}

	static synchronized void window( final ImagePlus shown )
	{
		window = shown;
	}
}
