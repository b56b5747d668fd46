package org.featurize.unet.input;

import java.io.Serializable;

/**
 * Which part of an input a run featurizes, as the parameters give it (checked when the input is opened,
 * {@link InputView#open}): a {@link Region} and a channel. Serializable, so that a cluster's executors open the
 * same part as the driver.
 *
 * @param region
 *            the region parameter's text, or null for the whole input
 * @param channel
 *            the channel parameter: an index, a name ({@code omero.channels[].label}), {@code all} (each channel
 *            separately through the model), or null for the only channel
 */
public record Selection( String region, String channel ) implements Serializable
{
	/** The whole input, its only channel. */
	public static final Selection ALL = new Selection( null, null );

	/** The {@code channel} value that featurizes every channel. */
	public static final String ALL_CHANNELS = "all";
}
