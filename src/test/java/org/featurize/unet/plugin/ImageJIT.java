package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.imageio.ImageIO;

import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageJ 1.x for real, in a window under Xvfb: a macro {@code run("UNet", ...)} reaches the command through the
 * modelled legacy layer with its user interface (no dialog, only the window asked for), and a screenshot of the ImageJ display of a featurized sample shows structure.
 */
class ImageJIT
{
	/** Runs ImageJSession in a JVM under xvfb-run; returns {exit, output}. */
	static String[] session( final Path dir, final String... args ) throws Exception
	{
		final Path xvfb = Paths.get( "/usr/bin/xvfb-run" );
		if ( !Files.isExecutable( xvfb ) )
		{
			if ( System.getenv( "CI" ) != null )
				fail( "xvfb-run is missing: apt-get install xvfb xauth" );
			Assumptions.abort( "xvfb-run is missing (apt-get install xvfb xauth): ImageJ window tests skipped" );
		}
		final List< String > cmd = new ArrayList<>( List.of( xvfb.toString(), "-a", "-s", "-screen 0 1280x1024x24",
				Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Djava.awt.headless=false",
				"-Dai.djl.offline=true", "-Xmx1g", "-cp", System.getProperty( "java.class.path" ), ImageJSession.class.getName() ) );
		cmd.addAll( List.of( args ) );
		final Path log = dir.resolve( "session.log" );
		final Process p = new ProcessBuilder( cmd ).redirectErrorStream( true ).redirectOutput( log.toFile() ).start();
		if ( !p.waitFor( 3, TimeUnit.MINUTES ) )
		{
			p.descendants().forEach( ProcessHandle::destroyForcibly );
			p.destroyForcibly();
			fail( "the ImageJ session did not end in 3 minutes (a modal dialog?):\n" + Files.readString( log ) );
		}
		return new String[] { Integer.toString( p.exitValue() ), Files.readString( log ) };
	}

	/** A plugins folder with a jar whose plugins.config puts "UNet" in ImageJ's menus. */
	static Path pluginsDir( final Path dir ) throws Exception
	{
		final Path plugins = Files.createDirectories( dir.resolve( "ij/plugins" ) );
		try ( JarOutputStream jar = new JarOutputStream( Files.newOutputStream( plugins.resolve( "Featurize_Shim.jar" ) ) ) )
		{
			jar.putNextEntry( new JarEntry( "plugins.config" ) );
			jar.write( ( "Plugins>Featurize, \"UNet\", " + MacroShim.class.getName() + "\n" ).getBytes( "UTF-8" ) );
			jar.closeEntry();
		}
		return dir.resolve( "ij" );
	}

	@Test
	void aMacroRunsTheCommandWithoutADialogAndOpensOnlyTheWindowAskedFor( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );

