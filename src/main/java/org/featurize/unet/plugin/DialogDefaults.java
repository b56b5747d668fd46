package org.featurize.unet.plugin;

import java.io.File;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;

/** Values a dialog offers once the user has chosen an input: cheap to find, never required. */
final class DialogDefaults
{
	private DialogDefaults()
	{}

	/** The larger side of the input's chunk in (y, x), or null when the input is not (yet) a Zarr array. */
	static Integer tileOf( final File input, final String dataset )
	{
		if ( input == null || !input.exists() )
			return null;
		try
		{
			final int[] chunks = ZarrArray.open( input.toPath(), dataset == null ? "" : dataset ).chunkShape();
			return chunks.length < 2 ? null : Math.max( chunks[ chunks.length - 1 ], chunks[ chunks.length - 2 ] );
		}
		catch ( final FeaturizeException e )
		{
			return null;
		}
	}

	/** The receptive field that a model's description file gives (the shipped model's for null), or null. */
	static Integer receptiveFieldOf( final File model )
	{
		try
		{
			final java.nio.file.Path file = model == null || model.getPath().isEmpty() ? Models.defaultModelFile() : model.toPath();
			final java.nio.file.Path json = ModelDescription.descriptionFile( file );
			return java.nio.file.Files.isRegularFile( json ) ? ModelDescription.read( json ).receptiveField() : null;
		}
		catch ( final FeaturizeException e )
		{
			return null;
		}
	}
}
