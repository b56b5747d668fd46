package org.featurize.unet.plugin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.bioimageio.BioimageioModel;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.job.ModelHalos;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.Models;
import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Selection;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The defaults a run of {@link FeaturizeCommand} would use, as far as they are cheap to know before it runs:
 * read from the input's metadata and the model's description file, never from the model itself. Each is a
 * value that, given explicitly, makes the same run as leaving it empty, or null where no such value is known.
 * They are hints for a dialog, asked for while the user types a path: an input or a model that cannot be read
 * (yet) gives null here, and the run itself reports what is wrong with it.
 */
final class DialogDefaults
{
	private DialogDefaults()
	{}

	/**
	 * The (y, x) chunk and the shape of the input as the run reads it (the level typed of an OME-Zarr image, cut to the
	 * region typed), or null.
	 */
	static long[][] chunkAndShape( final File input, final String dataset, final String region, final Integer level )
	{
		return chunkAndShape( input, dataset, region, level, null );
	}

	/** As {@link #chunkAndShape(File, String, String, Integer)}, with a plain array's channel axis declared (null: as its metadata say). */
	static long[][] chunkAndShape( final File input, final String dataset, final String region, final Integer level, final Integer channelAxis )
	{
		if ( input == null || !input.exists() )
			return null;
		try
		{
			final InputView view = InputView.open( input.toPath(), dataset == null ? "" : dataset, new Selection( region, Selection.ALL_CHANNELS, level, channelAxis ) );
			final ZarrArray array = view.array();
			final long[] shape = view.shape();
			final int[] chunks = array.chunkShape();
			if ( shape.length < 2 || shape.length > 4 || chunks.length < 2 )
				return null;
			return new long[][] { { chunks[ chunks.length - 2 ], chunks[ chunks.length - 1 ] }, shape };
		}
		catch ( final RuntimeException e ) // a path half typed, a file that is not Zarr: no hint; the run says why
		{
			return null;
		}
	}

	/**
	 * The tile, halo, output chunk and workers the run would choose ({@link Featurizer#geometry}) for the input and
	 * the model, given what the user typed (null where nothing; a null margin is none); null when the input is not known yet or the halo
	 * is known only to the model itself (neither its description file nor an earlier run measured it; a bioimage.io
	 * package): the run measures it.
	 */
	static Geometry geometry( final File input, final long[][] chunkAndShape, final File model, final String precision, final String outputType,
			final Integer tile, final Integer chunk, final Integer halo, final Integer margin, final Integer threads )
	{
		if ( chunkAndShape == null )
			return null;
		try
		{
			final Path file = model == null || model.getPath().isEmpty() ? Models.defaultModelFile() : model.toPath();
			if ( BioimageioModel.isPackage( file ) )
				return null;
			final Path json = ModelDescription.descriptionFile( file );
			if ( !Files.isRegularFile( json ) )
				return null;
			final ModelDescription description = ModelDescription.read( json );
			final Integer modelHalo = description.effectiveHalo() >= 0 ? Integer.valueOf( description.effectiveHalo() )
					: ModelHalos.measuredBefore( file, description.receptiveField() );
			if ( halo == null && modelHalo == null )
				return null;
			final FeaturizeRequest request = FeaturizeRequest.of( input.toPath() ).outputType( outputType ).precision( precision )
					.tile( tile ).chunk( chunk ).halo( halo ).margin( margin ).threads( threads );
			return Featurizer.geometry( request, chunkAndShape[ 1 ], description, halo != null ? halo : modelHalo, request.threadsGiven() );
		}
		catch ( final RuntimeException e ) // a tile that cannot fit, a description that cannot be read: no hint; the run says why
		{
			return null;
		}
	}

	/** Worker threads for tiles of {@code tile} (the chunk when null) over that input, as the run chooses them. */
	static int threads( final Integer tile, final long[][] chunkAndShape )
	{
		final int cores = Runtime.getRuntime().availableProcessors();
		if ( chunkAndShape == null )
			return tile == null ? cores : FeaturizeRequest.defaultThreads( ( long ) tile * tile, cores );
		final long[] shape = chunkAndShape[ 1 ];
		final long width = Math.min( tile != null ? tile : chunkAndShape[ 0 ][ 1 ], shape[ shape.length - 1 ] );
		final long height = Math.min( tile != null ? tile : chunkAndShape[ 0 ][ 0 ], shape[ shape.length - 2 ] );
		return FeaturizeRequest.defaultThreads( width * height, cores );
	}

	/** The preview's plane: the middle z of the first time point, or null before the input is known. */
	static Long previewPlane( final long[][] chunkAndShape )
	{
		if ( chunkAndShape == null )
			return null;
		final long[] shape = chunkAndShape[ 1 ];
		return ( shape.length >= 3 ? shape[ shape.length - 3 ] : 1 ) / 2;
	}

	/** Mantissa bits kept: the output type's default; null with rounding=none, which must not be given bits. */
	static Integer keepBits( final String outputType, final String rounding )
	{
		try
		{
			return Rounding.parse( rounding ) == Rounding.NONE ? null : OutputType.parse( outputType ).defaultKeepBits();
		}
		catch ( final FeaturizeException e )
		{
			return null;
		}
	}
}
