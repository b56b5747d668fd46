package org.featurize.unet.plugin;

import org.featurize.unet.classify.Classification;
import org.featurize.unet.classify.PixelClassifier;

import ij.ImagePlus;
import ij.process.LUT;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.imagej.RAIToImagePlus;
import net.imglib2.type.numeric.RealType;

/**
 * Shows a classification as an ImageJ hyperstack of class values, slices z and frames t, coloured by the classes'
 * colours ({@link PixelClassifier#color}; 0 black). The stack is virtual over the lazy label image, so a plane is
 * classified only when it is shown. The lookup table colours class values 1 to 255 (8 bits: every value; 16 and 32
 * bits: the display range 0 to 255).
 */
public final class LabelDisplay
{
	private LabelDisplay()
	{}

	/** The hyperstack of the classification's labels, (x, y[, z[, t]]), not shown. */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public static ImagePlus wrap( final Classification classification, final String title )
	{
		final RandomAccessibleInterval labels = classification.labels();
		final int n = labels.numDimensions();
		final ImagePlus imp;
		switch ( classification.type() )
		{
		case UINT8:
			imp = RAIToImagePlus.wrapUnsignedByte( ( RandomAccessibleInterval< RealType > ) labels, title );
			break;
		case UINT16:
			imp = RAIToImagePlus.wrapUnsignedShort( ( RandomAccessibleInterval< RealType > ) labels, title );
			break;
		default:
			imp = RAIToImagePlus.wrapFloat( ( RandomAccessibleInterval< RealType > ) labels, title );
			break;
		}
		final int slices = n > 2 ? ( int ) labels.dimension( 2 ) : 1;
		final int frames = n > 3 ? ( int ) labels.dimension( 3 ) : 1;
		imp.setDimensions( 1, slices, frames );
		imp.setOpenAsHyperStack( slices > 1 && frames > 1 );
		imp.setPosition( 1, ( slices + 1 ) / 2, 1 );
		imp.setLut( lut( classification.classifier() ) );
		imp.setDisplayRange( 0, 255 );
		return imp;
	}

	/** The lookup table: class value v in the colour of its class, every other value black. */
	public static LUT lut( final PixelClassifier classifier )
	{
		final byte[] r = new byte[ 256 ], g = new byte[ 256 ], b = new byte[ 256 ];
		for ( int c = 0; c < classifier.classes(); c++ )
		{
			final long v = classifier.value( c );
			if ( v < 1 || v > 255 )
				continue;
			final int rgb = classifier.color( c );
			r[ ( int ) v ] = ( byte ) ( rgb >> 16 );
			g[ ( int ) v ] = ( byte ) ( rgb >> 8 );
			b[ ( int ) v ] = ( byte ) rgb;
		}
		return new LUT( r, g, b );
	}

	/** Wraps and shows the classification in an ImageJ window; returns the image. */
	public static ImagePlus show( final Classification classification, final String title )
	{
		final ImagePlus imp = wrap( classification, title );
		imp.show();
		return imp;
	}
}
