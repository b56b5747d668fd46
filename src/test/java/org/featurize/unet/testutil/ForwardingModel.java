package org.featurize.unet.testutil;

import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;

/** A model that passes every call to another; tests override what they watch or hold back. */
public class ForwardingModel implements FeatureModel
{
	protected final FeatureModel model;

	public ForwardingModel( final FeatureModel model )
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
