package org.featurize.unet.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.UUID;

import org.featurize.unet.compute.Normalization;
import org.featurize.unet.input.Selection;
import org.featurize.unet.io.StoredValues;

/**
 * What executors need to compute and write chunks, as the driver resolved it: every default filled in, the
 * dataset's normalization statistics included, so that no executor decides anything on its own. Broadcast
 * once per run; paths are strings (as every machine must see them).
 */
final class ChunkJob implements Serializable
{
	private static final long serialVersionUID = 1L;

	/** Unique per run: keys each executor's features, so that a later run in the same JVM starts afresh. */
	final String id = UUID.randomUUID().toString();

	final String input, dataset;

	/** The part of the input featurized, as the request gives it. */
	final Selection selection;

	/** The shape of the input's array (all its axes). */
	final long[] inputShape;

	/** The model file as the driver saw it, or null for the shipped model (extracted from the jar). */
	final String model;

	final String modelSha256;

	final int sizeMultiple, channels;

	final int tileWidth, tileHeight, halo, chunkWidth, chunkHeight;

	/** How far beyond each plane's edges the model sees the plane mirrored. */
	final int margin;

	final Normalization normalization;

	final String output;

	/** Threads per forward pass, or 0 for the task's CPUs ({@code spark.task.cpus}). */
	final int intraOpThreads;

	/** With the shipped model ({@link #model} null): whether its bfloat16 variant runs. */
	final boolean bf16;

	/** Rounding and range check of the stored values. */
	final StoredValues stored;

	ChunkJob( final String input, final String dataset, final Selection selection, final long[] inputShape, final String model, final String modelSha256,
			final int sizeMultiple, final int channels, final int tileWidth, final int tileHeight, final int halo, final int margin,
			final int chunkWidth, final int chunkHeight, final Normalization normalization, final String output, final int intraOpThreads, final boolean bf16, final StoredValues stored )
	{
		this.bf16 = bf16;
		this.stored = stored;
		this.input = input;
		this.dataset = dataset;
		this.selection = selection;
		this.inputShape = inputShape.clone();
		this.model = model;
		this.modelSha256 = modelSha256;
		this.sizeMultiple = sizeMultiple;
		this.channels = channels;
		this.tileWidth = tileWidth;
		this.tileHeight = tileHeight;
		this.halo = halo;
		this.margin = margin;
		this.chunkWidth = chunkWidth;
		this.chunkHeight = chunkHeight;
		this.normalization = normalization;
		this.output = output;
		this.intraOpThreads = intraOpThreads;
	}

	@Override
	public String toString()
	{
		return String.format( "chunks of %s (%s, shape %s%s) to %s: tile %d x %d, halo %d, margin %d, chunk %d x %d, %s", input,
				dataset.isEmpty() ? "root" : dataset, Arrays.toString( inputShape ),
				selection.region() != null ? ", region " + selection.region() : "", output, tileWidth, tileHeight, halo, margin, chunkWidth, chunkHeight,
				normalization );
	}
}
