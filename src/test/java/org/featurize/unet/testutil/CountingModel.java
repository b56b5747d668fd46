package org.featurize.unet.testutil;

import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.model.FeatureModel;

/** Wraps a model and counts its forward passes. */
public final class CountingModel extends ForwardingModel
{
	public final AtomicInteger calls = new AtomicInteger();

	public CountingModel( final FeatureModel model )
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
