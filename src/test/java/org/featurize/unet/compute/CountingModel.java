package org.featurize.unet.compute;

import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.model.FeatureModel;

/** Wraps a model and counts its forward passes. */
final class CountingModel extends ForwardingModel
{
	final AtomicInteger calls = new AtomicInteger();

	CountingModel( final FeatureModel model )
	{
		super( model );
	}

	@Override
	public float[] predict( final float[] plane, final int height, final int width )
	{
		calls.incrementAndGet();
		return super.predict( plane, height, width );
	}
}
