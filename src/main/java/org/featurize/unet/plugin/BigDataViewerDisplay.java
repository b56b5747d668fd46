package org.featurize.unet.plugin;

import java.awt.EventQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.VolatileFeatures;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.volatiles.VolatileFloatType;
import net.imglib2.view.Views;

/**
 * Shows the features in BigDataViewer, found at run time: BigDataViewer is in every Fiji but not on Maven
 * Central, so this class neither needs it to build nor to run, and says so when it is absent. The image shown
 * is the volatile view of the features' own cache, so BigDataViewer's painter never waits for the model: it
 * paints cells as they finish. Axes go to BigDataViewer as XYZCT (XYZC, or XYC in 2D), which makes one
 * source per feature channel. Each source gets a colour of {@link #PALETTE} and a display range from the data
 * ({@link DisplayRanges}: robust percentiles of the cells computed so far, updated as cells finish); only the first
 * {@value #ACTIVE} sources are active at start, the others one click away in BigDataViewer's source list.
 */
public final class BigDataViewerDisplay
{
	static final String FUNCTIONS = "bdv.util.BdvFunctions";

	/** Sources active (visible) when a display opens. */
	static final int ACTIVE = 3;

	/** The colours of the sources (ARGB), channel c taking {@code PALETTE[c % 16]}: distinct hues first, then lighter tints. */
	static final int[] PALETTE = {
			0xffff0000, 0xff00ff00, 0xff0080ff, 0xffffff00, 0xffff00ff, 0xff00ffff, 0xffff8000, 0xff80ff00,
			0xff8000ff, 0xffff0080, 0xff00ff80, 0xffffffff, 0xffff8080, 0xff80ff80, 0xff8080ff, 0xffffff80 };

	/** The most cached cells (among the first 65536) a new display reads its first ranges from. */
	static final int SEED_CELLS = 16;

	private BigDataViewerDisplay()
	{}

	/** Whether BigDataViewer is on the class path. */
	public static boolean isAvailable()
	{
		return load( FUNCTIONS ) != null;
	}

	/**
	 * Shows the features; returns BigDataViewer's handle of the new sources. What this BigDataViewer cannot do
	 * (colours, ranges, visibility through an API it lacks) goes to {@code warnings}, and the display opens without it.
	 *
	 * @throws FeaturizeException
	 *             if BigDataViewer is absent, with what to do about it
	 */
	public static Object show( final FeatureImage features, final String title, final int threads, final Consumer< String > warnings )
	{
		return show( features, title, threads, warnings, FUNCTIONS );
	}

	/** As {@link #show(FeatureImage, String, int, Consumer)}, with BigDataViewer's entry class named (for tests). */
	static Object show( final FeatureImage features, final String title, final int threads, final Consumer< String > warnings,
			final String functionsClass )
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
			final BigDataViewerSources sources = BigDataViewerSources.of( source, viewer, functions.getClassLoader(), warnings );
			sources.colour( PALETTE, ACTIVE );
			followRanges( features, view, sources );
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
	 * one source per channel, coloured as the features and with ranges from the middle plane ({@link #planeRanges});
	 * returns BigDataViewer's handle of the new sources. What this BigDataViewer cannot do goes to {@code warnings}.
	 *
	 * @throws FeaturizeException
	 *             if BigDataViewer is absent or cannot show it
	 */
	public static Object showImage( final RandomAccessibleInterval< ? > xyczt, final String title, final Consumer< String > warnings )
	{
		return showImage( xyczt, title, warnings, FUNCTIONS );
	}

	/** As {@link #showImage(RandomAccessibleInterval, String, Consumer)}, with BigDataViewer's entry class named (for tests). */
	static Object showImage( final RandomAccessibleInterval< ? > xyczt, final String title, final Consumer< String > warnings,
			final String functionsClass )
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
			final Object source = show.invoke( null, Views.permute( xyczt, 2, 3 ), title, options );
			final Object handle = source.getClass().getMethod( "getBdvHandle" ).invoke( source );
			final Object viewer = handle.getClass().getMethod( "getViewerPanel" ).invoke( handle );
			final BigDataViewerSources sources = BigDataViewerSources.of( source, viewer, functions.getClassLoader(), warnings );
			sources.colour( PALETTE, ACTIVE );
			if ( xyczt.getType() instanceof RealType )
				sources.setRanges( planeRanges( xyczt ) );
			return source;
		}
		catch ( final ReflectiveOperationException e )
		{
			final Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
			throw new FeaturizeException( "BigDataViewer is installed but could not show " + title + " (" + cause
					+ "); is it a version with bdv.util.BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions)?", cause );
		}
	}

	/**
	 * Ranges per channel of an image (x, y, c, z, t) from its middle plane of z at t = 0 ({@link DisplayRanges#ofPlane}):
	 * not volatile, so a cheap estimate read now, once.
	 */
	@SuppressWarnings( "unchecked" )
	static double[][] planeRanges( final RandomAccessibleInterval< ? > xyczt )
	{
		final RandomAccessibleInterval< ? extends RealType< ? > > image = ( RandomAccessibleInterval< ? extends RealType< ? > > ) xyczt;
		final int channels = ( int ) image.dimension( 2 );
		final long z = image.min( 3 ) + image.dimension( 3 ) / 2, t = image.min( 4 );
		final double[][] ranges = new double[ channels ][];
		for ( int c = 0; c < channels; c++ )
			ranges[ c ] = DisplayRanges.ofPlane( Views.hyperSlice( Views.hyperSlice( Views.hyperSlice( image, 4, t ), 3, z ), 2, image.min( 2 ) + c ) );
		return ranges;
	}

	/**
	 * Keeps the sources' display ranges on the data: each cell that finishes gives samples (on the thread that computed
	 * it), and one background thread turns them into ranges, coalescing cells that finish while it works, and hands them
	 * to BigDataViewer on the event dispatch thread. Cells already cached when the display opens are sampled first.
	 */
	private static void followRanges( final FeatureImage features, final VolatileFeatures view, final BigDataViewerSources sources )
	{
		final DisplayRanges ranges = new DisplayRanges( features.channels() );
		final ThreadPoolExecutor estimator = new ThreadPoolExecutor( 1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
			final Thread t = new Thread( r, "featurize-display-ranges" );
			t.setDaemon( true );
			return t;
		} );
		estimator.allowCoreThreadTimeOut( true );
		final AtomicBoolean scheduled = new AtomicBoolean();
		final Runnable update = () -> {
			if ( !scheduled.compareAndSet( false, true ) )
				return;
			estimator.execute( () -> {
				scheduled.set( false );
				final double[][] r = ranges.ranges();
				EventQueue.invokeLater( () -> sources.setRanges( r ) );
			} );
		};
		view.addDataListener( ( data, index ) -> {
			ranges.addCell( data );
			update.run();
		} );
		estimator.execute( () -> {
			int seeded = 0;
			for ( long i = 0; i < Math.min( features.numCells(), 1L << 16 ) && seeded < SEED_CELLS; i++ )
			{
				final float[] data = features.cachedCellData( i );
				if ( data != null )
				{
					ranges.addCell( data );
					seeded++;
				}
			}
			if ( seeded > 0 )
				update.run();
		} );
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
