package org.featurize.unet.cli;

import java.nio.file.Path;
import java.util.List;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.classify.ClassifyBatch;
import org.featurize.unet.job.Batch;

import picocli.CommandLine.Option;

/**
 * The options of a saved classifier applied to many inputs in one run, {@code --output-dir DIR [--inputs LIST]
 * [--name PATTERN]}, which {@code bin/featurize classify} and {@code bin/featurize-spark classify} share (a picocli
 * mixin); {@link ClassifyBatch} does the work.
 */
public final class ClassifyBatchOptions
{
	@Option( names = "--output-dir", paramLabel = "DIR", description = "Apply the saved classifier (--classifier) to many inputs in one run (one "
			+ "engine, one model; on Spark one context): each input's classes go to DIR/<its folder name without .zarr>-classes.zarr (see --name). "
			+ "A complete output is skipped, an unfinished one resumed, a failed input passed over; a table of what was done, skipped or failed "
			+ "ends the run (exit status 1 if any failed). A missing input or two inputs with one output are refused before anything is written" )
	Path outputDir;

	@Option( names = "--inputs", paramLabel = "LIST", description = "With --output-dir: a file of input paths, one per line (# comments; "
			+ "relative to the current directory); the inputs after the options are added" )
	Path inputList;

	@Option( names = "--name", paramLabel = "PATTERN", description = "With --output-dir: the output's name in DIR, {name} standing for the input's "
			+ "folder name without .zarr (default: " + ClassifyBatch.DEFAULT_NAME + ")" )
	String name;

	/** Whether {@code --output-dir} was given: the run is a batch. */
	public boolean given()
	{
		return outputDir != null;
	}

	/** Refuses {@code --inputs} or {@code --name} without {@code --output-dir}. */
	public void checkNotGivenAlone()
	{
		if ( outputDir == null && ( inputList != null || name != null ) )
			throw new FeaturizeException( ( inputList != null ? "--inputs" : "--name" ) + " needs --output-dir DIR" );
	}

	/**
	 * The inputs of {@code --inputs}, then {@code paths}, each with its output ({@link Batch#plan}; with a
	 * {@code dataset}, a collection is one input, read there); refused whole before anything is written.
	 */
	public List< Batch.Item > plan( final List< Path > paths, final String dataset )
	{
		return BatchOptions.plan( inputList, paths, outputDir, name == null ? ClassifyBatch.DEFAULT_NAME : name, dataset );
	}

	/** Creates the folder of the outputs, where missing. */
	public void createOutputDir()
	{
		BatchOptions.createOutputDir( outputDir );
	}
}
