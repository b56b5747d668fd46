package org.featurize.unet.plugin;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.imageio.ImageIO;

import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;

/**
 * Test scope: a real ImageJ 1.x session, run in its own JVM under Xvfb by the integration tests.
 * <ul>
 * <li>{@code macro PLUGINS_DIR MACRO}: starts ImageJ with that plugins folder, runs the macro, prints the
 * log, exits 0 when the log says "UNet done";</li>
 * <li>{@code screenshot INPUT MODEL PNG CHANNEL}: featurizes INPUT (lazily), shows the ImageJ display,
 * selects a feature channel and saves a screenshot of the window;</li>
 * <li>{@code classes INPUT CLASSIFIER PNG}: applies a saved pixel classifier to INPUT (lazily), shows the label
 * hyperstack as Pixel Classifier does ({@link LabelDisplay}) and saves a screenshot of its first plane;</li>
 * <li>{@code bigdataviewer PNG}: display=BigDataViewer of the shipped sample through the test stand-in
 * ({@link BigDataViewerPicture}), its composite shown on the screen and captured; exits 0 when the screen shows,
 * pixel for pixel, what was painted.</li>
 * </ul>
 */
public final class ImageJSession
{
	public static void main( final String[] args ) throws Exception
	{
		int status;
		try
		{
			status = args[ 0 ].equals( "macro" ) ? macro( args[ 1 ], args[ 2 ] )
					: args[ 0 ].equals( "classes" ) ? classes( args[ 1 ], args[ 2 ], args[ 3 ] )
							: args[ 0 ].equals( "bigdataviewer" ) ? ( BigDataViewerPicture.render( new File( args[ 1 ] ), true ) == 0 ? 0 : 1 )
							: screenshot( args[ 1 ], args[ 2 ], args[ 3 ], Integer.parseInt( args[ 4 ] ) );
		}
		catch ( final Throwable t )
		{
			t.printStackTrace();
			status = 3;
		}
		System.exit( status );
	}

	static int macro( final String pluginsDir, final String macro )
	{
		System.setProperty( "plugins.dir", pluginsDir );
		new ImageJ( ImageJ.NO_SHOW );
		IJ.runMacro( macro );
		final String log = IJ.getLog() == null ? "" : IJ.getLog();
		System.out.println( "LOG>" + log.replace( "\n", "\nLOG>" ) );
		return log.contains( "UNet done" ) ? 0 : 1;
	}

	static int classes( final String input, final String classifier, final String png ) throws Exception
	{
		final org.featurize.unet.classify.ClassifyJob.Result result = new org.featurize.unet.classify.ClassifyJob( System.err::println ).run(
				org.featurize.unet.classify.ClassifyRequest.of( FeaturizeRequest.of( Paths.get( input ) ) ).classifier( Paths.get( classifier ) ).lazyResult( true ),
				Progress.NONE, () -> false );
		final ImagePlus imp = LabelDisplay.show( result.classification, "classes" );
		imp.setPosition( 1, 1, 1 );
		imp.updateAndDraw();
		return capture( imp, png );
	}

	/** Brings the image's window to the front and saves a screenshot of its canvas (1:1) to {@code png}. */
	static int capture( final ImagePlus imp, final String png ) throws Exception
	{
		Thread.sleep( 1500 );
		final java.awt.Window window = imp.getWindow();
		if ( window == null )
			throw new IllegalStateException( "no ImageJ window is showing" );
		window.toFront();
		Thread.sleep( 500 );
		final Rectangle bounds = imp.getCanvas().getBounds();
		final java.awt.Point origin = imp.getCanvas().getLocationOnScreen();
		final BufferedImage shot = new Robot().createScreenCapture( new Rectangle( origin.x, origin.y, bounds.width, bounds.height ) );
		ImageIO.write( shot, "png", new File( png ) );
		System.out.println( "SCREENSHOT " + png + " " + shot.getWidth() + "x" + shot.getHeight() + " magnification " + imp.getCanvas().getMagnification() );
		return 0;
	}

	static int screenshot( final String input, final String model, final String png, final int channel ) throws Exception
	{
		final Path in = Paths.get( input );
		final Featurizer.Result result = new Featurizer( System.err::println )
				.run( FeaturizeRequest.of( in ).model( model.isEmpty() ? null : Paths.get( model ) ), Progress.NONE, () -> false );
		final ImagePlus imp = ImageJDisplay.show( result.image(), "features" );
		imp.setC( channel );
		ImageJDisplay.autoContrast( imp );
		imp.updateAndDraw();
		Thread.sleep( 1500 );
		final java.awt.Window window = WindowManager.getCurrentWindow();
		if ( window == null )
			throw new IllegalStateException( "no ImageJ window is showing" );
		window.toFront();
		Thread.sleep( 500 );
		final Rectangle bounds = imp.getCanvas().getBounds();
		final java.awt.Point origin = imp.getCanvas().getLocationOnScreen();
		final BufferedImage shot = new Robot().createScreenCapture( new Rectangle( origin.x, origin.y, bounds.width, bounds.height ) );
		ImageIO.write( shot, "png", new File( png ) );
		System.out.println( "SCREENSHOT " + png + " " + shot.getWidth() + "x" + shot.getHeight() + " channel " + imp.getC()
				+ " of " + imp.getNChannels() + ", slice " + imp.getZ() + " of " + imp.getNSlices() + ", frame " + imp.getT() + " of " + imp.getNFrames() );
		return 0;
	}
}
