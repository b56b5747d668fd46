package org.featurize.unet.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.featurize.unet.FeaturizeException;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a {@link Forest}: a random forest of CART trees (Gini impurity, a random third of the features (at least one)
 * tried at each split, each tree on a bootstrap sample), each tree trained by Tribuo and copied into the
 * forest's flat arrays. Trees train in parallel; the result depends only on the samples and the seed.
 */
public final class ForestTrainer
{
	/**
	 * Trees in a forest, by default: measured in README "Pixel classification". On a few hundred scribbled pixels a
	 * forest of a few trees moves with its seed alone by a few hundredths of mean IoU; 64 shallow trees take twice the
	 * steps per pixel of 16 trees of depth 8 and score higher on average over the seeds, and steadier.
	 */
	public static final int DEFAULT_TREES = 64;

	/** Depth of each tree, by default (deeper trees scored no higher with as many trees). */
	public static final int DEFAULT_DEPTH = 4;

	/**
	 * Samples drawn (with replacement) for each tree at most, by default: with more labelled pixels than this, each
	 * tree sees its own random subset, which keeps training to seconds (Tribuo's trees take time in proportion to
	 * their samples) while the forest as a whole still sees them all.
	 */
	public static final int DEFAULT_BAG = 4096;

	/** The library that trains the trees, as the classifier file records it. */
	public static final String LIBRARY = "Tribuo";

	private int trees = DEFAULT_TREES, depth = DEFAULT_DEPTH, threads = Runtime.getRuntime().availableProcessors();

	private long seed = 1;

	private int bag = DEFAULT_BAG;

	/** Samples drawn for each tree at most (see {@link #DEFAULT_BAG}). */
	public ForestTrainer bag( final int bag )
	{
		if ( bag < 1 )
			throw new FeaturizeException( "Samples per tree must be at least 1, got " + bag );
		this.bag = bag;
		return this;
	}

	public int bag()
	{
		return bag;
	}

	public ForestTrainer trees( final int trees )
	{
		if ( trees < 1 || trees > 1000 )
			throw new FeaturizeException( "Trees must be 1 to 1000, got " + trees );
		this.trees = trees;
		return this;
	}

	public ForestTrainer depth( final int depth )
	{
		if ( depth < 1 || depth > 16 )
			throw new FeaturizeException( "Tree depth must be 1 to 16, got " + depth );
		this.depth = depth;
		return this;
	}

	public ForestTrainer seed( final long seed )
	{
		this.seed = seed;
		return this;
	}

	public ForestTrainer threads( final int threads )
	{
		this.threads = Math.max( 1, threads );
		return this;
	}

	public int trees()
	{
		return trees;
	}

	public int depth()
	{
		return depth;
	}

	public long seed()
	{
		return seed;
	}

	/** Tribuo's version. */
	public static String libraryVersion()
	{
		return org.tribuo.Tribuo.VERSION;
	}

	/**
	 * Trains on {@code samples}. The forest's classes are the samples' class indices 0 ... classes - 1.
	 */
	public Forest train( final Samples samples, final int classes )
	{
		return flatten( trainTrees( samples, classes ), samples.features(), classes );
	}

	/** The trees as Tribuo trains them (what {@link #train} flattens). */
	List< TreeModel< Label > > trainTrees( final Samples samples, final int classes )
	{
		if ( samples.size() == 0 )
			throw new FeaturizeException( "No labelled pixels to train on" );
		final int f = samples.features();
		final String[] names = featureNames( f );
		final LabelFactory factory = new LabelFactory();
		final Label[] labels = new Label[ classes ];
		for ( int c = 0; c < classes; c++ )
			labels[ c ] = new Label( className( c ) );
		// a third of the features, where sqrt(features) scored 0.005 less on all three of evaluate.py's seeds (README)
		final float split = ( float ) Math.max( 1, Math.round( f / 3.0 ) ) / f;
		final ExecutorService pool = Executors.newFixedThreadPool( Math.min( threads, trees ), r -> {
			final Thread t = new Thread( r, "featurize-forest-training" );
			t.setDaemon( true );
			return t;
		} );
		try
		{
			final List< Future< TreeModel< Label > > > futures = new ArrayList<>();
			for ( int t = 0; t < trees; t++ )
			{
				final long treeSeed = seed * 1_000_003L + t;
				futures.add( pool.submit( () -> trainTree( samples, names, labels, factory, split, treeSeed ) ) );
			}
			final List< TreeModel< Label > > models = new ArrayList<>();
			for ( final Future< TreeModel< Label > > future : futures )
				models.add( future.get() );
			return models;
		}
		catch ( final InterruptedException e )
		{
			Thread.currentThread().interrupt();
			throw new CancellationException( "Training was interrupted" );
		}
		catch ( final ExecutionException e )
		{
			throw new FeaturizeException( "Training a tree failed: " + e.getCause(), e.getCause() );
		}
		finally
		{
			pool.shutdownNow();
		}
	}

