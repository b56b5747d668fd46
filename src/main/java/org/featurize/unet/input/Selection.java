package org.featurize.unet.input;

import java.io.Serializable;

/**
 * Which part of an input a run featurizes, as the parameters give it (checked when the input is opened,
 * {@link InputView#open}): a {@link Region} (null: the whole input). Serializable, so that a cluster's executors
 * open the same part as the driver.
 *
 * @param region
 *            the region parameter's text, or null for the whole input
 */
public record Selection( String region ) implements Serializable
{
	/** The whole input. */
	public static final Selection ALL = new Selection( null );
}
