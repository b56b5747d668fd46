package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import net.imglib2.FinalInterval;
import net.imglib2.img.array.ArrayImgs;

/**
 * The coherence beside a model's features in a {@link FeatureImage}: computed per tile over the tile's region, equal
 * to the coherence of the whole plane's features, the same through every path a cell takes (computed, cached,
 * interleaved from the engine, assembled from tiles), and classified the same whichever path hands it to the forest.
 */
class ExtraFeaturesTest
{
	static final DjlFeatureModel MODEL = Models.shared( Fixtures.TINY_MODEL, 2, 1 );

	/** Scales 1 and 1.6 of the tiny model's feature 3 (1 and 2 are constant), smoothed at 2: a margin of 3 + 6 + 6 = 15 pixels, within the halo of 24. */
	static final Coherence OP = new Coherence( 3, new double[] { 1, 1.6 }, 2 );

	static float[] scene( final int w, final int h )
	{
		return CoherenceTest.scene( w, h, 11 );
	}

	/** Channel c of a (c, y, x) array of w x h planes. */
	static float[] channel( final float[] planar, final int c, final int pixels )
	{
		final float[] out = new float[ pixels ];
		System.arraycopy( planar, c * pixels, out, 0, pixels );
		return out;
	}

	/** The image's cells put together: (c, y, x) over the whole plane. */
	static float[] assembled( final FeatureImage f, final int w, final int h, final boolean kept )
	{
		final int channels = f.channels();
		final float[] out = new float[ channels * w * h ];
		for ( long i = 0; i < f.numCells(); i++ )
		{
			final long[] pos = f.gridPosition( i );
			final int x0 = ( int ) pos[ 0 ] * f.cellWidth(), y0 = ( int ) pos[ 1 ] * f.cellHeight();
			final int cw = Math.min( f.cellWidth(), w - x0 ), ch = Math.min( f.cellHeight(), h - y0 );
			final float[] cell = kept ? f.keptCellData( i ) : f.cellData( i );
			for ( int c = 0; c < channels; c++ )
				for ( int y = 0; y < ch; y++ )
					System.arraycopy( cell, ( c * ch + y ) * cw, out, ( c * h + y0 + y ) * w + x0, cw );
		}
		return out;
	}

	@Test
	void tilesGiveTheCoherenceOfTheWholePlanesFeatures()
	{
		for ( final int margin : new int[] { 0, 8 } )
			tilesGiveTheCoherenceOfTheWholePlanesFeatures( margin );
	}

	/** With a margin the features see the plane mirrored beyond its edges; the coherence reads the plane's part alone. */
	private static void tilesGiveTheCoherenceOfTheWholePlanesFeatures( final int margin )
	{
		final int w = 70, h = 53; // inner, edge and corner tiles; the padded plane's mirrored pixels are not the plane's
		final float[] p = scene( w, h );
		final FeatureImage whole = Features.lazy( ArrayImgs.floats( p, w, h ), MODEL, FeatureOptions.defaults().halo( 24 ).margin( margin ) );
		final float[] wholeFeatures = assembled( whole, w, h, false );
		final float[] expected = CoherenceTest.whole( OP, channel( wholeFeatures, 3, w * h ), w, h );

		for ( final int[] tile : new int[][] { { 16, 12 }, { 24, 20 }, { 70, 53 } } )
		{
			final FeatureImage tiled = Features.lazy( ArrayImgs.floats( p, w, h ), MODEL, FeatureOptions.defaults().tile( tile[ 0 ], tile[ 1 ] ).halo( 24 )
					.margin( margin ) ).withExtra( OP );
			assertEquals( 6, tiled.channels() );
			assertEquals( "coherence_1.6", tiled.channelName( 5 ) );
			final float[] got = assembled( tiled, w, h, false );
			double max = 0, spread = 0;
			for ( int k = 0; k < 2; k++ )
				for ( int i = 0; i < w * h; i++ )
				{
					max = Math.max( max, Math.abs( got[ ( 4 + k ) * w * h + i ] - expected[ k * w * h + i ] ) );
					spread = Math.max( spread, Math.abs( expected[ k * w * h + i ] - expected[ 0 ] ) );
				}
			assertTrue( spread > 0.2, "the coherence varies: " + spread );
			// the tiles' features differ from the whole plane's by the halo's 1e-4; the coherence follows them
			assertTrue( max < 2e-3, tile[ 0 ] + " x " + tile[ 1 ] + " tiles, margin " + margin + ": coherence differs by " + max );
			// the model's own channels are as they were
			final float[] plain = assembled( Features.lazy( ArrayImgs.floats( p, w, h ), MODEL, FeatureOptions.defaults().tile( tile[ 0 ], tile[ 1 ] )
					.halo( 24 ).margin( margin ) ), w, h, false );
			assertArrayEquals( plain, java.util.Arrays.copyOf( got, plain.length ) );
		}
	}

