package org.featurize.unet.cli;

import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Option;

/**
 * Which channel of a multi-channel input a command works on (a picocli mixin of {@link JobOptions}, so of
 * {@code bin/featurize} and {@code bin/featurize-spark}, and of {@code bin/featurize classify}).
 */
public final class ChannelOptions
{
	@Option( names = "--channel", paramLabel = "C", description = "Of an input with a channel axis (OME-Zarr, or a plain array whose "
			+ "_ARRAY_DIMENSIONS name one \"c\" or whose --channel-axis is given): the channel, by index or by its OME omero label; all: each "
			+ "channel separately through the model, C x 16 features named <channel>_feature_NN. Default: the only channel (several are refused)" )
	String channel;

	@Option( names = "--channel-axis", paramLabel = "N", description = "Of a plain Zarr array whose _ARRAY_DIMENSIONS do not name its "
			+ "channel axis: which axis holds the channels (0 first, NumPy order: 1 for (t, c, z, y, x)); then --channel chooses among them. "
			+ "Default: the axis _ARRAY_DIMENSIONS names \"c\", or none (OME-Zarr images declare theirs)" )
	Integer channelAxis;

	/** Sets the channel and the channel axis of {@code request}; returns it. */
	public FeaturizeRequest apply( final FeaturizeRequest request )
	{
		return request.channel( channel ).channelAxis( channelAxis );
	}
}
