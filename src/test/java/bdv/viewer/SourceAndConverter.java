package bdv.viewer;

import bdv.tools.brightness.ConverterSetup;
import net.imglib2.RandomAccessibleInterval;

/**
 * Stand-in for BigDataViewer's pair of a source and its converter: one channel's image, axes (x, y[, z[, t]]), and the
 * setup that configures its conversion to the screen.
 */
public class SourceAndConverter< T >
{
	public final RandomAccessibleInterval< T > image;

	public final ConverterSetup setup;

	public SourceAndConverter( final RandomAccessibleInterval< T > image, final ConverterSetup setup )
	{
		this.image = image;
		this.setup = setup;
	}
}
