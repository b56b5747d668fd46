package org.featurize.unet.plugin;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.plugin.ContrastEnhancer;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.imagej.RAIToImagePlus;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Shows the lazy features as an ImageJ hyperstack: channels are the features, slices z, frames t. The
 * stack is virtual ({@code imglib2-imagej}'s wrapper over the image), so a plane is computed only when it is
 * looked at; the display range comes from the plane shown first, never from the whole volume.
 */
public final class ImageJDisplay
{
	private ImageJDisplay()
	{}

	/** The hyperstack over features with axes (x, y, c[, z[, t]]), not shown. */
	public static ImagePlus wrap( final RandomAccessibleInterval< FloatType > features, final String title )
	{
		final int n = features.numDimensions();
		if ( n < 3 || n > 5 )
			throw new IllegalArgumentException( "Features must have axes (x, y, c[, z[, t]]), got " + n + " dimensions" );
		final ImagePlus imp = RAIToImagePlus.wrapFloat( features, title );
		final int channels = ( int ) features.dimension( 2 );
		final int slices = n > 3 ? ( int ) features.dimension( 3 ) : 1;
		final int frames = n > 4 ? ( int ) features.dimension( 4 ) : 1;
		imp.setDimensions( channels, slices, frames );
		imp.setOpenAsHyperStack( true );
		final CompositeImage composite = new CompositeImage( imp, IJ.GRAYSCALE );
		composite.setPosition( 1, ( slices + 1 ) / 2, 1 );
		autoContrast( composite );
		return composite;
	}

	/**
	 * The hyperstack over an image of any real type with axes (x, y, c, z, t), not shown: 8- and 16-bit unsigned
	 * values as they are, any other type as 32-bit float; channels as a composite in grey, the middle slice shown,
	 * its display range from that plane ({@link #autoContrast}). Virtual: a plane is read when it is shown.
	 */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public static ImagePlus wrapHyperstack( final RandomAccessibleInterval< ? extends RealType< ? > > xyczt, final String title )
	{
		if ( xyczt.numDimensions() != 5 )
			throw new IllegalArgumentException( "Expected axes (x, y, c, z, t), got " + xyczt.numDimensions() + " dimensions" );
		final RandomAccessibleInterval image = xyczt;
		final Object type = image.getType();
		final ImagePlus imp = type instanceof UnsignedByteType ? RAIToImagePlus.wrapUnsignedByte( image, title )
				: type instanceof UnsignedShortType ? RAIToImagePlus.wrapUnsignedShort( image, title ) : RAIToImagePlus.wrapFloat( image, title );
		final int channels = ( int ) image.dimension( 2 ), slices = ( int ) image.dimension( 3 ), frames = ( int ) image.dimension( 4 );
		imp.setDimensions( channels, slices, frames );
		imp.setOpenAsHyperStack( true );
		final ImagePlus shown = channels > 1 ? new CompositeImage( imp, IJ.GRAYSCALE ) : imp;
		shown.setPosition( 1, ( slices + 1 ) / 2, 1 );
		autoContrast( shown );
		return shown;
	}

	/**
	 * Sets the display range of the plane shown as ImageJ's Auto button does (0.35 % saturated), from that
	 * plane alone, so that features with a few extreme values still show their structure.
	 */
	public static void autoContrast( final ImagePlus imp )
	{
		new ContrastEnhancer().stretchHistogram( imp.getProcessor(), 0.35, imp.getStatistics() );
		imp.setDisplayRange( imp.getProcessor().getMin(), imp.getProcessor().getMax() );
	}

	/** Wraps and shows the features in an ImageJ window; returns the image. */
	public static ImagePlus show( final RandomAccessibleInterval< FloatType > features, final String title )
	{
		final ImagePlus imp = wrap( features, title );
		imp.show();
		return imp;
	}
}
