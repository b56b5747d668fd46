package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.featurize.unet.FeaturizeException;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.impl.ArrayExample;

/** The flat forest against Tribuo's own trees, and what a forest learns on data with a known answer. */
class ForestTest
{
	/** Three classes in 5 features: class by which of features 0 and 1 is larger and by feature 2's sign; 2 noise features. */
	static Samples samples( final int n, final long seed, final int classes )
	{
		final Random r = new Random( seed );
		final Samples s = new Samples( 5 );
		final float[] x = new float[ 5 ];
		for ( int i = 0; i < n; i++ )
		{
			for ( int f = 0; f < 5; f++ )
				x[ f ] = ( float ) r.nextGaussian();
			s.add( x, 0, 1, truth( x, classes ) );
		}
		return s;
	}

	static int truth( final float[] x, final int classes )
	{
		return x[ 2 ] > 0.5f ? classes - 1 : x[ 0 ] > x[ 1 ] ? 0 : 1;
	}

	@Test
	void flatForestGivesTribuosTreesMeanDistribution()
	{
		for ( final int depth : new int[] { 1, 4, 9 } )
		{
			final ForestTrainer trainer = new ForestTrainer().trees( 7 ).depth( depth ).seed( 3 ).threads( 2 );
			final Samples train = samples( 3000, 1, 3 );
			final List< TreeModel< Label > > trees = trainer.trainTrees( train, 3 );
			final Forest forest = trainer.flatten( trees, 5, 3 );
			assertEquals( 7, forest.trees() );
			// test pixels, channel-major as a feature cell holds them; one with NaN
			final int n = 1001;
			final Random r = new Random( 9 );
			final float[] data = new float[ 5 * n ];
			for ( int i = 0; i < data.length; i++ )
				data[ i ] = ( float ) r.nextGaussian();
			data[ 2 * n + 17 ] = Float.NaN;
			final float[] probabilities = new float[ 3 * n ];
			forest.probabilities( data, n, probabilities );
			final int[] classes = new int[ n ];
			final float[] again = new float[ 3 * n ];
			forest.classify( data, n, classes, again );
			assertArrayEquals( probabilities, again );
			final String[] names = ForestTrainer.featureNames( 5 );
			for ( int p = 0; p < n; p++ )
			{
				if ( p == 17 ) // no class where a feature is missing
				{
					assertEquals( Forest.NO_CLASS, classes[ p ] );
					for ( int c = 0; c < 3; c++ )
						assertTrue( Float.isNaN( probabilities[ p * 3 + c ] ), "a pixel with a NaN feature has NaN probabilities" );
					continue;
				}
				final double[] v = new double[ 5 ];
				for ( int f = 0; f < 5; f++ )
					v[ f ] = data[ f * n + p ];
				final Example< Label > e = new ArrayExample<>( new Label( "c0" ), names, v );
				final double[] expected = new double[ 3 ];
				for ( final TreeModel< Label > tree : trees )
				{
					final Prediction< Label > prediction = tree.predict( e );
					double sum = 0;
					for ( final Label l : prediction.getOutputScores().values() )
						sum += l.getScore();
					for ( final Label l : prediction.getOutputScores().values() )
						expected[ Integer.parseInt( l.getLabel().substring( 1 ) ) ] += l.getScore() / sum / trees.size();
				}
				int best = 0;
				for ( int c = 0; c < 3; c++ )
				{
					assertEquals( expected[ c ], probabilities[ p * 3 + c ], 1e-5, "pixel " + p + " class " + c + " at depth " + depth );
					if ( probabilities[ p * 3 + c ] > probabilities[ p * 3 + best ] )
						best = c;
				}
				assertEquals( best, classes[ p ] );
			}
		}
	}

	@Test
	void learnsAKnownRuleAndIsRepeatable()
	{
		final ForestTrainer trainer = new ForestTrainer().trees( 16 ).depth( 10 ).seed( 5 );
		final Forest forest = trainer.train( samples( 4000, 2, 3 ), 3 );
		final int n = 5000;
		final Random r = new Random( 11 );
		final float[] data = new float[ 5 * n ];
		final int[] truth = new int[ n ];
		final float[] x = new float[ 5 ];
		for ( int p = 0; p < n; p++ )
		{
			for ( int f = 0; f < 5; f++ )
				data[ f * n + p ] = x[ f ] = ( float ) r.nextGaussian();
			truth[ p ] = truth( x, 3 );
		}
		final int[] predicted = new int[ n ];
		forest.classify( data, n, predicted, null );
		int right = 0;
		for ( int p = 0; p < n; p++ )
			right += predicted[ p ] == truth[ p ] ? 1 : 0;
		assertTrue( right > 0.93 * n, "accuracy " + right / ( double ) n );
		final int[] again = new int[ n ];
		new ForestTrainer().trees( 16 ).depth( 10 ).seed( 5 ).threads( 1 ).train( samples( 4000, 2, 3 ), 3 ).classify( data, n, again, null );
		assertArrayEquals( predicted, again, "the same samples and seed give the same forest, whatever the threads" );
	}

