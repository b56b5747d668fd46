package org.featurize.unet.compute;

import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;

/** A model that passes every call to another; tests override what they watch or hold back. */
class ForwardingModel implements FeatureModel
{
	final FeatureModel model;

	ForwardingModel( final FeatureModel model )
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
