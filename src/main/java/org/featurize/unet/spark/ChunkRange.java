package org.featurize.unet.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The cell indices {@code [start, end)} of one Spark partition. Cell {@code i} of the feature image is output
 * chunk {@code i}; consecutive indices are neighbouring tiles of one plane, then the next plane, so that a
 * task's tiles share input chunks (the halo) in its executor's cache.
 */
record ChunkRange( long start, long end ) implements Serializable
{
	ChunkRange
	{
		if ( start < 0 || end < start )
			throw new IllegalArgumentException( "Bad chunk range [" + start + ", " + end + ")" );
	}

	long size()
	{
		return end - start;
	}

	/** {@code chunks} cut into {@code parts} ranges of sizes that differ by at most one. */
	static List< ChunkRange > split( final long chunks, final int parts )
	{
		if ( parts < 1 )
			throw new IllegalArgumentException( "The number of partitions must be at least 1, got " + parts );
		final int n = ( int ) Math.max( 1, Math.min( parts, chunks ) );
		final List< ChunkRange > ranges = new ArrayList<>( n );
		for ( int i = 0; i < n; i++ )
			ranges.add( new ChunkRange( chunks * i / n, chunks * ( i + 1 ) / n ) );
		return ranges;
	}
}
