package org.featurize.unet.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.input.InputView;
import org.featurize.unet.io.FeatureLayout;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputLock;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.job.ModelHalos;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The driver's side of a run on Spark. Before any task: checks the request, the input, the output and the
 * model (loaded here too, for its description), and computes the dataset's normalization statistics once.
 * Then it holds the output's lock, creates or resumes the output exactly as one machine does (same
 * metadata, same recorded parameters), broadcasts the resolved job, runs one task per range of output chunks,
 * removes what killed tasks left half-written, and records completion last.
 */
public final class SparkFeaturizer
{
	private final Consumer< String > log;

	public SparkFeaturizer( final Consumer< String > log )
	{
		this.log = log;
	}

	/** What a run did. */
	public static final class Result
	{
		public final long chunksWritten, chunksSkipped;

		public final int partitions;

		public final double seconds;

		Result( final long written, final long skipped, final int partitions, final double seconds )
		{
			this.chunksWritten = written;
			this.chunksSkipped = skipped;
			this.partitions = partitions;
			this.seconds = seconds;
		}
	}

	/**
	 * Runs the request on {@code spark}.
	 *
	 * @param partitions
	 *            the number of tasks, or null for four per core of the cluster (at most one per chunk)
	 */
	public Result run( final JavaSparkContext spark, final FeaturizeRequest request, final Integer partitions )
	{
		request.validate();
		if ( request.output() == null )
			throw new FeaturizeException( "No output given: the Spark driver saves features, so it needs an output" );
		if ( partitions != null && partitions < 1 )
			throw new FeaturizeException( "partitions must be at least 1, got " + partitions );
		Featurizer.openInput( request ); // the input, and the part of it chosen
		FeatureOutput.checkBeforeRun( request.output(), request.input(), request.overwrite() );

		final Plan plan = plan( spark, request, request.output() );
		final FeatureImage features = plan.features;
		final DjlFeatureModel model = plan.model;
		final Path modelFile = plan.modelFile;
		final Map< String, Object > parameters = plan.parameters;
		final ChunkJob job = plan.job;
		final int intraOpThreads = job.intraOpThreads;

		try ( OutputLock lock = OutputLock.acquire( request.output() ) )
		{
			final FeatureLayout layout = new FeatureLayout( features );
			final Map< String, Object > details = Featurizer.details( modelFile, model, features );
			details.put( "spark", sparkDetails( spark, intraOpThreads ) );
			final FeatureOutput output = FeatureOutput.prepare( request.output(), request.input(), layout, request.type(),
					Featurizer.compressor( request.type() ), parameters, details, request.overwrite() );
			final long chunks = features.numCells();
			final List< ChunkRange > ranges = ranges( spark, chunks, partitions );
			log.accept( String.format( "%s %s, shape %s, chunks %s, %s: %d chunks in %d tasks on %s", output.resumed() ? "Resuming" : "Writing",
					request.output(), Arrays.toString( layout.shape() ), Arrays.toString( layout.chunks() ), request.type().label(), chunks,
					ranges.size(), spark.master() ) );

			final long start = System.nanoTime();
			final long[] counts = runTasks( spark, job, ranges );
			final double seconds = ( System.nanoTime() - start ) * 1e-9;
			if ( counts[ 0 ] + counts[ 1 ] != chunks )
				throw new FeaturizeException( String.format( "Tasks accounted for %d chunks of %d; run again with the same parameters to resume",
						counts[ 0 ] + counts[ 1 ], chunks ) );
			final int leftovers = output.array().removePartialWrites();
			final Map< String, Object > statistics = new LinkedHashMap<>();
			statistics.put( "chunks_written", counts[ 0 ] );
			statistics.put( "chunks_skipped", counts[ 1 ] );
			statistics.put( "seconds", seconds );
			statistics.put( "tasks", ranges.size() );
			statistics.put( "partial_writes_removed", leftovers );
			output.markComplete( statistics );
			log.accept( String.format( Locale.ROOT, "Done: %d chunks written, %d already there, %d tasks, %.1f s", counts[ 0 ], counts[ 1 ],
					ranges.size(), seconds ) );
			return new Result( counts[ 0 ], counts[ 1 ], ranges.size(), seconds );
		}
	}

	/** What the driver resolves before any task: the features as the executors will rebuild them, and the job they get. */
	static final class Plan
	{
		final InputView view;

		final Path modelFile;

		final DjlFeatureModel model;

		final FeatureImage features;

		/** The recorded parameters of a feature output of these features. */
		final Map< String, Object > parameters;

		final ChunkJob job;

		Plan( final InputView view, final Path modelFile, final DjlFeatureModel model, final FeatureImage features, final Map< String, Object > parameters,
				final ChunkJob job )
		{
			this.view = view;
			this.modelFile = modelFile;
			this.model = model;
			this.features = features;
			this.parameters = parameters;
			this.job = job;
		}
	}