	@Test
	void interleavedFeaturesClassifyAsChannelMajorOnes()
	{
		final Forest forest = new ForestTrainer().trees( 5 ).depth( 7 ).seed( 2 ).train( samples( 2000, 4, 3 ), 3 );
		// a 301 x 7 region inside rows of 310 pixels, starting at pixel 4 (as a tile inside its halo)
		final int w = 301, h = 7, row = 310, first = 4, n = w * h;
		final Random r = new Random( 5 );
		final float[] interleaved = new float[ ( first + h * row ) * 5 ], planar = new float[ 5 * n ];
		for ( int i = 0; i < interleaved.length; i++ )
			interleaved[ i ] = ( float ) r.nextGaussian();
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
				for ( int f = 0; f < 5; f++ )
					planar[ f * n + y * w + x ] = interleaved[ ( first + y * row + x ) * 5 + f ];
		final int[] a = new int[ n ], b = new int[ n ];
		final float[] pa = new float[ 3 * n ], pb = new float[ 3 * n ];
		forest.classify( planar, n, a, pa );
		forest.classifyInterleaved( java.nio.FloatBuffer.wrap( interleaved ), w, h, row, first, b, pb );
		assertArrayEquals( a, b );
		assertArrayEquals( pa, pb );
	}

	@Test
	void bandsOfRowsOnSeveralThreadsClassifyAsOne()
	{
		final Forest forest = new ForestTrainer().trees( 7 ).depth( 9 ).seed( 3 ).train( samples( 3000, 4, 4 ), 4 );
		// a 97 x 23 region inside rows of 101 pixels, starting at pixel 2; 23 rows do not split evenly
		final int w = 97, h = 23, row = 101, first = 2, n = w * h;
		final Random r = new Random( 11 );
		final float[] interleaved = new float[ ( first + h * row ) * 5 ];
		for ( int i = 0; i < interleaved.length; i++ )
			interleaved[ i ] = ( float ) r.nextGaussian();
		final int[] one = new int[ n ];
		final float[] pOne = new float[ 4 * n ];
		forest.classifyInterleaved( java.nio.FloatBuffer.wrap( interleaved ), w, h, row, first, one, pOne, 1 );
		for ( final int threads : new int[] { 2, 3, 8, 23, 64 } )
		{
			final int[] several = new int[ n ];
			final float[] pSeveral = new float[ 4 * n ];
			forest.classifyInterleaved( java.nio.FloatBuffer.wrap( interleaved ), w, h, row, first, several, pSeveral, threads );
			assertArrayEquals( one, several, threads + " threads" );
			assertArrayEquals( pOne, pSeveral, threads + " threads" );
		}
		assertTrue( java.util.Arrays.stream( one ).distinct().count() > 1, "the region is not all one class" );
	}

	@Test
	void aLeafAboveTheLastLevelIgnoresTheSplitsStoredBelowIt()
	{
		// depth 3: node 1 is a leaf (feature -1) whose frequencies are in its first copy on the last level (leaf 0);
		// the splits stored below it (nodes 3 and 4) would send every pixel right, to leaf 1, if they were read
		final float inf = Float.POSITIVE_INFINITY;
		final int[] feature = { 0, -1, 0, 0, 0, 0, 0 };
		final float[] threshold = { 0.5f, inf, 0.5f, -inf, -inf, 0.5f, 0.5f };
		final float[] leaves = new float[ 8 * 2 ];
		for ( int leaf = 0; leaf < 8; leaf++ )
			leaves[ leaf * 2 + ( leaf == 0 ? 0 : 1 ) ] = 1;
		final Forest forest = new Forest( 1, 2, 3, feature, threshold, leaves );
		final float[] x = { 0.2f, -3f, 0.5f, 0.9f, Float.NaN, Float.MAX_VALUE, inf, -inf };
		final int no = Forest.NO_CLASS;
		final int[] expected = { 0, 0, 0, 1, no, 1, no, no }, channelMajor = new int[ x.length ], interleaved = new int[ x.length ];
		forest.classify( x, x.length, channelMajor, null );
		forest.classifyInterleaved( java.nio.FloatBuffer.wrap( x ), x.length, 1, x.length, 0, interleaved, null );
		assertArrayEquals( expected, channelMajor );
		assertArrayEquals( expected, interleaved );
	}

