package org.featurize.unet.plugin;

import java.awt.GraphicsEnvironment;
import java.util.Locale;
import java.util.function.Consumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;

/** Where the command shows the features: nowhere (the headless default), ImageJ, or BigDataViewer. */
enum Display
{
	NONE, IMAGEJ, BIGDATAVIEWER;

	static Display parse( final String name )
	{
		final String n = name == null ? "none" : name.trim().toLowerCase( Locale.ROOT );
		switch ( n )
		{
		case "none":
			return NONE;
		case "imagej":
			return IMAGEJ;
		case "bigdataviewer":
		case "bdv":
			return BIGDATAVIEWER;
		default:
			throw new FeaturizeException( "Unknown display \"" + name + "\"; expected \"none\", \"ImageJ\" or \"BigDataViewer\"" );
		}
	}

	/** Refuses, before any compute, a display that cannot happen here. */
	void checkCanShow()
	{
		if ( this == NONE )
			return;
		if ( GraphicsEnvironment.isHeadless() )
			throw new FeaturizeException( "display=" + label() + " needs a screen, and this runs headless; use display=none" );
		if ( this == BIGDATAVIEWER && !BigDataViewerDisplay.isAvailable() )
			throw new FeaturizeException( "display=BigDataViewer needs BigDataViewer, which is not installed here "
					+ "(it comes with Fiji); use display=ImageJ" );
	}

	void show( final FeatureImage features, final String title, final int threads, final Consumer< String > warnings )
	{
		switch ( this )
		{
		case IMAGEJ:
			ImageJDisplay.show( features.image(), title );
			break;
		case BIGDATAVIEWER:
			BigDataViewerDisplay.show( features, title, threads, warnings );
			break;
		default:
			break;
		}
	}

	String label()
	{
		return this == IMAGEJ ? "ImageJ" : this == BIGDATAVIEWER ? "BigDataViewer" : "none";
	}
}
