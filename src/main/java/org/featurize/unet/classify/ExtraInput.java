package org.featurize.unet.classify;

import java.util.Map;

import org.featurize.unet.compute.ExtraChannels;

/**
 * One fixed operation of the features that a classifier reads beside them (the coherence, the minimum), with what a
 * classifier file records of it: its record names the operation ({@code op}) and every parameter, so that applying
 * the file computes the same channels.
 */
public interface ExtraInput extends ExtraChannels
{
	/** The operation and its parameters, as a classifier file and a run record hold them. */
	Map< String, Object > toRecord();
}
