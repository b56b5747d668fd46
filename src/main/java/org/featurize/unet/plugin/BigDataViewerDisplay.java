package org.featurize.unet.plugin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.VolatileFeatures;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.volatiles.VolatileFloatType;
import net.imglib2.view.Views;

/**
 * Shows the features in BigDataViewer, found at run time: BigDataViewer is in every Fiji but not on Maven
 * Central, so this class neither needs it to build nor to run, and says so when it is absent. The image shown
 * is the volatile view of the features' own cache, so BigDataViewer's painter never waits for the model: it
 * paints cells as they finish. Axes go to BigDataViewer as XYZCT (XYZC, or XYC in 2D), which makes one
 * source per feature channel.
 */
public final class BigDataViewerDisplay
{
	static final String FUNCTIONS = "bdv.util.BdvFunctions";

	private BigDataViewerDisplay()
	{}

	/** Whether BigDataViewer is on the class path. */
	public static boolean isAvailable()
	{
		return load( FUNCTIONS ) != null;
	}

	/**
	 * Shows the features; returns BigDataViewer's handle of the new sources.
	 *
	 * @throws FeaturizeException
	 *             if BigDataViewer is absent, with what to do about it
	 */
	public static Object show( final FeatureImage features, final String title, final int threads )
	{
		return show( features, title, threads, FUNCTIONS );
	}

	/** As {@link #show(FeatureImage, String, int)}, with BigDataViewer's entry class named (for tests). */
	static Object show( final FeatureImage features, final String title, final int threads, final String functionsClass )
	{
		final Class< ? > functions = load( functionsClass );
		if ( functions == null )
			throw new FeaturizeException( "display=BigDataViewer needs BigDataViewer, which is not installed here "
					+ "(it comes with Fiji); use display=ImageJ, or open the saved Zarr in Fiji" );
		final VolatileFeatures view = features.volatileView( threads );
		final RandomAccessibleInterval< VolatileFloatType > image = view.image();
		final int n = image.numDimensions(); // x, y, c[, z[, t]]
		final RandomAccessibleInterval< VolatileFloatType > ordered = n > 3 ? Views.permute( image, 2, 3 ) : image;
		final String order = n == 3 ? "XYC" : n == 4 ? "XYZC" : "XYZCT";
		try
		{
			final Class< ? > bdv = Class.forName( "bdv.util.Bdv", true, functions.getClassLoader() );
			final Class< ? > optionsClass = Class.forName( "bdv.util.BdvOptions", true, functions.getClassLoader() );
			final Class< ? > axisOrder = Class.forName( "bdv.util.AxisOrder", true, functions.getClassLoader() );
			Object options = bdv.getMethod( "options" ).invoke( null );
			options = optionsClass.getMethod( "axisOrder", axisOrder ).invoke( options, enumValue( axisOrder, order ) );
			if ( n == 3 )
				options = optionsClass.getMethod( "is2D" ).invoke( options );
			options = optionsClass.getMethod( "frameTitle", String.class ).invoke( options, title );
			final Method show = functions.getMethod( "show", RandomAccessibleInterval.class, String.class, optionsClass );
			final Object source = show.invoke( null, ordered, title, options );
			final Object handle = source.getClass().getMethod( "getBdvHandle" ).invoke( source );
			final Object viewer = handle.getClass().getMethod( "getViewerPanel" ).invoke( handle );
			final Method repaint = viewer.getClass().getMethod( "requestRepaint" );
			view.addListener( cell -> {
				try
				{
					repaint.invoke( viewer );
				}
				catch ( IllegalAccessException | InvocationTargetException e )
				{
					// the viewer was closed: nothing to repaint
				}
			} );
			return source;
		}
		catch ( final ReflectiveOperationException e )
		{
			final Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
			throw new FeaturizeException( "BigDataViewer is installed but could not show the features ("
					+ cause + "); is it a version with bdv.util.BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions)?", cause );
		}
	}

	/**
	 * Shows an image with axes (x, y, c, z, t) as it is (not volatile: the viewer reads a chunk when it paints it),
	 * one source per channel; returns BigDataViewer's handle of the new sources.
	 *
	 * @throws FeaturizeException
	 *             if BigDataViewer is absent or cannot show it
	 */
	public static Object showImage( final RandomAccessibleInterval< ? > xyczt, final String title )
	{
		return showImage( xyczt, title, FUNCTIONS );
	}

	/** As {@link #showImage(RandomAccessibleInterval, String)}, with BigDataViewer's entry class named (for tests). */
	static Object showImage( final RandomAccessibleInterval< ? > xyczt, final String title, final String functionsClass )
	{
		if ( xyczt.numDimensions() != 5 )
			throw new IllegalArgumentException( "Expected axes (x, y, c, z, t), got " + xyczt.numDimensions() + " dimensions" );
		final Class< ? > functions = load( functionsClass );
		if ( functions == null )
			throw new FeaturizeException( "display=BigDataViewer needs BigDataViewer, which is not installed here "
					+ "(it comes with Fiji); use display=ImageJ" );
		try
		{
			final Class< ? > bdv = Class.forName( "bdv.util.Bdv", true, functions.getClassLoader() );
			final Class< ? > optionsClass = Class.forName( "bdv.util.BdvOptions", true, functions.getClassLoader() );
			final Class< ? > axisOrder = Class.forName( "bdv.util.AxisOrder", true, functions.getClassLoader() );
			Object options = bdv.getMethod( "options" ).invoke( null );
			options = optionsClass.getMethod( "axisOrder", axisOrder ).invoke( options, enumValue( axisOrder, "XYZCT" ) );
			if ( xyczt.dimension( 3 ) == 1 )
				options = optionsClass.getMethod( "is2D" ).invoke( options );
			options = optionsClass.getMethod( "frameTitle", String.class ).invoke( options, title );
			final Method show = functions.getMethod( "show", RandomAccessibleInterval.class, String.class, optionsClass );
			return show.invoke( null, Views.permute( xyczt, 2, 3 ), title, options );
		}
		catch ( final ReflectiveOperationException e )
		{
			final Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
			throw new FeaturizeException( "BigDataViewer is installed but could not show " + title + " (" + cause
					+ "); is it a version with bdv.util.BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions)?", cause );
		}
	}

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	private static Object enumValue( final Class< ? > type, final String name )
	{
		return Enum.valueOf( ( Class< Enum > ) type, name );
	}

	private static Class< ? > load( final String name )
	{
		for ( final ClassLoader loader : new ClassLoader[] { Thread.currentThread().getContextClassLoader(),
				BigDataViewerDisplay.class.getClassLoader() } )
		{
			if ( loader == null )
				continue;
			try
			{
				return Class.forName( name, true, loader );
			}
			catch ( ClassNotFoundException | LinkageError e )
			{
				// not on this class path; try the next
			}
		}
		return null;
	}
}
