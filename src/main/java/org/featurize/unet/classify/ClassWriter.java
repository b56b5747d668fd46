package org.featurize.unet.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;

import net.imglib2.img.cell.CellGrid;

/**
 * Writes a classification: the labels as a Zarr v2 array of the input's shape ({@code (t, z, y, x)} as the input has
 * them) and, on request, the class probabilities as float32 {@code (..., y, x, class)}, both chunked like the
 * classification's cells. Worker threads take the cells in the feature image's computing order; every chunk is
 * written atomically and a cell whose chunks exist is skipped, so an interrupted run resumes where it stopped.
 */
public final class ClassWriter
{
	/** Labels compress well with byte shuffling and zstd. */
	static final Compressor LABEL_COMPRESSOR = Compressor.blosc( "zstd", 5, Shuffle.BYTE );

	static final Compressor PROBABILITY_COMPRESSOR = Compressor.blosc( "zstd", 3, Shuffle.BYTE );

	private final Classification classification;

	private final int threads;

	public ClassWriter( final Classification classification, final int threads )
	{
		if ( threads < 1 )
			throw new FeaturizeException( "Threads must be at least 1, got " + threads );
		this.classification = classification;
		this.threads = threads;
	}

	/** What a run did. */
	public static final class Result
	{
		public final long chunksWritten, chunksSkipped;

		public final double seconds;

		Result( final long written, final long skipped, final double seconds )
		{
			this.chunksWritten = written;
			this.chunksSkipped = skipped;
			this.seconds = seconds;
		}
	}

	/**
	 * @param labels
	 *            the label output, or null
	 * @param probabilities
	 *            the probabilities' output, or null
	 * @param parameters
	 *            what makes two runs the same (an unfinished output with others is refused)
	 */
	public Result write( final Path labels, final Path probabilities, final Path input, final Map< String, Object > parameters,
			final boolean overwrite, final Consumer< String > log, final Progress progress, final BooleanSupplier cancelled )
	{
		final Outputs outputs = prepare( classification, labels, probabilities, input, parameters, overwrite );
		final FeatureOutput labelOut = outputs.labels(), probabilityOut = outputs.probabilities();
		for ( final FeatureOutput o : new FeatureOutput[] { labelOut, probabilityOut } )
			if ( o != null )
				log.accept( ( o.resumed() ? "Resuming " : "Writing " ) + o.array().path() + ", shape " + Arrays.toString( o.array().shape() )
						+ ", chunks " + Arrays.toString( o.array().chunkShape() ) + ", " + o.array().dataType() );

		final CellFeatures features = classification.features();
		final long cells = features.numCells(), planes = Math.max( 1, features.planes() ), cellsPerPlane = cells / planes;
		final AtomicIntegerArray planeCells = new AtomicIntegerArray( ( int ) Math.min( planes, Integer.MAX_VALUE ) );
		final AtomicLong planesDone = new AtomicLong();
		final AtomicLong next = new AtomicLong(), written = new AtomicLong(), skipped = new AtomicLong();
		final AtomicBoolean stop = new AtomicBoolean();
		final AtomicReference< Throwable > failure = new AtomicReference<>();
		final long start = System.nanoTime();
		final Runnable worker = () -> {
			try
			{
				for ( long i = next.getAndIncrement(); i < cells && !stop.get(); i = next.getAndIncrement() )
				{
					if ( cancelled.getAsBoolean() || Thread.currentThread().isInterrupted() )
					{
						stop.set( true );
						return;
					}
					final long index = features.orderedCell( i );
					if ( writeCell( classification, index, labelOut == null ? null : labelOut.array(),
							probabilityOut == null ? null : probabilityOut.array() ) )
						written.incrementAndGet();
					else
						skipped.incrementAndGet();
					if ( planeCells.incrementAndGet( ( int ) ( index / cellsPerPlane ) ) == cellsPerPlane ) // cells are numbered plane by plane
					{
						final long finished = planesDone.incrementAndGet();
						final double elapsed = ( System.nanoTime() - start ) * 1e-9;
						final double rate = written.get() / Math.max( elapsed, 1e-9 ) / cellsPerPlane;
						progress.update( finished, planes, rate, rate > 0 ? ( planes - finished ) / rate : -1 );
					}
				}
			}
			catch ( final Throwable t )
			{
				failure.compareAndSet( null, t );
				stop.set( true );
			}
		};
		final List< Thread > workers = new ArrayList<>();
		for ( int t = 0; t < threads; t++ )
		{
			final Thread thread = new Thread( worker, "featurize-classify-" + t );
			thread.setDaemon( true );
			workers.add( thread );
			thread.start();
		}
		try
		{
			for ( final Thread thread : workers )
				thread.join();
		}
		catch ( final InterruptedException e )
		{
			stop.set( true );
			Thread.currentThread().interrupt();
			throw new CancellationException( "Classification was interrupted; the chunks written so far stay, and a new run resumes" );
		}
		final Throwable f = failure.get();
		if ( f instanceof RuntimeException )
			throw ( RuntimeException ) f;
		if ( f instanceof Error )
			throw ( Error ) f;
		if ( stop.get() )
			throw new CancellationException( "Classification was cancelled; the chunks written so far stay, and a new run resumes" );
		final double seconds = ( System.nanoTime() - start ) * 1e-9;
		final Map< String, Object > statistics = new LinkedHashMap<>();
		statistics.put( "chunks_written", written.get() );
		statistics.put( "chunks_skipped", skipped.get() );
		statistics.put( "seconds", seconds );
		outputs.markComplete( statistics );
		return new Result( written.get(), skipped.get(), seconds );
	}

