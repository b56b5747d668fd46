package org.featurize.unet.input;

import java.io.Serializable;

/**
 * Which part of an input a run featurizes, as the parameters give it (checked when the input is opened,
 * {@link InputView#open}): a {@link Region}, a channel and a resolution level, and for a plain array whose metadata
 * do not say it, which of its axes holds the channels. Serializable, so that a cluster's executors open the same part
 * as the driver.
 *
 * @param region
 *            the region parameter's text, or null for the whole input
 * @param channel
 *            the channel parameter: an index, a name ({@code omero.channels[].label}), {@code all} (each channel
 *            separately through the model), or null for the only channel
 * @param level
 *            the resolution level of an OME-Zarr multiscale image (its dataset's index), or null for level 0
 * @param channelAxis
 *            a plain array's channel axis (its index in the array's own axis order, 0 first), or null for the one its
 *            {@code _ARRAY_DIMENSIONS} names {@code c}, if any
 */
public record Selection( String region, String channel, Integer level, Integer channelAxis ) implements Serializable
{
	/** The whole input, its only channel, at full resolution. */
	public static final Selection ALL = new Selection( null, null, null, null );

	/** The {@code channel} value that featurizes every channel. */
	public static final String ALL_CHANNELS = "all";

	/** A selection whose channel axis, if any, is the one the input's metadata declare. */
	public Selection( final String region, final String channel, final Integer level )
	{
		this( region, channel, level, null );
	}
}
