package org.featurize.unet.ome;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.io.Progress;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.zarr.ZarrArray;

/**
 * Computes and writes an OME-Zarr feature output: level 0 from the feature image (each cell of the image is
 * one tile of one plane; its channels go to one chunk each), then each further level from the level above
 * ({@link Pyramid}), then the channels' display windows. A cell whose chunks all exist is skipped, as is any
 * chunk of a further level that exists, so an interrupted run resumes where it stopped.
 */
public final class OmeWriter
{
	private final FeatureImage features;

	private final OmeLayout layout;

	private final OmeOutput output;

	private final int threads;

	private final StoredValues stored;

	/** Writes level 0 exactly as the output's type holds the values. */
	public OmeWriter( final OmeLayout layout, final OmeOutput output, final int threads )
	{
		this( layout, output, threads, null );
	}

	/** Writes level 0 as {@code stored} says (rounded to fewer mantissa bits, range-checked); null: exactly. */
	public OmeWriter( final OmeLayout layout, final OmeOutput output, final int threads, final StoredValues stored )
	{
		if ( threads < 1 )
			throw new FeaturizeException( "Threads must be at least 1, got " + threads );
		this.features = layout.features();
		this.layout = layout;
		this.output = output;
		this.threads = threads;
		this.stored = stored;
	}

	/** What a run did. */
	public static final class Result
	{
		/** Level-0 cells (tiles of one plane, all channels) computed and written, and found already written. */
		public final long cellsWritten, cellsSkipped, planes;

		/** Chunks written per level (level 0: cells x channels). */
		public final long[] chunksWritten;

		public final double seconds;

		Result( final long cellsWritten, final long cellsSkipped, final long planes, final long[] chunksWritten, final double seconds )
		{
			this.cellsWritten = cellsWritten;
			this.cellsSkipped = cellsSkipped;
			this.planes = planes;
			this.chunksWritten = chunksWritten;
			this.seconds = seconds;
		}
	}

	/**
	 * Writes what is missing: level 0, then the further levels.
	 *
	 * @param progress
	 *            told of the planes of level 0 as they finish
	 * @param cancelled
	 *            polled before each chunk; when it says true the workers stop after their current chunk and a
	 *            {@link CancellationException} is thrown
	 */
	public Result write( final Progress progress, final BooleanSupplier cancelled )
	{
		final long start = System.nanoTime();
		final long cells = features.numCells(), planes = features.planes();
		final int channels = features.channels();
		final long tilesPerPlane = cells / Math.max( 1, planes );
		final AtomicIntegerArray tilesDone = new AtomicIntegerArray( ( int ) Math.min( planes, Integer.MAX_VALUE ) );
		final AtomicLong written = new AtomicLong(), skipped = new AtomicLong(), planesDone = new AtomicLong(), chunks = new AtomicLong();
		final ZarrArray level0 = output.level( 0 );
		ParallelChunks.forEach( cells, threads, cancelled, i -> {
			boolean[] missing = null;
			for ( int c = 0; c < channels; c++ )
				if ( !level0.chunkExists( layout.chunkPosition( i, c ) ) )
				{
					if ( missing == null )
						missing = new boolean[ channels ];
					missing[ c ] = true;
				}
			if ( missing == null )
				skipped.incrementAndGet();
			else
			{
				final float[] cell = features.cellData( i );
				for ( int c = 0; c < channels; c++ )
					if ( missing[ c ] )
					{
						final float[] chunk = layout.toChunk( cell, i, c );
						level0.writeChunk( layout.chunkPosition( i, c ), stored == null ? chunk
								: stored.apply( chunk, 1, "chunk " + Arrays.toString( layout.chunkPosition( i, c ) ) + " of " + level0.path() ) );
						chunks.incrementAndGet();
					}
				written.incrementAndGet();
			}
			if ( tilesDone.incrementAndGet( ( int ) layout.plane( i ) ) == tilesPerPlane )
			{
				final long done = planesDone.incrementAndGet();
				final double elapsed = ( System.nanoTime() - start ) * 1e-9;
				final double tileRate = written.get() / Math.max( elapsed, 1e-9 );
				final long tilesLeft = cells - written.get() - skipped.get();
				progress.update( done, planes, written.get() == 0 ? 0 : tileRate / tilesPerPlane, tileRate > 0 ? tilesLeft / tileRate : -1 );
			}
		}, () -> String.format( "Cancelled after %d of %d planes; finished chunks are kept in %s: run again with the same parameters to resume",
				planesDone.get(), planes, output.path() ), output.path().toString() );

		final long[] perLevel = new long[ output.levels() ];
		perLevel[ 0 ] = chunks.get();
		for ( int k = 1; k < output.levels(); k++ )
		{
			final ZarrArray from = output.level( k - 1 ), to = output.level( k );
			final AtomicLong levelChunks = new AtomicLong();
			final int level = k;
			ParallelChunks.forEach( Pyramid.chunkCount( to ), threads, cancelled, i -> {
				if ( Pyramid.writeChunk( from, to, i ) )
					levelChunks.incrementAndGet();
			}, () -> String.format( "Cancelled while writing level %d; finished chunks are kept in %s: run again with the same parameters to resume",
					level, output.path() ), to.path().toString() );
			perLevel[ k ] = levelChunks.get();
		}
		return new Result( written.get(), skipped.get(), planes, perLevel, ( System.nanoTime() - start ) * 1e-9 );
	}

	/**
	 * Display windows per channel {min, max, start, end}: the range and the 1st..99th percentiles of the
	 * finite values of the middle plane of the coarsest level (of its central 2048 x 2048 pixels at most).
	 */
	public double[][] windows()
	{
		final ZarrArray level = output.level( output.levels() - 1 );
		final long[] shape = level.shape();
		final int n = shape.length, channelAxis = layout.channelAxis();
		final double[][] windows = new double[ features.channels() ][];
		for ( int c = 0; c < windows.length; c++ )
		{
			final long[] min = new long[ n ];
			final int[] size = new int[ n ];
			for ( int d = 0; d < n - 2; d++ )
			{
				min[ d ] = d == channelAxis ? c : shape[ d ] / 2;
				size[ d ] = 1;
			}
			for ( int d = n - 2; d < n; d++ )
			{
				size[ d ] = ( int ) Math.min( shape[ d ], 2048 );
				min[ d ] = ( shape[ d ] - size[ d ] ) / 2;
			}
			windows[ c ] = window( ( float[] ) level.readRegion( min, size ) );
		}
		return windows;
	}

	static double[] window( final float[] values )
	{
		final float[] finite = new float[ values.length ];
		int count = 0;
		for ( final float v : values )
			if ( Float.isFinite( v ) )
				finite[ count++ ] = v;
		if ( count == 0 )
			return new double[] { 0, 1, 0, 1 };
		Arrays.sort( finite, 0, count );
		final double lo = finite[ ( int ) Math.floor( 0.01 * ( count - 1 ) ) ], hi = finite[ ( int ) Math.ceil( 0.99 * ( count - 1 ) ) ];
		return new double[] { finite[ 0 ], finite[ count - 1 ], lo, hi > lo ? hi : lo + ( finite[ count - 1 ] > lo ? finite[ count - 1 ] - lo : 1 ) };
	}
}
