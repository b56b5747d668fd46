package bdv.viewer;

import java.awt.image.BufferedImage;
import java.util.concurrent.atomic.AtomicInteger;

import bdv.tools.brightness.ConverterSetup;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.Volatile;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Stand-in for BigDataViewer's viewer panel: counts repaint requests, holds the viewer state, and paints one plane of
 * its active sources into an image as BigDataViewer does on screen: each value through its source's display range
 * (0 at the min, 1 at the max, clamped) times the source's colour, the sources added and clamped per component;
 * invalid volatile values paint nothing.
 */
public class ViewerPanel
{
	/** Makes {@link #state()} fail, as a BigDataViewer before version 10 (which has no such method) does. */
	public static volatile boolean withoutState;

	public final AtomicInteger repaints = new AtomicInteger();

	private final SynchronizedViewerState state = new SynchronizedViewerState();

	public void requestRepaint()
	{
		repaints.incrementAndGet();
	}

	public SynchronizedViewerState state()
	{
		if ( withoutState )
			throw new UnsupportedOperationException( "ViewerPanel.state() appeared in BigDataViewer 10" );
		return state;
	}

	/** The state whatever {@link #withoutState} says, for the rest of the stand-in. */
	public SynchronizedViewerState heldState()
	{
		return state;
	}

	/** Plane z of frame t of the active sources, the size of the first source's plane; black where none is active. */
	public BufferedImage paint( final long z, final long t )
	{
		final RandomAccessibleInterval< ? > first = state.getSources().get( 0 ).image;
		final int w = ( int ) first.dimension( 0 ), h = ( int ) first.dimension( 1 );
		final double[] rgb = new double[ 3 * w * h ];
		for ( final SourceAndConverter< ? > source : state.getSources() )
		{
			if ( !state.isSourceActive( source ) )
				continue;
			final ConverterSetup setup = source.setup;
			final double min = setup.getDisplayRangeMin(), max = setup.getDisplayRangeMax();
			final int color = setup.getColor().get();
			final double[] c = { ( color >> 16 & 0xff ) / 255.0, ( color >> 8 & 0xff ) / 255.0, ( color & 0xff ) / 255.0 };
			final RandomAccess< ? > a = plane( source.image, z, t ).randomAccess();
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
				{
					final Object v = a.setPositionAndGet( x, y );
					final RealType< ? > r;
					if ( v instanceof Volatile )
					{
						if ( !( ( Volatile< ? > ) v ).isValid() )
							continue;
						r = ( RealType< ? > ) ( ( Volatile< ? > ) v ).get();
					}
					else
						r = ( RealType< ? > ) v;
					final double s = Math.max( 0, Math.min( 1, ( r.getRealDouble() - min ) / ( max - min ) ) );
					for ( int k = 0; k < 3; k++ )
						rgb[ 3 * ( y * w + x ) + k ] += s * c[ k ];
				}
		}
		final BufferedImage image = new BufferedImage( w, h, BufferedImage.TYPE_INT_RGB );
		for ( int i = 0; i < w * h; i++ )
		{
			int p = 0;
			for ( int k = 0; k < 3; k++ )
				p = p << 8 | ( int ) Math.round( 255 * Math.min( 1, rgb[ 3 * i + k ] ) );
			image.setRGB( i % w, i / w, p );
		}
		return image;
	}

	private static RandomAccessibleInterval< ? > plane( final RandomAccessibleInterval< ? > image, final long z, final long t )
	{
		RandomAccessibleInterval< ? > plane = image;
		if ( plane.numDimensions() > 3 )
			plane = Views.hyperSlice( plane, 3, t );
		if ( plane.numDimensions() > 2 )
			plane = Views.hyperSlice( plane, 2, z );
		return Views.zeroMin( plane );
	}
}
