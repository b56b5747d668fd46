package org.featurize.unet.cli;

import java.nio.file.Path;

import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.job.FeaturizeRequest;

import picocli.CommandLine.Option;

/**
 * The parameters of a classification run that {@code bin/featurize classify} and {@code bin/featurize-spark classify}
 * share (a picocli mixin): how the features are computed and what is written. Each command adds its own (training,
 * threads, Spark's partitions...).
 */
public final class ClassifyOptions
{
	@Option( names = "--probabilities", paramLabel = "P.zarr", description = "Also write the class probabilities, float32 (..., y, x, class)" )
	Path probabilities;

	@Option( names = "--labels-ome", description = "Write the labels as an OME-NGFF 0.4 label image OUT/labels/classes (image-label "
			+ "metadata with the class colours) into OUT, a new group or an OME-Zarr image such as the features' layout=ome output" )
	boolean labelsOme;

	@Option( names = "--output-type", paramLabel = "TYPE", description = "uint8, uint16 or uint32 (default: the smallest that holds the class values)" )
	String outputType;

	@Option( names = "--dataset", paramLabel = "PATH", description = "Array path inside the input (default: the input itself)" )
	String dataset = "";

	@Option( names = "--region", paramLabel = "SLICES", description = "Classify a part of the input: one start:stop per axis in (t, z, y, x) "
			+ "order, as for bin/featurize --region; labels and outputs have the region's shape, and the OME labels its translation. "
			+ "Default: the whole input" )
	String region;

	@Option( names = "--level", paramLabel = "N", description = "Of an OME-Zarr multiscale input or an N5 pyramid (s0, s1, ...): the resolution level to classify "
			+ "(0: full resolution); labels and outputs have that level's shape, and the OME labels its scale. Default: 0" )
	Integer level;

	@Option( names = "--model", paramLabel = "FILE", description = "The features' model (default: the shipped UNet; a saved classifier checks it)" )
	Path model;

	@Option( names = "--tile", paramLabel = "PX", description = "Square tile size (default: chosen for the work)" )
	Integer tile;

	@Option( names = "--halo", paramLabel = "PX", description = "Halo around tiles (default: a saved classifier's, else the model's measured halo)" )
	Integer halo;

	@Option( names = "--margin", paramLabel = "PX", description = "Pixels beyond each plane's edges that the model sees the plane mirrored "
			+ "(as classic filters see the edges), rounded up to the model's size multiple (16); default: a saved classifier's, or that of "
			+ "the features read with --features, else " + org.featurize.unet.classify.ClassifyRequest.DEFAULT_MARGIN )
	Integer margin;

	@Option( names = "--chunk", paramLabel = "PX", description = "Side of the output's square chunks (default: whole planes up to 64 MiB of "
			+ "features, 1024 x 1024 beyond)" )
	Integer chunk;

	@Option( names = "--precision", paramLabel = "P", description = "float32 (default) or bf16" )
	String precision = "float32";

	@Option( names = "--overwrite", description = "Replace existing outputs" )
	boolean overwrite;

	/** The array path inside each input, or empty. */
	public String dataset()
	{
		return dataset;
	}

	/** The probabilities output, or null. */
	public Path probabilities()
	{
		return probabilities;
	}

	/** The features of {@code input} as these options compute them. */
	public FeaturizeRequest features( final Path input )
	{
		return FeaturizeRequest.of( input ).dataset( dataset ).region( region ).level( level ).model( model ).tile( tile ).halo( halo ).margin( margin ).chunk( chunk ).precision( precision );
	}

	/** A request over {@code features} that writes {@code output} (and what else these options ask for). */
	public ClassifyRequest request( final FeaturizeRequest features, final Path output )
	{
		return ClassifyRequest.of( features ).output( output ).probabilities( probabilities ).labelsOme( labelsOme ).outputType( outputType )
				.overwrite( overwrite );
	}
}