	@Test
	void aRegionsCoherenceIsTheWholePlanesThere()
	{
		final int w = 70, h = 53;
		final float[] p = scene( w, h );
		final FeatureImage whole = Features.lazy( ArrayImgs.floats( p, w, h ), MODEL, FeatureOptions.defaults().halo( 24 ) ).withExtra( OP );
		final float[] all = assembled( whole, w, h, false );
		// inside, and at the far corner (where the padded plane is mirrored, and the coherence reflects at the plane's edge)
		for ( final long[][] box : new long[][][] { { { 9, 7 }, { 40, 30 } }, { { 33, 25 }, { 69, 52 } } } )
		{
			final FinalInterval region = new FinalInterval( box[ 0 ], box[ 1 ] );
			final int rw = ( int ) region.dimension( 0 ), rh = ( int ) region.dimension( 1 );
			final FeatureImage part = Features.lazy( new PlaneReader<>( ArrayImgs.floats( p, w, h ), region ), MODEL,
					FeatureOptions.defaults().tile( 12, 12 ).halo( 24 ), null ).withExtra( OP );
			final float[] got = assembled( part, rw, rh, false );
			double max = 0;
			for ( int c = 4; c < 6; c++ )
				for ( int y = 0; y < rh; y++ )
					for ( int x = 0; x < rw; x++ )
						max = Math.max( max, Math.abs( got[ ( c * rh + y ) * rw + x ] - all[ ( int ) ( ( c * h + y + box[ 0 ][ 1 ] ) * w + x + box[ 0 ][ 0 ] ) ] ) );
			assertTrue( max < 2e-3, "region " + region + ": coherence differs from the whole plane's by " + max );
		}
	}

	@Test
	void everyPathGivesACellTheSameValuesAndTheForestTheSameClasses()
	{
		final int w = 50, h = 37;
		// 16 x 12 tiles in cells of 16 x 12 (each cell one tile: the engine's interleaved path) and of 20 x 20 (assembled)
		for ( final int[] cells : new int[][] { { 16, 12 }, { 20, 20 } } )
		{
			final FeatureImage f = Features.lazy( ArrayImgs.floats( scene( w, h ), w, h ), MODEL, FeatureOptions.defaults().tile( 16, 12 )
					.chunk( cells[ 0 ], cells[ 1 ] ).halo( 24 ) ).withExtra( OP );
			final Forest forest = randomForest( f.channels(), 3, 5 );
			final PixelClassifier classifier = new PixelClassifier( forest, new long[] { 1, 2, 3 }, PixelClassifier.defaultNames( new long[] { 1, 2, 3 } ),
					PixelClassifier.defaultColors( new long[] { 1, 2, 3 } ), java.util.Map.of(), java.util.Map.of() );
			final Classification classification = new Classification( f, classifier, org.featurize.unet.zarr.DataType.UINT8, 1 << 20 );
			for ( long i = 0; i < f.numCells(); i++ )
			{
				final float[] planar = f.cellData( i );
				final int pixels = planar.length / f.channels();
				final float[] interleaved = f.interleavedCellData( i );
				assertArrayEquals( FeatureModel.interleave( planar, f.channels(), pixels ), interleaved, "cell " + i + " of " + cells[ 0 ] + " x " + cells[ 1 ] );
				final int[] expected = new int[ pixels ];
				forest.classify( planar, pixels, expected, null );
				final float[] probabilities = new float[ pixels * 3 ];
				assertArrayEquals( expected, classification.computeCell( i, probabilities ), "classes of cell " + i );
			}
			final float[] computed = assembled( f, w, h, false ), kept = assembled( f, w, h, true );
			assertArrayEquals( computed, kept, "cached cells" );
			for ( long i = 0; i < f.numCells(); i++ )
				assertArrayEquals( FeatureModel.interleave( f.cellData( i ), f.channels(), f.cellData( i ).length / f.channels() ),
						f.interleavedCellData( i ), "cached cell " + i );
		}
	}

	@Test
	void pixelsWithoutAValueHaveNoCoherenceTheirNeighboursTheOneOfAZeroThere()
	{
		final int w = 40, h = 30;
		final float[] p = scene( w, h ), zeros = p.clone();
		p[ 12 * w + 20 ] = Float.NaN;
		zeros[ 12 * w + 20 ] = 0;
		final FeatureOptions o = FeatureOptions.defaults().tile( 16, 12 ).halo( 24 );
		final float[] withGap = assembled( Features.lazy( ArrayImgs.floats( p, w, h ), MODEL, o ).withExtra( OP ), w, h, false );
		final float[] withZero = assembled( Features.lazy( ArrayImgs.floats( zeros, w, h ), MODEL, o ).withExtra( OP ), w, h, false );
		for ( int c = 4; c < 6; c++ )
			for ( int i = 0; i < w * h; i++ )
				if ( i == 12 * w + 20 )
					assertTrue( Float.isNaN( withGap[ c * w * h + i ] ) );
				else
					assertEquals( withZero[ c * w * h + i ], withGap[ c * w * h + i ], "channel " + c + ", pixel " + i );
	}

	/** A random forest of full trees over {@code features} features with thresholds in the coherence's range. */
	static Forest randomForest( final int features, final int classes, final int depth )
	{
		final Random r = new Random( 3 );
		final int trees = 4, inner = ( 1 << depth ) - 1, leaves = 1 << depth;
		final int[] feature = new int[ trees * inner ];
		final float[] threshold = new float[ trees * inner ];
		final float[] leaf = new float[ trees * leaves * classes ];
		for ( int i = 0; i < feature.length; i++ )
		{
			// half the splits on the coherence
			feature[ i ] = r.nextBoolean() ? features - 1 - r.nextInt( 2 ) : r.nextInt( features - 2 );
			threshold[ i ] = feature[ i ] >= features - 2 ? r.nextFloat() : ( float ) r.nextGaussian() * 0.2f;
		}
		for ( int l = 0; l < trees * leaves; l++ )
		{
			float s = 0;
			for ( int c = 0; c < classes; c++ )
				s += leaf[ l * classes + c ] = r.nextFloat();
			for ( int c = 0; c < classes; c++ )
				leaf[ l * classes + c ] /= s;
		}
		return new Forest( features, classes, depth, feature, threshold, leaf );
	}
}
