package org.featurize.unet.plugin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.bioimageio.BioimageioModel;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.Models;
import org.featurize.unet.ome.OmeInput;
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

	/** The (y, x) chunk and the shape of the input as the run reads it (level 0 of an OME-Zarr image), or null. */
	static long[][] chunkAndShape( final File input, final String dataset )
	{
		if ( input == null || !input.exists() )
			return null;
		try
		{
			final OmeInput ome = OmeInput.probe( input.toPath(), dataset );
			final ZarrArray array = ome != null ? ome.level0() : ZarrArray.open( input.toPath(), dataset == null ? "" : dataset );
			final long[] shape = ome != null ? ome.shape() : array.shape();
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
	 * The tile: the input's chunk when it is square (a square tile of that side is the same run); null when it
	 * is not known or not square (then only an empty tile says "the chunk").
	 */
	static Integer tile( final long[][] chunkAndShape )
	{
		if ( chunkAndShape == null || chunkAndShape[ 0 ][ 0 ] != chunkAndShape[ 0 ][ 1 ] )
			return null;
		return ( int ) chunkAndShape[ 0 ][ 0 ];
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

	/**
	 * The halo: the receptive field that the description file of the model the run loads gives (the shipped
	 * model's for null; its bfloat16 variant's for bf16), or null when only the model itself could say.
	 */
	static Integer halo( final File model, final String precision )
	{
		try
		{
			Path file = model == null || model.getPath().isEmpty() ? Models.defaultModelFile() : model.toPath();
			if ( BioimageioModel.isPackage( file ) )
				return null;
			if ( FeaturizeRequest.PRECISION_BF16.equals( precision ) )
				file = Models.bf16Variant( file );
			final Path json = ModelDescription.descriptionFile( file );
			return Files.isRegularFile( json ) ? ModelDescription.read( json ).receptiveField() : null;
		}
		catch ( final RuntimeException e ) // no readable description: only the model could say; the run measures it
		{
			return null;
		}
	}
}
