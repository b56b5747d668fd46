package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/featurize classify ... --features F.zarr} in process with the shipped model: features written by
 * {@code bin/featurize} give the classes that the features computed on the fly give, label for label, in training
 * and in applying a saved classifier; features of another shape end the run with one line before anything is written.
 */
class ClassifyFeaturesTest
{
	@TempDir
	static Path dir;

	static Path input, labels, features;

	static final int Z = 2, H = 24, W = 32;

	/** Bright discs (class 2) on a dim background (class 1); scribbles on plane 0. */
	@BeforeAll
	static void scene()
	{
		final Random r = new Random( 7 );
		final short[] image = new short[ Z * H * W ], scribbles = new short[ image.length ];
		for ( int z = 0; z < Z; z++ )
		{
			final double cy = 6 + 12 * r.nextDouble(), cx = 8 + 16 * r.nextDouble();
			for ( int y = 0; y < H; y++ )
				for ( int x = 0; x < W; x++ )
				{
					final boolean inside = ( y - cy ) * ( y - cy ) + ( x - cx ) * ( x - cx ) < 36;
					final int i = ( z * H + y ) * W + x;
					image[ i ] = ( short ) ( ( inside ? 900 : 300 ) + 60 * r.nextGaussian() );
					if ( z == 0 && y % 3 == 1 && x % 3 == 1 )
						scribbles[ i ] = ( short ) ( inside ? 2 : 1 );
				}
		}
		input = write( dir.resolve( "in.zarr" ), image );
		labels = write( dir.resolve( "labels.zarr" ), scribbles );
		features = dir.resolve( "features.zarr" );
		// with the margin classify computes features with by default, so that they are the features classify computes
		final String[] r0 = featurize( input.toString(), features.toString(), "--tile", "16", "--chunk", "16", "--rounding", "none", "--threads", "2",
				"--margin", String.valueOf( org.featurize.unet.classify.ClassifyRequest.DEFAULT_MARGIN ) );
		assertEquals( "0", r0[ 0 ], r0[ 2 ] );
	}

	static Path write( final Path path, final short[] data )
	{
		final ZarrArray a = ZarrArray.create( path, "", ArraySpec.builder().shape( Z, H, W ).chunks( 1, H, W ).dataType( DataType.UINT16 )
				.compressor( Compressor.zstd( 1 ) ).zarrFormat( 2 ).build() );
		for ( int z = 0; z < Z; z++ )
		{
			final short[] plane = new short[ H * W ];
			System.arraycopy( data, z * H * W, plane, 0, plane.length );
			a.writeChunk( new long[] { z, 0, 0 }, plane );
		}
		return path;
	}

	/** Exit status, stdout, stderr of the launcher run in this JVM. */
	static String[] featurize( final String... args )
	{
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int status = FeaturizeMain.run( args, new PrintStream( out, true, StandardCharsets.UTF_8 ), new PrintStream( err, true, StandardCharsets.UTF_8 ) );
		return new String[] { Integer.toString( status ), out.toString( StandardCharsets.UTF_8 ), err.toString( StandardCharsets.UTF_8 ) };
	}

	static byte[] classes( final Path out )
	{
		return ( byte[] ) ZarrArray.open( out, "" ).readRegion( new long[ 3 ], new int[] { Z, H, W } );
	}

	@Test
	void storedFeaturesGiveTheClassesOfComputedFeatures()
	{
		final Path computed = dir.resolve( "computed.zarr" ), stored = dir.resolve( "stored.zarr" ), applied = dir.resolve( "applied.zarr" );
		final Path classifier = dir.resolve( "c.json" );
		final String[] a = featurize( "classify", input.toString(), labels.toString(), computed.toString(), "--tile", "16", "--threads", "2",
				"--save-classifier", classifier.toString() );
		assertEquals( "0", a[ 0 ], a[ 2 ] );
		final String[] b = featurize( "classify", input.toString(), labels.toString(), stored.toString(), "--features", features.toString(), "--threads", "2" );
		assertEquals( "0", b[ 0 ], b[ 2 ] );
		final String[] c = featurize( "classify", input.toString(), "--classifier", classifier.toString(), applied.toString(), "--features",
				features.toString() );
		assertEquals( "0", c[ 0 ], c[ 2 ] );
		final byte[] expected = classes( computed );
		int background = 0, discs = 0;
		for ( final byte v : expected )
		{
			background += v == 1 ? 1 : 0;
			discs += v == 2 ? 1 : 0;
		}
		assertEquals( expected.length, background + discs );
		assertTrue( discs > 50 && background > 50, discs + " disc pixels, " + background + " background" );
		assertArrayEquals( expected, classes( stored ) );
		assertArrayEquals( expected, classes( applied ) );
	}

	@Test
	void featuresOfAnotherShapeEndTheRunWithOneLine()
	{
		final Path small = dir.resolve( "small.zarr" ), smallFeatures = dir.resolve( "small-features.zarr" ), out = dir.resolve( "refused.zarr" );
		ZarrArray.create( small, "", ArraySpec.builder().shape( 1, H, W ).chunks( 1, H, W ).dataType( DataType.UINT16 ).zarrFormat( 2 ).build() );
		assertEquals( "0", featurize( small.toString(), smallFeatures.toString(), "--threads", "2" )[ 0 ] );
		final String[] r = featurize( "classify", input.toString(), labels.toString(), out.toString(), "--features", smallFeatures.toString() );
		assertEquals( "1", r[ 0 ] );
		assertEquals( "featurize: error: Features " + smallFeatures + " are of shape [1, 24, 32] (features 16); the input " + input
				+ " is of shape [2, 24, 32]: give the features of that input", r[ 2 ].strip().lines().reduce( ( x, y ) -> y ).orElse( "" ) );
		assertFalse( Files.exists( out ) );
	}
}
