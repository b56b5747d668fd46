package org.featurize.unet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.job.Batch;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of many inputs in one run, {@code --output-dir DIR [--inputs LIST] [--name PATTERN]}, which
 * {@code bin/featurize} and {@code bin/featurize-spark} share (a picocli mixin); {@link Batch} does the work.
 */
public final class BatchOptions
{
	@Option( names = "--output-dir", paramLabel = "DIR", description = "Many inputs in one run (one engine, one model; on Spark one context): "
			+ "each input's features go to DIR/<its folder name without .zarr>-features.zarr (see --name). A complete output is skipped, an "
			+ "unfinished one resumed, a failed input passed over; a table of what was done, skipped or failed ends the run (exit status 1 if "
			+ "any failed). A missing input or two inputs with one output are refused before anything is written" )
	Path outputDir;

	@Option( names = "--inputs", paramLabel = "LIST", description = "With --output-dir: a file of input paths, one per line "
			+ "(# comments; relative to the current directory); the inputs after the options are added" )
	Path inputList;

	@Option( names = "--name", paramLabel = "PATTERN", description = "With --output-dir: the output's name in DIR, {name} standing for the "
			+ "input's folder name without .zarr (default: " + Batch.DEFAULT_NAME + ")" )
	String name;

	/** Whether {@code --output-dir} was given: the run is a batch. */
	public boolean given()
	{
		return outputDir != null;
	}

	/** The folder of the outputs. */
	public Path outputDir()
	{
		return outputDir;
	}

	/** Refuses {@code --inputs} or {@code --name} without {@code --output-dir}. */
	public void checkNotGivenAlone( final CommandLine cli )
	{
		if ( outputDir == null && ( inputList != null || name != null ) )
			throw new CommandLine.ParameterException( cli, ( inputList != null ? "--inputs" : "--name" ) + " needs --output-dir DIR" );
	}

	/**
	 * The inputs of {@code --inputs}, then {@code paths}, each with its output ({@link Batch#plan}; with a
	 * {@code dataset}, a collection is one input, read there); refused whole before anything is written.
	 */
	public List< Batch.Item > plan( final List< Path > paths, final String dataset )
	{
		return plan( inputList, paths, outputDir, name, dataset );
	}

	/** The inputs of {@code inputList} (or none), then {@code paths}, each with its output in {@code outputDir}. */
	static List< Batch.Item > plan( final Path inputList, final List< Path > paths, final Path outputDir, final String name, final String dataset )
	{
		final List< Path > inputs = new ArrayList<>();
		if ( inputList != null )
			inputs.addAll( Batch.readList( inputList ) );
		inputs.addAll( paths );
		return Batch.plan( inputs, outputDir, name, dataset );
	}

	/** Creates the folder of the outputs, where missing. */
	public void createOutputDir()
	{
		createOutputDir( outputDir );
	}

	static void createOutputDir( final Path outputDir )
	{
		try
		{
			Files.createDirectories( outputDir );
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot create the output folder " + outputDir + ": " + e, e );
		}
	}

	/**
	 * Ends a batch run: the table on {@code err}, each output written or skipped on {@code out}; returns the exit
	 * status, 1 if any input failed.
	 */
	public static int report( final List< Batch.Row > rows, final java.io.PrintStream out, final java.io.PrintStream err )
	{
		err.print( Batch.table( rows ) );
		for ( final Batch.Row r : rows )
			if ( r.status() != Batch.Status.FAILED )
				out.println( r.output().toAbsolutePath() );
		return Batch.anyFailed( rows ) ? 1 : 0;
	}
}
