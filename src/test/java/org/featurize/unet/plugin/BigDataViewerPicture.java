package org.featurize.unet.plugin;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.compute.VolatileFeatures;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;

import bdv.tools.brightness.ConverterSetup;
import bdv.util.BdvFunctions;
import bdv.util.BdvStackSource;
import bdv.viewer.ViewerPanel;
import net.imglib2.img.array.ArrayImgs;

/**
 * Draws what {@code display=BigDataViewer} shows of the shipped sample with the shipped model
 * ({@code normalization=percentile}, a 256 x 256 plane drawn twice its size), through the test-scope stand-in's
 * painter: the input plane, the active sources composited as BigDataViewer adds them, and each feature's colour,
 * range and visibility. Not a test:
 * run by hand, {@code java -cp ... org.featurize.unet.plugin.BigDataViewerPicture docs/bigdataviewer-features.png}.
 * It paints into an image, so it needs no screen.
 */
public final class BigDataViewerPicture
{
	/** The sample's width and height, and how much the picture enlarges it (nearest neighbour). */
	private static final int SIZE = 256, ZOOM = 2;

	private BigDataViewerPicture()
	{}

	public static void main( final String[] args ) throws Exception
	{
		render( new File( args.length > 0 ? args[ 0 ] : "docs/bigdataviewer-features.png" ), false );
		System.exit( 0 );
	}

	/**
	 * Writes the picture to {@code out}; with {@code screen}, the viewer's composite is also shown on the screen, 1:1
	 * in a window of its own, and a screenshot of it is compared with what was painted: returns the number of pixels
	 * of the screenshot that differ (0 when the screen shows what the stand-in painted).
	 */
	static long render( final File out, final boolean screen ) throws Exception
	{
		final Path dir = Files.createTempDirectory( "bdv-picture" );
		final ZarrArray sample = SampleVolume.write( dir.resolve( "sample.zarr" ), 1, 1, SIZE, SIZE, 1 );
		final short[] input = ( short[] ) sample.readChunk( 0, 0, 0, 0 );
		final FeatureImage features = Features.lazy( ArrayImgs.unsignedShorts( input, SIZE, SIZE ), Models.shared( Models.defaultModelFile(), 1, 2 ),
				FeatureOptions.defaults().normalization( "percentile" ) );
		BdvFunctions.SHOWN.clear();
		BigDataViewerDisplay.show( features, "sample", 2, System.err::println );
		final BdvStackSource< ? > shown = BdvFunctions.SHOWN.get( 0 );
		final ViewerPanel panel = shown.getBdvHandle().getViewerPanel();
		final VolatileFeatures view = features.volatileView( 2 );

		// paint as the viewer does until every cell of the plane is computed and the ranges have settled
		final long deadline = System.nanoTime() + 300_000_000_000L;
		String last = "";
		int stable = 0;
		while ( stable < 3 && System.nanoTime() < deadline )
		{
			panel.paint( 0, 0 );
			Thread.sleep( 300 );
			final String now = ranges( shown.getConverterSetups() );
			stable = view.pending() == 0 && allCached( features ) && now.equals( last ) ? stable + 1 : 0;
			last = now;
		}
		System.err.println( "Ranges: " + last );
		final BufferedImage composite = panel.paint( 0, 0 );

		final int legend = 300, top = 28;
		final int side = ZOOM * SIZE;
		final BufferedImage picture = new BufferedImage( 2 * side + legend, side + top, BufferedImage.TYPE_INT_RGB );
		final Graphics2D g = picture.createGraphics();
		g.setRenderingHint( RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON );
		g.setColor( new Color( 0x202020 ) );
		g.fillRect( 0, 0, picture.getWidth(), picture.getHeight() );
		g.drawImage( grey( input ), 0, top, side, side, null );
		g.drawImage( composite, side, top, side, side, null );
		g.setFont( new Font( Font.SANS_SERIF, Font.PLAIN, 14 ) );
		g.setColor( Color.WHITE );
		g.drawString( "input (uint16, 1st..99th percentile)", 8, 19 );
		g.drawString( "display=BigDataViewer: features 0, 1, 2 added", side + 8, 19 );
		g.drawString( "feature: colour, range, shown", 2 * side + 10, 19 );
		final List< ConverterSetup > setups = shown.getConverterSetups();
		for ( int c = 0; c < setups.size(); c++ )
		{
			final ConverterSetup s = setups.get( c );
			final int y = top + 6 + c * 30;
			g.setColor( new Color( s.getColor().get() & 0xffffff ) );
			g.fillRect( 2 * side + 10, y, 22, 22 );
			final boolean active = panel.state().isSourceActive( shown.getSources().get( c ) );
			g.setColor( active ? Color.WHITE : new Color( 0x909090 ) );
			g.drawString( String.format( "%2d  %7.2f .. %7.2f %s", c, s.getDisplayRangeMin(), s.getDisplayRangeMax(), active ? "  shown" : "" ),
					2 * side + 40, y + 16 );
		}
		g.dispose();
		final File parent = out.getAbsoluteFile().getParentFile();
		if ( parent != null )
			parent.mkdirs();
		ImageIO.write( picture, "png", out );
		System.err.println( "Wrote " + out );
		return screen ? onScreen( composite, new File( out.getPath().replaceAll( "\\.png$", "" ) + "-screen.png" ) ) : 0;
	}

