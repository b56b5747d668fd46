package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on labelled pixels given in memory (what ImageJ's ROIs give) against the same labels in an array, and the
 * features kept between runs of an interactive session: the same classifier and labels either way, and a second run
 * computes only the cells it has not seen.
 */
class KeptFeaturesTest
{
	private static ClassifyRequest request( final Path input )
	{
		return ClassifyRequest.of( FeaturizeRequest.of( input ).model( Fixtures.TINY_MODEL ).threads( 2 ) ).trees( 8 ).depth( 6 );
	}

	private static ClassifyJob.Result run( final ClassifyRequest request )
	{
		return new ClassifyJob( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void labelledPixelsGivenTrainAsTheSameLabelsInAnArray( @TempDir final Path dir )
	{
		final Path input = Fixtures.volume( dir );
		final ClassifyJob.Result fromArray = run( request( input ).labels( Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() ), "" )
				.output( dir.resolve( "a.zarr" ) ) );
		final ClassifyJob.Result given = run( request( input ).labels( Labels.of( 28, 20, 6, Fixtures.scribbles() ), "ImageJ ROIs" )
				.classNames( Map.of( 2L, "background" ) ).keepFeatures( true ).output( dir.resolve( "b.zarr" ) ) );
		assertEquals( fromArray.classifier.forestSha256(), given.classifier.forestSha256(), "the same forest" );
		Fixtures.assertSameLabels( dir.resolve( "a.zarr" ), dir.resolve( "b.zarr" ) );
		assertArrayEquals( new long[] { 1, 2, 3 }, given.classifier.values() );
		assertEquals( "class 1", given.classifier.name( 0 ) );
		assertEquals( "background", given.classifier.name( 1 ) );
		assertEquals( "ImageJ ROIs", given.classifier.training().get( "labels" ) );
		assertEquals( 2L, ( ( Number ) given.classifier.training().get( "cells_computed" ) ).longValue(), "planes 0 and 4, one cell each" );
	}

	@Test
	void aSecondRunOverKeptFeaturesComputesOnlyTheCellsItHasNotSeen( @TempDir final Path dir )
	{
		final Path input = Fixtures.volume( dir );
		final ClassifyJob.Result first = run( request( input ).labels( Labels.of( 28, 20, 6, Fixtures.scribbles() ), "ROIs" ).keepFeatures( true )
				.lazyResult( true ) );
		assertEquals( 2L, ( ( Number ) first.classifier.training().get( "cells_computed" ) ).longValue() );
		assertEquals( 0L, ( ( Number ) first.classifier.training().get( "cells_reused" ) ).longValue() );
		assertEquals( null, first.written, "nothing to write: the lazy result only" );

		// more labels: class 2 on plane 5 too
		final Map< Long, long[] > more = new TreeMap<>( Fixtures.scribbles() );
		final long[] two = more.get( 2L );
		final long[] grown = java.util.Arrays.copyOf( two, two.length + 3 );
		for ( int i = 0; i < 3; i++ )
			grown[ two.length + i ] = ( 5 * 20 + 12 ) * 28 + 4 + i;
		more.put( 2L, grown );
		final ClassifyJob.Result second = run( request( input ).labels( Labels.of( 28, 20, 6, more ), "ROIs" ).keepFeatures( true )
				.reuseFeatures( first.computedFeatures() ).output( dir.resolve( "kept.zarr" ) ) );
		assertEquals( 1L, ( ( Number ) second.classifier.training().get( "cells_computed" ) ).longValue(), "plane 5 only" );
		assertEquals( 2L, ( ( Number ) second.classifier.training().get( "cells_reused" ) ).longValue(), "planes 0 and 4 kept" );

		// kept features are the same values: the same forest and labels as a run that computes them all afresh
		final ClassifyJob.Result fresh = run( request( input ).labels( Fixtures.labelArray( dir, "more.zarr", more ), "" )
				.output( dir.resolve( "fresh.zarr" ) ) );
		assertEquals( fresh.classifier.forestSha256(), second.classifier.forestSha256() );
		Fixtures.assertSameLabels( dir.resolve( "fresh.zarr" ), dir.resolve( "kept.zarr" ) );
	}
}
