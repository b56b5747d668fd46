package org.featurize.unet.spark;

import java.nio.file.Paths;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.featurize.unet.classify.ClassWriter;
import org.featurize.unet.classify.Classification;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;

/**
 * One Spark task of a classification: for each cell of its ranges that an output lacks, the features (this
 * executor's {@link ExecutorFeatures}, shared with the other tasks of the run), the forest, and the label (and
 * probability) chunk written atomically, as {@link ClassWriter#writeCell} does on one machine. Returns one pair
 * {written, skipped}.
 */
final class ClassTask implements FlatMapFunction< Iterator< ChunkRange >, long[] >
{
	private static final long serialVersionUID = 1L;

	private final Broadcast< ClassJob > job;

	ClassTask( final Broadcast< ClassJob > job )
	{
		this.job = job;
	}

	@Override
	public Iterator< long[] > call( final Iterator< ChunkRange > ranges )
	{
		final TaskContext context = TaskContext.get();
		final ClassJob j = job.value();
		final int intraOpThreads = j.features.intraOpThreads > 0 ? j.features.intraOpThreads : context != null ? context.cpus() : 1;
		final PixelClassifier classifier = PixelClassifier.parse( j.classifier, j.classifierName );
		long written = 0, skipped = 0;
		try ( ExecutorFeatures.Lease lease = ExecutorFeatures.lease( j.features, intraOpThreads ) )
		{
			final ExecutorFeatures run = lease.run;
			final Classification classification = new Classification( classifier.extra() == null ? run.features
					: run.features.withExtra( classifier.extra() ), classifier, j.type, 0 );
			final ZarrArray labels = open( j.labels ), probabilities = open( j.probabilities );
			while ( ranges.hasNext() )
			{
				final ChunkRange range = ranges.next();
				for ( long k = range.start(); k < range.end(); k++ )
				{
					if ( context != null )
						context.killTaskIfInterrupted();
					if ( ClassWriter.writeCell( classification, run.features.orderedCell( k ), labels, probabilities ) )
						written++;
					else
						skipped++;
				}
			}
		}
		return List.of( new long[] { written, skipped } ).iterator();
	}

	private static ZarrArray open( final String output )
	{
		if ( output == null )
			return null;
		try
		{
			return ZarrArray.open( Paths.get( output ), "" );
		}
		catch ( final ZarrException e )
		{
			throw new ExecutorException( ExecutorFeatures.where() + " cannot open " + e.getMessage()
					+ " (outputs must be on storage that every executor sees under the same path)", e );
		}
	}
}