		// the README's macro, as it stands, gives three parameters: the rest take their defaults, no dialog, no window
		final Path readme = dir.resolve( "readme out.zarr" );
		final String[] r = session( dir, "macro", pluginsDir( dir ).toString(), FijiMacrosTest.readmeMacro( input, readme ) );
		assertEquals( "0", r[ 0 ], r[ 1 ] );
		assertTrue( r[ 1 ].contains( "UNet done, windows: 0" ), r[ 1 ] );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 16 }, ZarrArray.open( readme, "" ).shape() );

		final Path output = dir.resolve( "out put.zarr" );
		final String macro = "run(\"UNet\", \"input=[" + input + "] output=[" + output + "] model=[" + Fixtures.TINY_MODEL
				+ "] threads=2 tile=14 chunk=14 display=ImageJ\");";
		final String[] s = session( dir, "macro", pluginsDir( dir ).toString(), macro );
		assertEquals( "0", s[ 0 ], s[ 1 ] );
		assertTrue( s[ 1 ].contains( "UNet done, windows: 1" ), "display=ImageJ opens one window: " + s[ 1 ] );
		final ZarrArray out = ZarrArray.open( output, "" );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 4 }, out.shape() );
		assertArrayEquals( new int[] { 1, 1, 14, 14, 4 }, out.chunkShape(), "tile=14 chunk=14 reached the command" );

		// a bad value aborts the macro with the command's reason
		final String bad = "run(\"UNet\", \"input=[" + input + "] output=[" + dir.resolve( "o2.zarr" ) + "] model=[" + Fixtures.TINY_MODEL + "] halo=-4\");";
		final String[] b = session( dir, "macro", pluginsDir( dir ).toString(), bad );
		assertEquals( "1", b[ 0 ], b[ 1 ] );
		assertTrue( b[ 1 ].contains( "UNet failed: halo must be zero or a positive number of pixels, got -4" ), b[ 1 ] );
	}

	@Test
	void aScreenshotOfTheImageJDisplayShowsStructure( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "sample.zarr" );
		org.featurize.unet.cli.SampleVolume.write( input, 1, 3, 160, 192, 2 );
		final Path shots = Files.createDirectories( External.projectDir().resolve( "target/screenshots" ) );
		final Path png = shots.resolve( "imagej-feature-channel-5.png" );
		final String[] r = session( dir, "screenshot", input.toString(), "", png.toString(), "5" );
		assertEquals( "0", r[ 0 ], r[ 1 ] );
		System.out.println( "Screenshot of the ImageJ display: " + png.toAbsolutePath() );
		final BufferedImage image = ImageIO.read( png.toFile() );
		assertEquals( 192, image.getWidth() );
		assertEquals( 160, image.getHeight() );
		double sum = 0, sum2 = 0;
		int distinct = 0;
		final boolean[] seen = new boolean[ 256 ];
		for ( int y = 0; y < image.getHeight(); y++ )
			for ( int x = 0; x < image.getWidth(); x++ )
			{
				final int g = image.getRGB( x, y ) & 0xff;
				sum += g;
				sum2 += g * g;
				if ( !seen[ g ] )
				{
					seen[ g ] = true;
					distinct++;
				}
			}
		final double n = image.getWidth() * image.getHeight(), mean = sum / n, std = Math.sqrt( sum2 / n - mean * mean );
		System.out.printf( "Screenshot grey levels: mean %.1f, std %.1f, %d distinct%n", mean, std, distinct );
		assertTrue( std > 10, "the picture is not uniform: std " + std );
		assertTrue( distinct > 32, "the picture has structure: " + distinct + " grey levels" );
		assertTrue( mean > 5 && mean < 250, "the picture is not blank: mean " + mean );
	}

	/**
	 * Pixel Classifier's display on a real screen: the lazy label hyperstack of the sample, shown by ImageJ with the
	 * classes' lookup table, is, pixel for pixel, the classes' colours where the label image holds those classes.
	 */
	@Test
	void aScreenshotOfTheLabelDisplayIsTheClassesInTheirColours( @TempDir final Path dir ) throws Exception
	{
		final int w = 192, h = 160;
		final Path input = dir.resolve( "sample.zarr" ), labels = dir.resolve( "scribbles.zarr" ), file = dir.resolve( "sample.classifier.json" );
		final byte[] truth = new byte[ 2 * w * h ];
		org.featurize.unet.cli.SampleVolume.write( input, 1, 2, h, w, 2, truth );
		final ZarrArray l = ZarrArray.create( labels, "", org.featurize.unet.zarr.ArraySpec.builder().shape( 1, 2, h, w ).chunks( 1, 1, h, w )
				.dataType( org.featurize.unet.zarr.DataType.UINT8 ).zarrFormat( 2 ).build() );
		l.writeChunk( new long[] { 0, 0, 0, 0 }, scribbles( truth, w, h ) );
		final Path classes = dir.resolve( "classes.zarr" );
		final org.featurize.unet.classify.ClassifyJob.Result trained = new org.featurize.unet.classify.ClassifyJob( s -> {} ).run(
				org.featurize.unet.classify.ClassifyRequest.of( org.featurize.unet.job.FeaturizeRequest.of( input ) ).labels( labels, "" )
						.output( classes ).saveClassifier( file ), org.featurize.unet.io.Progress.NONE, () -> false );
		final Path shots = Files.createDirectories( External.projectDir().resolve( "target/screenshots" ) );
		final Path png = shots.resolve( "imagej-classes.png" );
		final String[] r = session( dir, "classes", input.toString(), file.toString(), png.toString() );
		assertEquals( "0", r[ 0 ], r[ 1 ] );
		final BufferedImage image = ImageIO.read( png.toFile() );
		assertEquals( w, image.getWidth(), r[ 1 ] );
		assertEquals( h, image.getHeight(), r[ 1 ] );
		final byte[] plane = ( byte[] ) ZarrArray.open( classes, "" ).readChunk( 0, 0, 0, 0 ); // plane (0, 0) as saved
		final java.util.Map< Long, Integer > colour = new java.util.HashMap<>();
		for ( int k = 0; k < trained.classifier.classes(); k++ )
			colour.put( trained.classifier.value( k ), trained.classifier.color( k ) & 0xffffff );
		int same = 0;
		final int[] counts = new int[ 4 ];
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
			{
				final int v = plane[ y * w + x ] & 0xff;
				counts[ v ]++;
				if ( ( image.getRGB( x, y ) & 0xffffff ) == colour.get( ( long ) v ) )
					same++;
			}
		System.out.printf( "Label display: %d of %d pixels in their class's colour; classes 1, 2, 3: %d, %d, %d pixels%n", same, w * h, counts[ 1 ],
				counts[ 2 ], counts[ 3 ] );
		assertEquals( w * h, same, "every pixel on screen is its class's colour" );
		assertTrue( counts[ 1 ] > 0 && counts[ 2 ] > 0 && counts[ 3 ] > 0, "the plane holds all three classes" );
	}

	/**
	 * Sparse labels of plane 0: for each class of the truth (1, 2 or 3), about 150 of its pixels whose four neighbours
	 * are of that class too, evenly spread over them.
	 */
	static byte[] scribbles( final byte[] truth, final int w, final int h )
	{
		final byte[] out = new byte[ w * h ];
		for ( int k = 1; k <= 3; k++ )
		{
			final java.util.List< Integer > inside = new java.util.ArrayList<>();
			for ( int y = 1; y < h - 1; y++ )
				for ( int x = 1; x < w - 1; x++ )
				{
					final int i = y * w + x;
					if ( truth[ i ] == k && truth[ i - 1 ] == k && truth[ i + 1 ] == k && truth[ i - w ] == k && truth[ i + w ] == k )
						inside.add( i );
				}
			final int step = Math.max( 1, inside.size() / 150 );
			for ( int j = 0; j < inside.size(); j += step )
				out[ inside.get( j ) ] = ( byte ) k;
		}
		return out;
	}

	/**
	 * display=BigDataViewer on a screen (Xvfb), through the test stand-in: the sample's first three features, each in
	 * its colour through its range from the data, reach the screen as painted, and the picture has colour and
	 * structure.
	 */
	@Test
	void aScreenshotOfTheBigDataViewerDisplayShowsColouredFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path shots = Files.createDirectories( External.projectDir().resolve( "target/screenshots" ) );
		final Path png = shots.resolve( "bigdataviewer-features.png" );
		final String[] r = session( dir, "bigdataviewer", png.toString() );
		assertEquals( "0", r[ 0 ], r[ 1 ] );
		assertTrue( r[ 1 ].contains( ", 0 pixels differ from the painted composite" ), r[ 1 ] );
		final BufferedImage shot = ImageIO.read( shots.resolve( "bigdataviewer-features-screen.png" ).toFile() );
		assertEquals( 256, shot.getWidth() );
		int coloured = 0;
		final java.util.Set< Integer > levels = new java.util.HashSet<>();
		for ( int y = 0; y < shot.getHeight(); y++ )
			for ( int x = 0; x < shot.getWidth(); x++ )
			{
				final int rgb = shot.getRGB( x, y ), red = rgb >> 16 & 0xff, green = rgb >> 8 & 0xff, blue = rgb & 0xff;
				if ( Math.max( red, Math.max( green, blue ) ) - Math.min( red, Math.min( green, blue ) ) > 40 )
					coloured++;
				levels.add( rgb & 0xffffff );
			}
		System.out.printf( "BigDataViewer screenshot: %d of %d pixels coloured, %d colours%n", coloured, shot.getWidth() * shot.getHeight(), levels.size() );
		assertTrue( coloured > shot.getWidth() * shot.getHeight() / 4, "the features show in colour, not grey: " + coloured );
		assertTrue( levels.size() > 256, "the picture has structure: " + levels.size() + " colours" );
	}
}
