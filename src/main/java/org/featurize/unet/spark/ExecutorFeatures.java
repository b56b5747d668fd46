package org.featurize.unet.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.input.InputView;
import org.featurize.unet.io.FeatureLayout;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.ModelException;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;

/**
 * The features of one run as an executor JVM sees them: made on the first task of the run in this JVM and
 * reused by every later one, so the model is loaded once per JVM (by {@link Models#shared}, never sent from
 * the driver) and input chunks read for one tile's halo serve its neighbours. The predictor pool grows to the
 * number of tasks that run at once in this JVM ({@code spark.executor.cores / spark.task.cpus}).
 */
final class ExecutorFeatures
{
	/** The runs this JVM has seen lately, newest last; older ones are dropped with their caches. */
	private static final Map< String, ExecutorFeatures > RUNS = new LinkedHashMap<>();

	private static final int KEPT_RUNS = 2;

	/** Tasks running now in this JVM. */
	private static final AtomicInteger ACTIVE = new AtomicInteger();

	final FeatureImage features;

	final FeatureLayout layout;

	final ZarrArray output;

	private final DjlFeatureModel model;

	private ExecutorFeatures( final FeatureImage features, final ZarrArray output, final DjlFeatureModel model )
	{
		this.features = features;
		this.layout = new FeatureLayout( features );
		this.output = output;
		this.model = model;
	}

	/** A running task's hold on the features; closing it ends the task's share of the predictor pool. */
	static final class Lease implements AutoCloseable
	{
		final ExecutorFeatures run;

		private Lease( final ExecutorFeatures run )
		{
			this.run = run;
		}

		@Override
		public void close()
		{
			ACTIVE.decrementAndGet();
		}
	}

	/** The features of {@code job} for one task, with a predictor for every task running now. */
	static Lease lease( final ChunkJob job, final int intraOpThreads )
	{
		final int active = ACTIVE.incrementAndGet();
		try
		{
			final ExecutorFeatures run = of( job, intraOpThreads );
			run.model.ensurePredictors( active );
			return new Lease( run );
		}
		catch ( final RuntimeException | Error e )
		{
			ACTIVE.decrementAndGet();
			throw e;
		}
	}

	private static synchronized ExecutorFeatures of( final ChunkJob job, final int intraOpThreads )
	{
		final ExecutorFeatures known = RUNS.get( job.id );
		if ( known != null )
			return known;
		final Path modelFile = modelFile( job );
		final DjlFeatureModel model;
		try
		{
			model = Models.shared( modelFile, 1, intraOpThreads );
		}
		catch ( final ModelException e )
		{
			throw new ExecutorException( where() + " cannot load the model " + modelFile + ": " + e.getMessage()
					+ " (the application's jars, pytorch-native-cpu included, must be on the executors' class path: "
					+ "spark-submit --jars, or spark.executor.extraClassPath on shared storage)", e );
		}
		final InputView input;
		final ZarrArray output;
		try
		{
			input = InputView.open( Paths.get( job.input ), job.dataset, job.selection );
			output = ZarrArray.open( Paths.get( job.output ), "" );
		}
		catch ( final ZarrException e )
		{
			throw new ExecutorException( where() + " cannot open " + e.getMessage()
					+ " (input and output must be on storage that every executor sees under the same path)", e );
		}
		if ( !Arrays.equals( input.array().shape(), job.inputShape ) )
			throw new ExecutorException( String.format( "%s sees input %s with shape %s, the driver saw %s", where(), job.input,
					Arrays.toString( input.array().shape() ), Arrays.toString( job.inputShape ) ) );
		final ModelDescription d = model.description();
		final int channels = d.outputChannels() * ( input.eachChannel() ? input.channelNames().size() : 1 ); // C x K where each channel has its own
		if ( d.sizeMultiple() != job.sizeMultiple || channels != job.channels )
			throw new ExecutorException( String.format( "%s sees model %s with %d channels and size multiple %d, the driver saw %d and %d: "
					+ "give executors the model's description file too (%s)", where(), modelFile, channels, d.sizeMultiple(),
					job.channels, job.sizeMultiple, ModelDescription.descriptionFile( modelFile ).getFileName() ) );
		final FeatureOptions options = FeatureOptions.defaults().tile( job.tileWidth, job.tileHeight ).halo( job.halo )
				.margin( job.margin ).chunk( job.chunkWidth, job.chunkHeight );
		final FeatureImage features = Featurizer.features( input, model, options, job.normalization );
		final ExecutorFeatures run = new ExecutorFeatures( features, output, model );
		RUNS.put( job.id, run );
		for ( final Iterator< String > it = RUNS.keySet().iterator(); RUNS.size() > KEPT_RUNS && it.hasNext(); )
		{
			final ExecutorFeatures old = RUNS.get( it.next() );
			old.features.invalidateAll();
			it.remove();
		}
		return run;
	}

	/**
	 * The model file on this executor: the driver's path when this machine has it (shared storage), else the
	 * copy that {@code spark-submit --files} shipped; the same bytes as the driver's in either case.
	 */
	static Path modelFile( final ChunkJob job )
	{
		if ( job.model == null )
			return checked( job.bf16 ? Models.bf16Variant( Models.defaultModelFile() ) : Models.defaultModelFile(), job );
		final Path path = Paths.get( job.model );
		if ( Files.isRegularFile( path ) )
			return checked( path, job );
		final Path shipped = shipped( path.getFileName().toString() );
		if ( shipped != null )
			return checked( shipped, job );
		throw new ExecutorException( String.format( "%s cannot find the model %s: put it on storage that every executor sees under "
				+ "the same path, or ship it with spark-submit --files %s (and its description %s)", where(), job.model, job.model,
				ModelDescription.descriptionFile( path ) ) );
	}

	private static Path shipped( final String name )
	{
		if ( SparkEnv.get() == null )
			return null;
		final Path p = Paths.get( SparkFiles.get( name ) );
		return Files.isRegularFile( p ) ? p : null;
	}

	private static Path checked( final Path model, final ChunkJob job )
	{
		final String sha;
		try
		{
			sha = Featurizer.sha256( model );
		}
		catch ( final FeaturizeException e )
		{
			throw new ExecutorException( where() + ": " + e.getMessage(), e );
		}
		if ( !sha.equals( job.modelSha256 ) )
			throw new ExecutorException( String.format( "%s sees another model at %s than the driver (SHA-256 %s, the driver's %s)",
					where(), model, sha, job.modelSha256 ) );
		return model;
	}

	/** "Executor 3 on host-12 (pid 4711)". */
	static String where()
	{
		final SparkEnv env = SparkEnv.get();
		final String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
		final int at = name.indexOf( '@' );
		final String host = at >= 0 ? name.substring( at + 1 ) : name, pid = at >= 0 ? name.substring( 0, at ) : "?";
		return "Executor " + ( env != null ? env.executorId() : "?" ) + " on " + host + " (pid " + pid + ")";
	}
}
