package org.featurize.unet.preview;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;

import org.featurize.unet.FeaturizeException;

/**
 * A picture of a classified plane, three panels side by side: the input (grey, its 1st to 99th percentile
 * stretched), the scribbles in their classes' colours over it, and every pixel's class in its colour, blended
 * half and half with the input so that the structures stay visible.
 */
public final class ClassPicture
{
	private ClassPicture()
	{}

	/**
	 * @param grey
	 *            the plane, row-major
	 * @param scribbles
	 *            the labelled pixels' class values (0: unlabelled), row-major, or null
	 * @param classes
	 *            every pixel's class value, row-major
	 * @param colors
	 *            class value to 0xRRGGBB
	 */
	public static void write( final Path file, final float[] grey, final int width, final int height, final long[] scribbles, final long[] classes,
			final Map< Long, Integer > colors )
	{
		if ( grey.length != width * height || classes.length != grey.length || scribbles != null && scribbles.length != grey.length )
			throw new FeaturizeException( "A picture of " + width + " x " + height + " pixels needs that many values" );
		final int[] g = Preview.bytes( grey );
		final BufferedImage image = new BufferedImage( 3 * width, height, BufferedImage.TYPE_INT_RGB );
		for ( int y = 0; y < height; y++ )
			for ( int x = 0; x < width; x++ )
			{
				final int i = y * width + x, v = g[ i ], rgb = v << 16 | v << 8 | v;
				image.setRGB( x, y, rgb );
				image.setRGB( width + x, y, scribbles != null && scribbles[ i ] != 0 ? colors.getOrDefault( scribbles[ i ], 0xffffff ) : rgb );
				final int c = colors.getOrDefault( classes[ i ], 0 );
				image.setRGB( 2 * width + x, y, ( ( c >> 16 & 0xff ) + v ) / 2 << 16 | ( ( c >> 8 & 0xff ) + v ) / 2 << 8 | ( ( c & 0xff ) + v ) / 2 );
			}
		Preview.save( image, file );
	}
}