	/**
	 * Loads the model, chooses the geometry as one worker of {@code bin/featurize} would, computes the dataset's
	 * normalization statistics once, and resolves the job that executors get, writing to {@code output}.
	 */
	Plan plan( final JavaSparkContext spark, final FeaturizeRequest request, final Path output )
	{
		final InputView view = Featurizer.openInput( request );
		final ZarrArray input = view.array();
		final int intraOpThreads = request.intraOpThreadsGiven() != null ? request.intraOpThreadsGiven() : 0;
		final Path modelFile = Featurizer.modelFile( request );
		final DjlFeatureModel model = Models.shared( modelFile, 1, intraOpThreads > 0 ? intraOpThreads : taskCpus( spark ) );
		log.accept( "Model: " + model.description() + "; " + model.engineInfo() );
		// one worker per task: the tile and chunks that bin/featurize chooses wherever one worker fits its heap
		final int halo = request.haloGiven() != null ? request.haloGiven()
				: ModelHalos.forRequest( request, model, modelFile, () -> Models.shared( request.model() != null ? request.model()
						: Models.defaultModelFile(), 1, intraOpThreads > 0 ? intraOpThreads : taskCpus( spark ) ), log );
		final Geometry geometry = Featurizer.geometry( request, view.shape(), model.description(), halo, 1 );
		final FeatureImage features = Featurizer.features( view, model, Featurizer.options( request, geometry ), null );
		log.accept( String.format( "Input: %s, %s, chunks %s; normalization %s", view, input.dataType(), Arrays.toString( input.chunkShape() ),
				features.normalization() ) );
		log.accept( "Geometry: " + geometry );
		final Map< String, Object > parameters = Featurizer.parameters( request, view, modelFile, features );
		final ChunkJob job = new ChunkJob( request.input().toAbsolutePath().normalize().toString(), request.dataset(), request.selection(), input.shape(),
				request.model() != null ? modelFile.toAbsolutePath().normalize().toString() : null, ( String ) parameters.get( "model_sha256" ),
				model.description().sizeMultiple(), features.channels(), features.tiles().tileWidth(), features.tiles().tileHeight(),
				features.tiles().halo(), features.tiles().margin(), features.cellWidth(), features.cellHeight(), features.normalization(), output.toAbsolutePath().normalize().toString(),
				intraOpThreads, request.precision().equals( FeaturizeRequest.PRECISION_BF16 ), request.storedValues() );
		return new Plan( view, modelFile, model, features, parameters, job );
	}

	/** The number of tasks: {@code partitions}, or four per core of the cluster; at most one per chunk. */
	static List< ChunkRange > ranges( final JavaSparkContext spark, final long chunks, final Integer partitions )
	{
		return ChunkRange.split( chunks, partitions != null ? partitions : Math.max( 1, 4 * spark.defaultParallelism() ) );
	}

	/** Runs one task per range; returns {written, skipped} summed over the tasks that succeeded. */
	long[] runTasks( final JavaSparkContext spark, final ChunkJob job, final List< ChunkRange > ranges )
	{
		return runTasks( spark, job, ranges, ChunkTask::new );
	}

	/** Runs {@code task} once per range with {@code job} broadcast; returns {written, skipped} summed over the tasks. */
	< J > long[] runTasks( final JavaSparkContext spark, final J job, final List< ChunkRange > ranges,
			final Function< Broadcast< J >, FlatMapFunction< Iterator< ChunkRange >, long[] > > task )
	{
		final Broadcast< J > shared = spark.broadcast( job );
		final TaskProgress progress = new TaskProgress( ranges.size() );
		spark.sc().addSparkListener( progress );
		try
		{
			return spark.parallelize( ranges, ranges.size() )
					.mapPartitions( task.apply( shared ) )
					.reduce( ( a, b ) -> new long[] { a[ 0 ] + b[ 0 ], a[ 1 ] + b[ 1 ] } );
		}
		catch ( final Exception e ) // SparkException, undeclared since Scala declares no exceptions
		{
			throw failure( e );
		}
		finally
		{
			spark.sc().removeSparkListener( progress );
			shared.destroy();
		}
	}

	/**
	 * The reason a job failed ({@code SparkException}), as our exception: the executor's own when it travelled
	 * back (its message says what to change), else Spark's first line.
	 */
	static FeaturizeException failure( final Exception e )
	{
		if ( e instanceof FeaturizeException )
			return ( FeaturizeException ) e;
		for ( Throwable t = e; t != null; t = t.getCause() )
			if ( t instanceof FeaturizeException )
				return new FeaturizeException( "The Spark job failed: " + t.getMessage()
						+ "; finished chunks are kept: run again with the same parameters to resume", e );
		final String message = String.valueOf( e.getMessage() );
		final int eol = message.indexOf( '\n' );
		return new FeaturizeException( "The Spark job failed: " + ( eol < 0 ? message : message.substring( 0, eol ) )
				+ "; finished chunks are kept: run again with the same parameters to resume", e );
	}

	private static int taskCpus( final JavaSparkContext spark )
	{
		return spark.getConf().getInt( "spark.task.cpus", 1 );
	}

	private static Map< String, Object > sparkDetails( final JavaSparkContext spark, final int intraOpThreads )
	{
		final Map< String, Object > s = new LinkedHashMap<>();
		s.put( "version", spark.version() );
		s.put( "master", spark.master() );
		s.put( "application", spark.sc().applicationId() );
		s.put( "intra_op_threads", intraOpThreads > 0 ? Integer.toString( intraOpThreads ) : "spark.task.cpus (" + taskCpus( spark ) + ")" );
		return s;
	}

	/** Logs finished tasks, at most every two seconds and at the end. */
	private final class TaskProgress extends SparkListener
	{
		private final int tasks;

		private final AtomicLong done = new AtomicLong(), lastLog = new AtomicLong( System.nanoTime() );

		private final long start = System.nanoTime();

		TaskProgress( final int tasks )
		{
			this.tasks = tasks;
		}

		@Override
		public void onTaskEnd( final SparkListenerTaskEnd end )
		{
			if ( !end.taskInfo().successful() )
				return;
			final long n = done.incrementAndGet(), now = System.nanoTime(), last = lastLog.get();
			if ( ( n == tasks || now - last > 2_000_000_000L ) && lastLog.compareAndSet( last, now ) )
			{
				final double elapsed = ( now - start ) * 1e-9;
				log.accept( String.format( Locale.ROOT, "tasks %d/%d (%d%%), %.1f s, ETA %.0f s", n, tasks, n * 100 / tasks, elapsed,
						elapsed / n * ( tasks - n ) ) );
			}
		}
	}
}
