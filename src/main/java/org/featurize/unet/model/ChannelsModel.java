package org.featurize.unet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several input channels, each through its own one-channel model (the same model for each, or one bound to each
 * channel's statistics), their features one after the other: {@code C x K} output channels, channel {@code c}'s
 * feature {@code k} at {@code c * K + k}, named {@code <channel>_feature_NN}. Its input is the channels' planes one
 * after the other ({@code C * height * width} values, as a {@code compute.PlaneReader} of several channels reads
 * them); each channel's features are those of that channel featurized alone.
 */
public final class ChannelsModel implements FeatureModel
{
	private final List< FeatureModel > models;

	private final List< String > names;

	private final ModelDescription description;

	private final int features;

	/**
	 * @param models
	 *            one model per channel, all with the same description
	 * @param names
	 *            the channels' names, one per model
	 */
	public ChannelsModel( final List< ? extends FeatureModel > models, final List< String > names )
	{
		if ( models.isEmpty() || models.size() != names.size() )
			throw new IllegalArgumentException( models.size() + " models for " + names.size() + " channel names" );
		this.models = List.copyOf( models );
		this.names = List.copyOf( names );
		final ModelDescription d = models.get( 0 ).description();
		this.features = d.outputChannels();
		this.description = new ModelDescription( d.name() + " per channel (" + names.size() + ")", names.size(), features * names.size(),
				d.sizeMultiple(), d.receptiveField(), d.effectiveHalo(), d.source() );
	}

	/** The one-channel model of channel {@code c}. */
	public FeatureModel model( final int c )
	{
		return models.get( c );
	}

	/** The channels' names. */
	public List< String > names()
	{
		return names;
	}

	@Override
	public ModelDescription description()
	{
		return description;
	}

	@Override
	public float[] predict( final float[] planes, final int height, final int width )
	{
		final int pixels = height * width;
		if ( planes.length != pixels * models.size() )
			throw new ModelException( String.format( "%d values for %d channels of %d x %d pixels; expected %d", planes.length, models.size(),
					height, width, pixels * models.size() ) );
		final float[] out = new float[ pixels * features * models.size() ];
		for ( int c = 0; c < models.size(); c++ )
		{
			final float[] plane = new float[ pixels ];
			System.arraycopy( planes, c * pixels, plane, 0, pixels );
			System.arraycopy( models.get( c ).predict( plane, height, width ), 0, out, c * pixels * features, pixels * features );
		}
		return out;
	}

	@Override
	public String featureName( final int c )
	{
		return String.format( Locale.ROOT, "%s_feature_%02d", names.get( c / features ), c % features );
	}

	/** Every output channel's name, in order. */
	public List< String > featureNames()
	{
		final List< String > out = new ArrayList<>();
		for ( int c = 0; c < description.outputChannels(); c++ )
			out.add( featureName( c ) );
		return out;
	}

	@Override
	public int concurrency()
	{
		return models.get( 0 ).concurrency();
	}

	@Override
	public String engineInfo()
	{
		return models.get( 0 ).engineInfo();
	}

	/** Closes nothing: the channels' models belong to their callers (shared models stay open). */
	@Override
	public void close()
	{}
}