	@Test
	void aPixelLeavesTheWalkOnlyOnceItsClassIsDecided()
	{
		// depth 1, 4 trees, every pixel goes left: trees 0 and 1 vote for class 1, trees 2 and 3 for class 0. After
		// three trees class 1 leads by 1 with 1 tree left: not decided; the sums end equal and the first class wins
		final int[] feature = { 0, 0, 0, 0 };
		final float inf = Float.POSITIVE_INFINITY;
		final float[] threshold = { inf, inf, inf, inf };
		final float[] leaves = { 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0 };
		final Forest forest = new Forest( 1, 2, 1, feature, threshold, leaves );
		final float[] x = { 0.5f, -2f, 7f };
		final int[] labels = new int[ 3 ], withProbabilities = new int[ 3 ], interleaved = new int[ 3 ];
		final float[] p = new float[ 6 ];
		forest.classify( x, 3, labels, null );
		forest.classify( x, 3, withProbabilities, p );
		forest.classifyInterleaved( java.nio.FloatBuffer.wrap( x ), 3, 1, 3, 0, interleaved, null );
		assertArrayEquals( new float[] { 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f }, p );
		assertArrayEquals( new int[] { 0, 0, 0 }, withProbabilities );
		assertArrayEquals( withProbabilities, labels );
		assertArrayEquals( withProbabilities, interleaved );

		// leaves that are not frequencies: trees 0-2 give class 1 a vote of 1, tree 3 gives class 0 five. A lead of 3
		// after three trees decides nothing when a tree can add 5; a negative leaf value: nothing is decided early
		for ( final float other : new float[] { 0, -0.5f } )
		{
			final Forest weighted = new Forest( 1, 2, 1, feature, threshold, new float[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 5, other, 5, other } );
			final int[] c = new int[ 3 ], ci = new int[ 3 ];
			weighted.classify( x, 3, c, null );
			weighted.classifyInterleaved( java.nio.FloatBuffer.wrap( x ), 3, 1, 3, 0, ci, null );
			assertArrayEquals( new int[] { 0, 0, 0 }, c );
			assertArrayEquals( c, ci );
		}
	}

	@Test
	void labelsAloneAreTheClassesOfTheWholeForestsProbabilities()
	{
		// many pixels on which the trees agree (they leave the walk early) and many near the classes' borders
		for ( final int trees : new int[] { 3, 16, 25 } )
		{
			final Forest forest = new ForestTrainer().trees( trees ).depth( 8 ).seed( trees ).train( samples( 3000, 7, 3 ), 3 );
			final int w = 211, h = 37, n = w * h;
			final Random r = new Random( trees );
			final float[] interleaved = new float[ n * 5 ], planar = new float[ 5 * n ];
			for ( int i = 0; i < interleaved.length; i++ )
				interleaved[ i ] = ( float ) ( 1.5 * r.nextGaussian() );
			for ( int p = 0; p < n; p++ )
				for ( int f = 0; f < 5; f++ )
					planar[ f * n + p ] = interleaved[ p * 5 + f ];
			final float[] probabilities = new float[ 3 * n ];
			forest.probabilities( planar, n, probabilities );
			final int[] expected = new int[ n ];
			int unanimous = 0;
			for ( int p = 0; p < n; p++ )
			{
				for ( int c = 1; c < 3; c++ )
					if ( probabilities[ p * 3 + c ] > probabilities[ p * 3 + expected[ p ] ] )
						expected[ p ] = c;
				unanimous += probabilities[ p * 3 + expected[ p ] ] == 1f ? 1 : 0;
			}
			final int[] planarLabels = new int[ n ];
			forest.classify( planar, n, planarLabels, null );
			assertArrayEquals( expected, planarLabels, trees + " trees" );
			for ( final int threads : new int[] { 1, 3 } )
			{
				final int[] labels = new int[ n ];
				forest.classifyInterleaved( java.nio.FloatBuffer.wrap( interleaved ), w, h, w, 0, labels, null, threads );
				assertArrayEquals( expected, labels, trees + " trees, " + threads + " threads" );
			}
			assertTrue( unanimous > n / 4 && unanimous < n * 3 / 4, unanimous + " of " + n + " pixels unanimous" );
		}
	}

	@Test
	void capKeepsSmallClassesWhole()
	{
		final Samples s = new Samples( 1 );
		final float[] v = { 0 };
		for ( int i = 0; i < 1000; i++ )
		{
			v[ 0 ] = i;
			s.add( v, 0, 1, i < 900 ? 0 : i < 990 ? 1 : 2 );
		}
		final Samples capped = s.capped( 120, 3, 1 );
		assertEquals( 120, capped.size() );
		assertArrayEquals( new long[] { 55, 55, 10 }, capped.counts( 3 ) );
		final Samples nan = new Samples( 2 );
		nan.add( new float[] { 1, Float.NaN }, 0, 1, 0 );
		assertEquals( 0, nan.size(), "a pixel with a non-finite feature is left out" );
	}

	@Test
	void refusals()
	{
		assertThrows( FeaturizeException.class, () -> new ForestTrainer().train( new Samples( 3 ), 2 ) );
		assertThrows( FeaturizeException.class, () -> new ForestTrainer().depth( 17 ) );
		assertThrows( IllegalArgumentException.class, () -> new Forest( 2, 2, 1, new int[] { 2 }, new float[] { 0 }, new float[ 4 ] ) );
	}
}
