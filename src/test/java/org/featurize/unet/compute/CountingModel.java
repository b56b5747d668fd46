package org.featurize.unet.compute;

import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;

/** Wraps a model and counts its forward passes. */
final class CountingModel implements FeatureModel
{
	final FeatureModel model;

	final AtomicInteger calls = new AtomicInteger();

	CountingModel( final FeatureModel model )
	{
		this.model = model;
	}

	@Override
	public ModelDescription description()
	{
		return model.description();
	}

	@Override
	public float[] predict( final float[] plane, final int height, final int width )
	{
		calls.incrementAndGet();
		return model.predict( plane, height, width );
	}

	@Override
	public int concurrency()
	{
		return model.concurrency();
	}

	@Override
	public String engineInfo()
	{
		return model.engineInfo();
	}

	@Override
	public void close()
	{}
}