	/** Tribuo's trees copied into a forest's flat arrays. */
	Forest flatten( final List< TreeModel< Label > > models, final int features, final int classes )
	{
		final String[] names = featureNames( features );
		final int internal = ( 1 << depth ) - 1, leaves = 1 << depth, n = models.size();
		final int[] feature = new int[ n * internal ];
		final float[] threshold = new float[ n * internal ];
		final float[] leafValues = new float[ n * leaves * classes ];
		for ( int t = 0; t < n; t++ )
		{
			final TreeModel< Label > tree = models.get( t );
			copy( tree.getRoot(), 0, 0, t, featureIndices( tree.getFeatureIDMap(), names ), feature, threshold, leafValues, classes );
		}
		return new Forest( features, classes, depth, feature, threshold, leafValues );
	}

	/**
	 * One CART tree on a bootstrap sample of min(samples, bag) draws, given to the trainer as example weights (how
	 * often each sample was drawn).
	 */
	private TreeModel< Label > trainTree( final Samples samples, final String[] names, final Label[] labels, final LabelFactory factory,
			final float split, final long treeSeed )
	{
		final int n = samples.size(), f = samples.features();
		final int[] drawn = new int[ n ];
		final Random random = new Random( treeSeed );
		for ( int i = 0, draws = Math.min( n, bag ); i < draws; i++ )
			drawn[ random.nextInt( n ) ]++;
		final MutableDataset< Label > data = new MutableDataset<>( new SimpleDataSourceProvenance( "labelled pixels", factory ), factory );
		final double[] values = new double[ f ];
		for ( int i = 0; i < n; i++ )
		{
			if ( drawn[ i ] == 0 )
				continue;
			for ( int j = 0; j < f; j++ )
				values[ j ] = samples.value( i, j );
			final Example< Label > e = new ArrayExample<>( labels[ samples.classIndex( i ) ], names, values );
			e.setWeight( drawn[ i ] );
			data.add( e );
		}
		final CARTClassificationTrainer cart = new CARTClassificationTrainer( depth, 1f, 0f, split, false, new GiniIndex(), treeSeed );
		return ( TreeModel< Label > ) cart.train( data );
	}

	/**
	 * Copies a subtree into the flat arrays at heap index {@code node} of level {@code level}: a leaf above the last
	 * level becomes a split of feature -1 (see {@link Forest}), with its frequencies in every leaf below.
	 */
	private void copy( final Node< Label > source, final int node, final int level, final int tree, final int[] featureIndex, final int[] feature,
			final float[] threshold, final float[] leafValues, final int classes )
	{
		final int internal = ( 1 << depth ) - 1;
		if ( level == depth )
		{
			if ( !source.isLeaf() )
				throw new IllegalStateException( "A tree is deeper than " + depth );
			final float[] p = frequencies( ( LeafNode< Label > ) source, classes );
			System.arraycopy( p, 0, leafValues, ( ( tree << depth ) + node - internal ) * classes, classes );
			return;
		}
		final int i = tree * internal + node;
		if ( source.isLeaf() )
		{
			feature[ i ] = -1; // a leaf: its pixels go straight to the last level
			threshold[ i ] = Float.POSITIVE_INFINITY;
			copy( source, 2 * node + 1, level + 1, tree, featureIndex, feature, threshold, leafValues, classes );
			copy( source, 2 * node + 2, level + 1, tree, featureIndex, feature, threshold, leafValues, classes );
			return;
		}
		final SplitNode< Label > split = ( SplitNode< Label > ) source;
		feature[ i ] = featureIndex[ split.getFeatureID() ];
		threshold[ i ] = thresholdOf( split.splitValue() );
		copy( split.getLessThanOrEqual(), 2 * node + 1, level + 1, tree, featureIndex, feature, threshold, leafValues, classes );
		copy( split.getGreaterThan(), 2 * node + 2, level + 1, tree, featureIndex, feature, threshold, leafValues, classes );
	}

	/**
	 * The float threshold that sends float features where the tree's double threshold does: the largest float at
	 * or below it (a float x is greater than the double t exactly when it is greater than that float).
	 */
	static float thresholdOf( final double t )
	{
		float f = ( float ) t;
		if ( f > t )
			f = Math.nextDown( f );
		return f;
	}

	private static float[] frequencies( final LeafNode< Label > leaf, final int classes )
	{
		final float[] p = new float[ classes ];
		final Map< String, Label > distribution = leaf.getDistribution();
		double sum = 0;
		for ( int c = 0; c < classes; c++ )
		{
			final Label l = distribution.get( className( c ) );
			p[ c ] = l == null ? 0 : ( float ) l.getScore();
			sum += p[ c ];
		}
		if ( sum <= 0 ) // a leaf without a distribution: its output class
			p[ Integer.parseInt( leaf.getOutput().getLabel().substring( 1 ) ) ] = 1;
		else
			for ( int c = 0; c < classes; c++ )
				p[ c ] /= sum;
		return p;
	}

	private static int[] featureIndices( final ImmutableFeatureMap map, final String[] names )
	{
		final int[] index = new int[ map.size() ];
		for ( int id = 0; id < map.size(); id++ )
			index[ id ] = Arrays.asList( names ).indexOf( map.get( id ).getName() );
		return index;
	}

	static String[] featureNames( final int f )
	{
		final String[] names = new String[ f ];
		for ( int j = 0; j < f; j++ )
			names[ j ] = String.format( "f%04d", j );
		return names;
	}

	static String className( final int c )
	{
		return "c" + c;
	}
}