	/** The label and probability outputs of a run, either of them null where not asked for. */
	public record Outputs( FeatureOutput labels, FeatureOutput probabilities )
	{
		/** Records completion, with {@code statistics}, in each output. */
		public void markComplete( final Map< String, Object > statistics )
		{
			for ( final FeatureOutput o : new FeatureOutput[] { labels, probabilities } )
				if ( o != null )
					o.markComplete( statistics );
		}
	}

	/**
	 * Creates or resumes the outputs of {@code classification}: the labels as the input's axes {@code (t, z, y, x)}
	 * (as many as it has), the probabilities with a last axis {@code class}; chunks are the classification's cells.
	 * Whoever writes the cells (these threads, or a cluster's tasks) finds the same metadata and run record.
	 *
	 * @param labels
	 *            the label output, or null
	 * @param probabilities
	 *            the probabilities' output, or null
	 * @param parameters
	 *            what makes two runs the same (an unfinished output with others is refused)
	 */
	public static Outputs prepare( final Classification classification, final Path labels, final Path probabilities, final Path input,
			final Map< String, Object > parameters, final boolean overwrite )
	{
		final CellGrid grid = classification.cellGrid();
		final int n = grid.numDimensions();
		final long[] shape = reversed( grid.getImgDimensions() );
		final int[] cell = new int[ n ];
		grid.cellDimensions( cell );
		final int[] chunks = reversedInt( cell );
		final String[] axes = Arrays.copyOfRange( new String[] { "t", "z", "y", "x" }, 4 - n, 4 );
		final PixelClassifier classifier = classification.classifier();
		final Map< String, Object > details = new LinkedHashMap<>();
		details.put( "classes", classifier.toMap().get( "classes" ) );
		details.put( "classifier", classifier.toString() );
		final FeatureOutput labelOut = labels == null ? null : FeatureOutput.prepare( labels, input, axes, shape, chunks, classification.type(),
				LABEL_COMPRESSOR, parameters, details, overwrite );
		final int k = classifier.classes();
		final FeatureOutput probabilityOut = probabilities == null ? null : FeatureOutput.prepare( probabilities, input, append( axes, "class" ),
				append( shape, k ), append( chunks, k ), DataType.FLOAT32, PROBABILITY_COMPRESSOR, parameters, details, overwrite );
		return new Outputs( labelOut, probabilityOut );
	}

	/**
	 * Computes cell {@code index} of {@code classification} and writes its chunk to the outputs that lack it (each
	 * chunk atomically); returns false, computing nothing, where both have it already.
	 *
	 * @param labels
	 *            the label array, or null
	 * @param probabilities
	 *            the probabilities' array, or null
	 */
	public static boolean writeCell( final Classification classification, final long index, final ZarrArray labels, final ZarrArray probabilities )
	{
		final CellGrid grid = classification.cellGrid();
		final int n = grid.numDimensions();
		final int[] cell = new int[ n ];
		grid.cellDimensions( cell );
		final int k = classification.classifier().classes();
		final long[] pos = new long[ n ];
		grid.getCellGridPositionFlat( index, pos );
		final long[] chunk = reversed( pos );
		final boolean needLabels = labels != null && !labels.chunkExists( chunk );
		final boolean needProbabilities = probabilities != null && !probabilities.chunkExists( append( chunk, 0 ) );
		if ( !needLabels && !needProbabilities )
			return false;
		final long[] min = new long[ n ];
		final int[] size = new int[ n ];
		grid.getCellDimensions( index, min, size );
		final float[] p = needProbabilities ? new float[ size[ 0 ] * size[ 1 ] * k ] : null;
		final int[] classes = classification.computeCell( index, p );
		if ( needProbabilities )
			probabilities.writeChunk( append( chunk, 0 ), pad( p, size[ 0 ] * k, size[ 1 ], cell[ 0 ] * k, cell[ 1 ] ) );
		if ( needLabels )
			labels.writeChunk( chunk, padded( classification.values( classes ), size[ 0 ], size[ 1 ], cell[ 0 ], cell[ 1 ] ) );
		return true;
	}

	/** A cell's rows of {@code w} values (h rows) in a chunk of rows of {@code cw} values (ch rows); the rest 0. */
	static float[] pad( final float[] values, final int w, final int h, final int cw, final int ch )
	{
		if ( w == cw && h == ch )
			return values;
		final float[] out = new float[ cw * ch ];
		for ( int y = 0; y < h; y++ )
			System.arraycopy( values, y * w, out, y * cw, w );
		return out;
	}

	static Object padded( final Object values, final int w, final int h, final int cw, final int ch )
	{
		if ( w == cw && h == ch )
			return values;
		final Object out = java.lang.reflect.Array.newInstance( values.getClass().getComponentType(), cw * ch );
		for ( int y = 0; y < h; y++ )
			System.arraycopy( values, y * w, out, y * cw, w );
		return out;
	}

	static long[] reversed( final long[] a )
	{
		final long[] r = new long[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			r[ i ] = a[ a.length - 1 - i ];
		return r;
	}

	static int[] reversedInt( final int[] a )
	{
		final int[] r = new int[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			r[ i ] = a[ a.length - 1 - i ];
		return r;
	}

	static long[] append( final long[] a, final long v )
	{
		final long[] r = Arrays.copyOf( a, a.length + 1 );
		r[ a.length ] = v;
		return r;
	}

	static int[] append( final int[] a, final int v )
	{
		final int[] r = Arrays.copyOf( a, a.length + 1 );
		r[ a.length ] = v;
		return r;
	}

	static String[] append( final String[] a, final String v )
	{
		final String[] r = Arrays.copyOf( a, a.length + 1 );
		r[ a.length ] = v;
		return r;
	}
}
