package org.featurize.unet.cli;

import java.nio.file.Path;

import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command-line options that {@code bin/featurize} and {@code bin/featurize-spark} share (a picocli mixin): what
 * decides the features and how they are stored. Input and output are each command's own (INPUT OUTPUT, or several
 * inputs with {@link BatchOptions}); so are the model, whose kinds differ, threads, layout, Spark's partitions...
 */
public final class JobOptions
{
	@Option( names = "--dataset", paramLabel = "PATH", description = "Array path inside the input (default: the input itself)" )
	String dataset = "";

	@Option( names = "--region", paramLabel = "SLICES", description = "Featurize a part of the input: one start:stop per axis in (t, z, y, x) order, "
			+ "e.g. 0:2,10:20,0:512,256:768 (start or stop left out: that edge; an empty part: the whole axis; i: the plane i). "
			+ "Its features equal the whole input's there (the halo is read from outside the region). Default: the whole input" )
	String region;

	@Mixin
	ChannelOptions channels = new ChannelOptions();

	@Option( names = "--level", paramLabel = "N", description = "Of an OME-Zarr multiscale input or an N5 pyramid (s0, s1, ...): the resolution level to featurize "
			+ "(0: full resolution; an OME output's scale and translation say where it lies). Default: 0" )
	Integer level;

	@Option( names = "--tile", paramLabel = "PX", description = "Square tile size (default: chosen for speed within the memory, "
			+ "whatever the input's chunks)" )
	Integer tile;

	@Option( names = "--halo", paramLabel = "PX", description = "Halo around tiles (default: the model's measured halo)" )
	Integer halo;

	@Option( names = "--margin", paramLabel = "PX", description = "Pixels beyond each plane's edges that the model sees the plane "
			+ "mirrored (as classic filters see the edges), rounded up to the model's size multiple (16); 0 (default): the model's zero padding there, as the "
			+ "original" )
	Integer margin;

	@Option( names = "--chunk", paramLabel = "PX", description = "Side of the output's square chunks (default: whole planes up to "
			+ "64 MiB of features, 1024 x 1024 beyond)" )
	Integer chunk;

	@Option( names = "--normalization", paramLabel = "METHOD", description = "none (default) or percentile" )
	String normalization = "none";

	@Option( names = "--output-type", paramLabel = "TYPE", description = "float32 (default) or float16" )
	String outputType = "float32";

	@Option( names = "--precision", paramLabel = "P", description = "float32 (default) or bf16: the model's bfloat16 variant (about 1.75x faster on CPUs with bf16 units)" )
	String precision = "float32";

	@Option( names = "--keep-bits", paramLabel = "N", description = "Mantissa bits kept in the stored features (default 13 for float32: within 6.1e-5; 10 for float16)" )
	Integer keepBits;

	@Option( names = "--rounding", paramLabel = "HOW", description = "block (default): each value within 2^-(bits+1) of the largest of its channel in its chunk; "
			+ "value: within 2^-(bits+1) of itself; none: exact" )
	String rounding;

	@Option( names = "--overwrite", description = "Replace an existing output" )
	boolean overwrite;

	/** Whether an existing output is replaced. */
	/** The array path inside each input, or empty. */
	public String dataset()
	{
		return dataset;
	}

	public boolean overwrite()
	{
		return overwrite;
	}

	/** A request for {@code input} and {@code output} with these parameters and the model given (null: the shipped one). */
	public FeaturizeRequest request( final Path input, final Path output, final Path model )
	{
		return channels.apply( FeaturizeRequest.of( input ) ).output( output ).dataset( dataset ).region( region ).level( level ).model( model ).tile( tile ).halo( halo ).margin( margin ).chunk( chunk )
				.normalization( normalization ).outputType( outputType ).precision( precision ).keepBits( keepBits ).rounding( rounding ).overwrite( overwrite );
	}
}
