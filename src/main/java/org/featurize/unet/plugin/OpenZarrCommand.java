package org.featurize.unet.plugin;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.Arrays;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import net.imglib2.RandomAccessibleInterval;

/**
 * Plugins &gt; Featurize &gt; Open Zarr: any Zarr array or OME-Zarr image this project reads (every data type,
 * float16 as float), opened lazily ({@link ZarrView}) and shown as an ImageJ hyperstack (virtual: a plane is read
 * when it is shown) or in BigDataViewer, so that inputs and outputs (features {@code (t, z, y, x, c)} with c as
 * channels, labels as they are) can be looked at without another plugin. The returned image has axes
 * {@code (x, y, [c,] [z,] [t])}, those the array has. Headless it shows nothing and only returns the image.
 */
@Plugin( type = Command.class, menuPath = "Plugins>Featurize>Open Zarr", label = "Open Zarr", headless = true,
		description = "Opens a Zarr array or an OME-Zarr image lazily, as an ImageJ hyperstack or in BigDataViewer" )
public class OpenZarrCommand extends FijiCommand
{
	@Parameter( label = "Zarr array or OME-Zarr image", style = "directory", persist = false,
			description = "The folder of a Zarr array (v2 or v3), of a group that holds one (see dataset), or of an OME-Zarr image" )
	private File input;

	@Parameter( label = "Dataset inside the input", required = false, persist = false,
			description = "Path of the array (or OME-Zarr image) inside the input; empty for the input itself" )
	private String dataset = "";

	@Parameter( label = "Resolution level (OME-Zarr)", required = false, persist = false,
			description = "Of an OME-Zarr multiscale image: the level to open (0: full resolution; 1, 2, ...: the coarser ones). Empty for level 0" )
	private String level = "";

	@Parameter( label = "Display", choices = { "ImageJ", "BigDataViewer" }, persist = false,
			description = "ImageJ: a virtual hyperstack (channels, slices z, frames t); BigDataViewer: one source per channel. Headless: neither" )
	private String display = "ImageJ";

	@Parameter( label = "Image", type = ItemIO.OUTPUT )
	private RandomAccessibleInterval< ? > image;

	@Parameter
	private LogService log;

	@Override
	public void run()
	{
		try
		{
			if ( input == null || input.getPath().isEmpty() )
				throw new FeaturizeException( "input is required: the folder of a Zarr array or an OME-Zarr image" );
			final Display shown = Display.parse( display );
			final ZarrView view = ZarrView.open( input.toPath(), dataset, number( "level", level ) );
			image = view.image();
			log.info( "Opened " + view.array() + " as " + view.axes() + " " + Arrays.toString( image.dimensionsAsLongArray() ) );
			if ( GraphicsEnvironment.isHeadless() )
				return;
			if ( shown == Display.BIGDATAVIEWER )
				BigDataViewerDisplay.showImage( view.hyperstack(), view.title(), log::warn );
			else if ( shown == Display.IMAGEJ )
				ImageJDisplay.wrapHyperstack( view.hyperstack(), view.title() ).show();
		}
		catch ( final FeaturizeException e )
		{
			log.error( e.getMessage() );
			cancel( e.getMessage() );
		}
	}

	/** No input's default depends on another: the dialog shows the fields' own defaults. */
	@Override
	protected Map< String, Object > dialogDefaults()
	{
		return Map.of();
	}

	/** The image of the last run, axes (x, y, [c,] [z,] [t]). */
	public RandomAccessibleInterval< ? > image()
	{
		return image;
	}
}
