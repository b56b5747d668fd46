package org.featurize.unet.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One Spark task: computes and writes the chunks of its ranges that the output lacks, one after another
 * (parallelism is Spark's: one task per executor core, or per {@code spark.task.cpus} cores). Each chunk is
 * written atomically (temporary file, then rename), so a chunk that exists is complete: a retried task, a
 * speculative copy or a rerun skips it. Returns one pair {written, skipped}.
 */
final class ChunkTask implements FlatMapFunction< Iterator< ChunkRange >, long[] >
{
	private static final long serialVersionUID = 1L;

	/** Called before a chunk is computed, for tests that make tasks fail; null otherwise. */
	interface Fault
	{
		void before( long chunk, int attempt );
	}

	static volatile Fault fault;

	private final Broadcast< ChunkJob > job;

	ChunkTask( final Broadcast< ChunkJob > job )
	{
		this.job = job;
	}

	@Override
	public Iterator< long[] > call( final Iterator< ChunkRange > ranges )
	{
		final TaskContext context = TaskContext.get();
		final ChunkJob j = job.value();
		final int intraOpThreads = j.intraOpThreads > 0 ? j.intraOpThreads : context != null ? context.cpus() : 1;
		long written = 0, skipped = 0;
		byte[] raw = null; // one chunk's bytes, reused
		try ( ExecutorFeatures.Lease lease = ExecutorFeatures.lease( j, intraOpThreads ) )
		{
			final ExecutorFeatures run = lease.run;
			while ( ranges.hasNext() )
			{
				final ChunkRange range = ranges.next();
				for ( long k = range.start(); k < range.end(); k++ )
				{
					if ( context != null )
						context.killTaskIfInterrupted();
					final long i = run.features.orderedCell( k ); // the chunks that share a tile one after the other
					final long[] chunk = run.layout.chunkPosition( i );
					if ( run.output.chunkExists( chunk ) )
					{
						skipped++;
						continue;
					}
					final Fault f = fault;
					if ( f != null )
						f.before( i, context != null ? context.attemptNumber() : 0 );
					if ( raw == null )
						raw = new byte[ run.layout.chunkBytes( j.stored.type() ) ];
					run.output.writeChunkBytes( chunk, run.layout.encodeChunk( i, j.stored, run.output.byteOrder(), raw,
							() -> "chunk " + Arrays.toString( chunk ) + " of " + j.output ) );
					written++;
				}
			}
		}
		return List.of( new long[] { written, skipped } ).iterator();
	}
}