	/** Shows {@code image} 1:1 in an undecorated window, takes a screenshot of it into {@code shot}; returns the pixels that differ. */
	static long onScreen( final BufferedImage image, final File shot ) throws Exception
	{
		final javax.swing.JFrame[] frame = new javax.swing.JFrame[ 1 ];
		javax.swing.SwingUtilities.invokeAndWait( () -> {
			frame[ 0 ] = new javax.swing.JFrame( "BigDataViewer features" );
			frame[ 0 ].setUndecorated( true );
			frame[ 0 ].add( new javax.swing.JLabel( new javax.swing.ImageIcon( image ) ) );
			frame[ 0 ].pack();
			frame[ 0 ].setLocation( 0, 0 );
			frame[ 0 ].setVisible( true );
		} );
		Thread.sleep( 1500 );
		final java.awt.Point origin = frame[ 0 ].getContentPane().getLocationOnScreen();
		final BufferedImage captured = new java.awt.Robot().createScreenCapture( new java.awt.Rectangle( origin.x, origin.y, image.getWidth(),
				image.getHeight() ) );
		ImageIO.write( captured, "png", shot );
		long differ = 0;
		for ( int y = 0; y < image.getHeight(); y++ )
			for ( int x = 0; x < image.getWidth(); x++ )
				if ( ( captured.getRGB( x, y ) & 0xffffff ) != ( image.getRGB( x, y ) & 0xffffff ) )
					differ++;
		System.out.println( "SCREEN " + shot + " " + captured.getWidth() + "x" + captured.getHeight() + ", " + differ + " pixels differ from the painted composite" );
		javax.swing.SwingUtilities.invokeAndWait( frame[ 0 ]::dispose );
		return differ;
	}

	private static boolean allCached( final FeatureImage features )
	{
		for ( long i = 0; i < features.numCells(); i++ )
			if ( !features.isCellCached( i ) )
				return false;
		return true;
	}

	private static String ranges( final List< ConverterSetup > setups )
	{
		final StringBuilder b = new StringBuilder();
		for ( final ConverterSetup s : setups )
			b.append( String.format( "[%.3f, %.3f] ", s.getDisplayRangeMin(), s.getDisplayRangeMax() ) );
		return b.toString();
	}

	private static BufferedImage grey( final short[] values )
	{
		final float[] sorted = new float[ values.length ];
		for ( int i = 0; i < values.length; i++ )
			sorted[ i ] = values[ i ] & 0xffff;
		Arrays.sort( sorted );
		final float lo = sorted[ values.length / 100 ], hi = sorted[ values.length * 99 / 100 ];
		final BufferedImage image = new BufferedImage( SIZE, SIZE, BufferedImage.TYPE_INT_RGB );
		for ( int i = 0; i < values.length; i++ )
		{
			final int v = ( int ) Math.round( 255 * Math.max( 0, Math.min( 1, ( ( values[ i ] & 0xffff ) - lo ) / ( hi - lo ) ) ) );
			image.setRGB( i % SIZE, i / SIZE, v << 16 | v << 8 | v );
		}
		return image;
	}
}
