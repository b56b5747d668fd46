package org.featurize.unet.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preview=plane.png: the input beside the first three principal components of one plane's features. */
class PreviewTest
{
	static List< String > run( final FeaturizeRequest request )
	{
		final List< String > log = new ArrayList<>();
		new Featurizer( log::add ).run( request, Progress.NONE, () -> false );
		return log;
	}

	@Test
	void writesTheInputBesideAnRgbPictureOfTheFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), png = dir.resolve( "plane.png" );
		final List< String > log = run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).tile( 12 ).preview( png ) );
		assertTrue( log.get( log.size() - 1 ).startsWith( "Preview: " + png + ": plane 1 (z 1, t 0), 56 x 20" ), log.toString() );
		final BufferedImage image = ImageIO.read( png.toFile() );
		assertNotNull( image, "the PNG decodes" );
		assertEquals( 2 * 28, image.getWidth() );
		assertEquals( 20, image.getHeight() );
		final Set< Integer > greys = new HashSet<>(), colours = new HashSet<>();
		for ( int y = 0; y < 20; y++ )
			for ( int x = 0; x < 28; x++ )
			{
				final int g = image.getRGB( x, y ) & 0xffffff;
				assertTrue( ( g & 0xff ) == ( g >> 8 & 0xff ) && ( g & 0xff ) == ( g >> 16 ), "the input half is grey" );
				greys.add( g );
				colours.add( image.getRGB( 28 + x, y ) & 0xffffff );
			}
		assertTrue( greys.size() > 10, "the input half is not uniform: " + greys.size() + " greys" );
		assertTrue( colours.size() > 100, "the feature half is not uniform: " + colours.size() + " colours" );
		final Set< Integer > reds = new HashSet<>(), greens = new HashSet<>(), blues = new HashSet<>();
		for ( final int c : colours )
		{
			reds.add( c >> 16 );
			greens.add( c >> 8 & 0xff );
			blues.add( c & 0xff );
		}
		assertTrue( reds.size() > 10 && greens.size() > 10 && blues.size() > 10, "each component varies: " + reds.size() + ", "
				+ greens.size() + ", " + blues.size() );
	}

	@Test
	void thePlaneIsTzPlusZAndBadRequestsAreRefusedBeforeAnyCompute( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), png = dir.resolve( "p.png" );
		final List< String > log = run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).preview( png ).previewPlane( 5 ) );
		assertTrue( log.get( log.size() - 1 ).contains( "plane 5 (z 2, t 1)" ), log.toString() );

		final FeaturizeException exists = assertThrows( FeaturizeException.class,
				() -> run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).preview( png ) ) );
		assertEquals( "preview " + png + " already exists; set overwrite=true to replace it", exists.getMessage() );
		final FeaturizeException range = assertThrows( FeaturizeException.class,
				() -> run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).preview( dir.resolve( "q.png" ) ).previewPlane( 6 ) ) );
		assertEquals( "preview_plane must be a plane index t * Z + z in 0..5, got 6", range.getMessage() );
		final FeaturizeException name = assertThrows( FeaturizeException.class,
				() -> run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).preview( dir.resolve( "q.jpg" ) ) ) );
		assertEquals( "preview must name a .png file, got " + dir.resolve( "q.jpg" ), name.getMessage() );
		assertFalse( Files.exists( dir.resolve( "q.png" ) ) );
		final FeaturizeException inside = assertThrows( FeaturizeException.class,
				() -> run( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).preview( input.resolve( "p.png" ) ) ) );
		assertTrue( inside.getMessage().endsWith( "lies inside the input " + input + "; the input is never written to" ), inside.getMessage() );
	}

	@Test
	void theLauncherTakesPreviewAndPreviewPlane( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), png = dir.resolve( "cli.png" ), runPng = dir.resolve( "run.png" );
		assertEquals( 0, FeaturizeMain.run( new String[] { input.toString(), dir.resolve( "o.zarr" ).toString(), "--model",
				Fixtures.TINY_MODEL.toString(), "--preview", png.toString(), "--preview-plane", "4" }, System.out, System.err ) );
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet", String.format(
				"input='%s',model='%s',preview='%s',preview_plane=4", input, Fixtures.TINY_MODEL, runPng ) }, System.out, System.err ) );
		final BufferedImage a = ImageIO.read( png.toFile() ), b = ImageIO.read( runPng.toFile() );
		for ( int y = 0; y < 20; y++ )
			for ( int x = 0; x < 56; x++ )
				assertEquals( a.getRGB( x, y ), b.getRGB( x, y ) );
	}
}
