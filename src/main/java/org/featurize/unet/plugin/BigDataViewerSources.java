package org.featurize.unet.plugin;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sources of one {@code bdv.util.BdvStackSource}, one per channel, dressed through BigDataViewer's API found by
 * reflection: colour and display range through each {@code bdv.tools.brightness.ConverterSetup}
 * ({@code setColor(ARGBType)}, {@code setDisplayRange(double, double)}), visibility through the viewer panel's state
 * ({@code state().setSourceActive(SourceAndConverter, boolean)}, BigDataViewer 10 and later). What an older
 * BigDataViewer lacks is reported once to {@code warnings} and left as BigDataViewer made it.
 */
final class BigDataViewerSources
{
	private final List< ? > setups;

	private final List< ? > sources;

	private final Object viewer;

	private final ClassLoader loader;

	private final Consumer< String > warnings;

	private Method setDisplayRange, requestRepaint;

	private boolean rangesWarned;

	private BigDataViewerSources( final List< ? > setups, final List< ? > sources, final Object viewer, final ClassLoader loader,
			final Consumer< String > warnings )
	{
		this.setups = setups;
		this.sources = sources;
		this.viewer = viewer;
		this.loader = loader;
		this.warnings = warnings;
	}

	/** The sources of {@code stackSource} (a {@code BdvStackSource}) shown in {@code viewer} (its {@code ViewerPanel}). */
	static BigDataViewerSources of( final Object stackSource, final Object viewer, final ClassLoader loader, final Consumer< String > warnings )
	{
		List< ? > setups = List.of(), sources = List.of();
		try
		{
			setups = ( List< ? > ) stackSource.getClass().getMethod( "getConverterSetups" ).invoke( stackSource );
			sources = ( List< ? > ) stackSource.getClass().getMethod( "getSources" ).invoke( stackSource );
		}
		catch ( final ReflectiveOperationException e )
		{
			warnings.accept( "This BigDataViewer has no BdvStackSource.getConverterSetups() or getSources() (" + cause( e )
					+ "): the features keep its default colours and display ranges" );
		}
		return new BigDataViewerSources( setups, sources, viewer, loader, warnings );
	}

	/** Gives source c the colour {@code palette[c % palette.length]} and makes only the first {@code active} sources active. */
	void colour( final int[] palette, final int active )
	{
		try
		{
			final Class< ? > argb = Class.forName( "net.imglib2.type.numeric.ARGBType", true, loader );
			final Constructor< ? > color = argb.getConstructor( int.class );
			final Method setColor = setupClass().getMethod( "setColor", argb );
			for ( int c = 0; c < setups.size(); c++ )
				setColor.invoke( setups.get( c ), color.newInstance( palette[ c % palette.length ] ) );
		}
		catch ( final ReflectiveOperationException e )
		{
			warnings.accept( "Could not colour the sources in BigDataViewer (" + cause( e ) + "); they keep its default colour" );
		}
		if ( sources.size() <= active )
			return;
		try
		{
			final Method stateMethod = viewer.getClass().getMethod( "state" );
			final Object state = stateMethod.invoke( viewer );
			final Class< ? > sourceAndConverter = Class.forName( "bdv.viewer.SourceAndConverter", true, loader );
			final Method setSourceActive = stateMethod.getReturnType().getMethod( "setSourceActive", sourceAndConverter, boolean.class );
			for ( int c = 0; c < sources.size(); c++ )
				setSourceActive.invoke( state, sources.get( c ), c < active );
		}
		catch ( final ReflectiveOperationException e )
		{
			warnings.accept( "This BigDataViewer has no ViewerPanel.state().setSourceActive(SourceAndConverter, boolean) (" + cause( e )
					+ "): all " + sources.size() + " sources stay visible" );
		}
	}

	/** Sets source c's display range to {@code ranges[c]} (skipping null) and asks the viewer to repaint. */
	void setRanges( final double[][] ranges )
	{
		try
		{
			if ( setDisplayRange == null )
			{
				setDisplayRange = setupClass().getMethod( "setDisplayRange", double.class, double.class );
				requestRepaint = viewer.getClass().getMethod( "requestRepaint" );
			}
			for ( int c = 0; c < Math.min( setups.size(), ranges.length ); c++ )
				if ( ranges[ c ] != null )
					setDisplayRange.invoke( setups.get( c ), ranges[ c ][ 0 ], ranges[ c ][ 1 ] );
			requestRepaint.invoke( viewer );
		}
		catch ( final ReflectiveOperationException e )
		{
			if ( !rangesWarned )
				warnings.accept( "Could not set display ranges in BigDataViewer (" + cause( e ) + "); set them in its Brightness & Color dialog" );
			rangesWarned = true;
		}
	}

	private Class< ? > setupClass() throws ClassNotFoundException
	{
		return Class.forName( "bdv.tools.brightness.ConverterSetup", true, loader );
	}

	private static Throwable cause( final ReflectiveOperationException e )
	{
		return e instanceof InvocationTargetException ? e.getCause() : e;
	}
}
