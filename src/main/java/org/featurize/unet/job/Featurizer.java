package org.featurize.unet.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.bioimageio.BioimageioModel;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.compute.Geometry;
import org.featurize.unet.compute.Normalization;
import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.io.FeatureLayout;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.FeatureWriter;
import org.featurize.unet.io.OutputLock;
import org.featurize.unet.io.Progress;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.model.ChannelsModel;
import org.featurize.unet.model.Devices;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.Models;
import org.featurize.unet.input.InputView;
import org.featurize.unet.ome.OmeLayout;
import org.featurize.unet.ome.OmeOutput;
import org.featurize.unet.ome.OmeWriter;
import org.featurize.unet.preview.Preview;
import org.featurize.unet.zarr.CachedZarrImage;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrImages;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Runs a {@link FeaturizeRequest}: checks the parameters, the input, the output and the model, in that
 * order and before any compute; builds the lazy feature image; writes it when an output is given.
 */
public final class Featurizer
{
	/**
	 * The compressor of float32 features: Blosc LZ4 (level 5) with bit shuffle. On the shipped model's features,
	 * rounded per channel and chunk to 13 bits, it stores 0.49 of the Python original's bytes (Blosc zstd-1 with bit
	 * shuffle: 0.47 at 1.7 times the time; measured with {@code bench.CompressorChoice}, see bench/results.md).
	 */
	public static final Compressor FLOAT32_COMPRESSOR = Compressor.blosc( "lz4", 5, Shuffle.BIT );

	/**
	 * The compressor of float16 features, the type asked for to save space: Blosc zstd (level 1) with bit shuffle,
	 * 0.94 of LZ4's bytes at twice its time (zstd-3: 0.88 at four times).
	 */
	public static final Compressor FLOAT16_COMPRESSOR = Compressor.blosc( "zstd", 1, Shuffle.BIT );

	/** The compressor of saved features of {@code type}. */
	public static Compressor compressor( final OutputType type )
	{
		return type == OutputType.FLOAT16 ? FLOAT16_COMPRESSOR : FLOAT32_COMPRESSOR;
	}

	private final Consumer< String > log;

	public Featurizer( final Consumer< String > log )
	{
		this.log = log;
	}

	/** What a run produced. */
	public static final class Result
	{
		private final FeatureImage features;

		private final Path output;

		private final FeatureWriter.Result written;

		private final OmeWriter.Result writtenOme;

		Result( final FeatureImage features, final Path output, final FeatureWriter.Result written, final OmeWriter.Result writtenOme )
		{
			this.features = features;
			this.output = output;
			this.written = written;
			this.writtenOme = writtenOme;
		}

		/** The lazily computed features, axes (x, y, c[, z[, t]]). */
		public RandomAccessibleInterval< FloatType > image()
		{
			return features.image();
		}

		public FeatureImage features()
		{
			return features;
		}

		/** The saved output, or null. */
		public Path output()
		{
			return output;
		}

		/** What the writer did, or null when nothing was saved in the seed layout. */
		public FeatureWriter.Result written()
		{
			return written;
		}

		/** What the OME-Zarr writer did, or null when nothing was saved as OME-Zarr. */
		public OmeWriter.Result writtenOme()
		{
			return writtenOme;
		}
	}

	/** Runs the request: lazy features only when it has no output, else every chunk written. */
	public Result run( final FeaturizeRequest request, final Progress progress, final BooleanSupplier cancelled )
	{
		request.validate();
		final InputView view = openInput( request );
		final ZarrArray input = view.array();
		final long[] shape = view.shape(); // the region's
		// the workers decide the engine's intra-op threads, so a first choice comes before the model starts, from its
		// description file where there is one; the final one, with the model's measured halo, after
		final Path modelFile = modelFile( request );
		final ModelDescription declared = declaredDescription( modelFile );
		request.workers( geometry( request, shape, declared, declared.defaultHalo(), request.threadsGiven() ).workers() );
		final boolean omeOutput = request.layout.equals( FeaturizeRequest.LAYOUT_OME );
		if ( omeOutput )
			OmeLayout.checkLevels( request.levels, shape[ shape.length - 2 ], shape[ shape.length - 1 ] );
		if ( request.output != null && omeOutput )
			OmeOutput.checkBeforeRun( request.output, request.input, request.overwrite );
		else if ( request.output != null )
			FeatureOutput.checkBeforeRun( request.output, request.input, request.overwrite );
		if ( request.preview != null )
			Preview.check( request.preview, request.input, request.previewPlane, Arrays.stream( shape, 0, shape.length - 2 ).reduce( 1, Math::multiplyExact ),
					request.overwrite );

		final Devices.Choice device = Devices.choose( request.device, request.intraOpThreads() ); // gpu without one: refused here
		log.accept( device.message() );
		final BioimageioModel bioimageio = BioimageioModel.isPackage( modelFile ) // a bioimage.io package: checked against its test tensors
				? BioimageioModel.shared( modelFile, request.threads(), device.device() ) : null;
		if ( bioimageio != null && !request.normalization.equals( Normalization.NONE ) )
			throw new FeaturizeException( "normalization=" + request.normalization + " cannot be combined with a bioimage.io model package: "
					+ "its own preprocessing normalizes the input (" + bioimageio.rdf() + ")" );
		final FeatureModel model = bioimageio != null ? null : Models.shared( modelFile, request.threads(), request.intraOpThreads(), device.device() );
		log.accept( "Model: " + ( bioimageio != null ? bioimageio + ", test output reproduced" : model.description() ) + "; "
				+ ( bioimageio != null ? bioimageio.engineInfo() : model.engineInfo() ) );

		final ModelDescription description = bioimageio != null ? bioimageio.description() : model.description();
		final int halo = request.halo != null ? request.halo
				: bioimageio != null ? description.defaultHalo()
						: ModelHalos.forRequest( request, model, modelFile, () -> Models.shared(
								request.model != null ? request.model : Models.defaultModelFile(), 1, request.intraOpThreads(), device.device() ), log );
		final Geometry geometry = geometry( request, shape, description, halo, request.threads() );
		checkInputChunks( input, geometry, Runtime.getRuntime().maxMemory() );
		final long cacheBytes = sweepCacheBytes( input, geometry, Runtime.getRuntime().maxMemory() );
		final CachedZarrImage< ? > cached = ZarrImages.openCached( input, cacheBytes );
		final FeatureImage features = lazy( view, cached.image(), model, bioimageio, options( request, geometry ), null );
		if ( bioimageio != null && !preprocessing( features.model() ).isEmpty() )
			log.accept( "Preprocessing (dataset statistics, computed once): " + preprocessing( features.model() ) );
		log.accept( String.format( "Input: %s, %s, chunks %s; normalization %s", view, input.dataType(),
				Arrays.toString( input.chunkShape() ), features.normalization() ) );
		log.accept( "Geometry: " + geometry + "; input chunk cache " + ( cacheBytes >> 20 ) + " MB" );
		final long maxHeap = Runtime.getRuntime().maxMemory(), inputChunk = java.util.Arrays.stream( input.chunkShape() ).asLongStream()
				.reduce( input.dataType().bytesPerElement(), ( a, b ) -> a * b );
		log.accept( String.format( "Memory: at most about %d MB resident (Java heap up to %d MB, forward passes %d MB, an input chunk %d MB, "
				+ "runtime %d MB)", geometry.residentBound( maxHeap, inputChunk ) >> 20, maxHeap >> 20, geometry.activationBytes() >> 20,
				inputChunk >> 20, Geometry.RUNTIME_BYTES >> 20 ) );
		if ( request.output == null )
			return withPreview( request, view, new Result( features, null, null, null ) );

		try ( OutputLock lock = OutputLock.acquire( request.output ) )
		{
			if ( omeOutput )
				return withPreview( request, view, writeOme( request, view, modelFile, features, progress, cancelled ) );
			final FeatureLayout layout = new FeatureLayout( features );
			final FeatureOutput output = FeatureOutput.prepare( request.output, request.input, layout, request.type(), compressor( request.type() ),
					parameters( request, view, modelFile, features ), details( modelFile, features.model(), features ), request.overwrite );
			log.accept( ( output.resumed() ? "Resuming " : "Writing " ) + request.output + ", shape " + Arrays.toString( layout.shape() )
					+ ", chunks " + Arrays.toString( layout.chunks() ) + ", " + request.type().label() + request.type().readersNote() );
			final FeatureWriter.Result written = new FeatureWriter( features, output.array(), request.threads(),
					request.storedValues() ).write( progress, cancelled );
			final Map< String, Object > statistics = new LinkedHashMap<>();
			statistics.put( "chunks_written", written.chunksWritten );
			statistics.put( "chunks_skipped", written.chunksSkipped );
			statistics.put( "seconds", written.seconds );
			final String reads = inputReads( cached, view, statistics );
			output.markComplete( statistics );
			log.accept( String.format( "Done: %d planes, %d chunks written, %d already there, %.1f s%s", written.planes,
					written.chunksWritten, written.chunksSkipped, written.seconds, reads ) );
			return withPreview( request, view, new Result( features, request.output, written, null ) );
		}
	}

	/**
	 * Refuses, before anything is written, an input whose chunks are too large to decode in this heap beside the
	 * chunks in flight (a 16384 x 16384 float32 plane stored as one chunk is 1 GiB once decoded, and its compressed
	 * bytes are read whole first): without this the run would end in an OutOfMemoryError at its first tile.
	 */
	static void checkInputChunks( final ZarrArray input, final Geometry geometry, final long maxHeap )
	{
		final long[] shape = input.shape();
		final int[] chunks = input.chunkShape();
		long chunk = input.dataType().bytesPerElement();
		for ( int d = 0; d < shape.length; d++ )
			chunk *= Math.min( chunks[ d ], shape[ d ] );
		final long needed = geometry.heapBytes() + chunk + chunk / 2; // decoded, and the compressed bytes while decoding
		if ( needed > maxHeap / 8 * 7 )
			throw new FeaturizeException( String.format( "The input's chunks %s of %s hold %d MB each once decoded; with the chunks in flight "
					+ "(%s) that needs about %d MB of Java heap, and this JVM may use %d MB. Give Java more memory (bin/featurize: "
					+ "JAVA_OPTS=-Xmx%dg; Fiji: Edit > Options > Memory & Threads), or store the input in smaller chunks",
					Arrays.toString( chunks ), input.dataType(), chunk >> 20, geometry, needed >> 20, maxHeap >> 20,
					Math.max( 2, ( needed * 8 / 7 >> 30 ) + 1 ) ) );
	}

	/**
	 * How often the input's chunks were read, against how many the region touches: 1 when each was decoded once (planes in
	 * order, the chunks a row of tiles needs kept in the cache); more when the cache could not hold them. Recorded in
	 * the statistics; a phrase for the log line.
	 */
	private static String inputReads( final CachedZarrImage< ? > cached, final InputView view, final Map< String, Object > statistics )
	{
		final long chunks = view.chunks();
		statistics.put( "input_chunk_reads", cached.chunkReads() );
		statistics.put( "input_chunks", chunks );
		return String.format( "; input chunks read %d times for %d chunks (%.2f each)", cached.chunkReads(), chunks,
				( double ) cached.chunkReads() / Math.max( 1, chunks ) );
	}

	/** The description in the model's JSON file, or the shipped model's figures where there is none (a first guess, before the model is measured). */
	static ModelDescription declaredDescription( final Path modelFile )
	{
		final Path json = ModelDescription.descriptionFile( modelFile );
		if ( Files.isRegularFile( json ) )
		{
			try
			{
				return ModelDescription.read( json );
			}
			catch ( final RuntimeException e )
			{
				// reported when the model loads
			}
		}
		return new ModelDescription( "unknown", 1, 16, 16, 136, "a first guess" );
	}

	/**
	 * The geometry of a run: the request's tile, halo, chunk and threads where given, the rest chosen for this machine
	 * by {@link Geometry#choose}; an explicit tile that cannot fit is refused here, with the figures, before anything is
	 * written.
	 *
	 * @param halo
	 *            the halo to use unless the request gives one
	 * @param threads
	 *            the workers, or null for the default
	 */
	public static Geometry geometry( final FeaturizeRequest request, final long[] shape, final ModelDescription model, final int halo,
			final Integer threads )
	{
		final int n = shape.length;
		return Geometry.choose( Features.machine( Geometry.inputs() ).plane( shape[ n - 1 ], shape[ n - 2 ] )
				.model( model.outputChannels(), model.sizeMultiple(), halo )
				.valueBytes( request.type().dataType().bytesPerElement() )
				.tile( request.tile ).chunk( request.chunk ).halo( request.halo ).margin( request.margin() ).threads( threads ) );
	}

	/** Writes the preview picture when the request asks for one. */
	private Result withPreview( final FeaturizeRequest request, final InputView view, final Result result )
	{
		if ( request.preview == null )
			return result;
		final FeatureImage features = result.features();
		final long plane = request.previewPlane != null ? request.previewPlane : Preview.defaultPlane( features );
		log.accept( "Preview: " + Preview.write( request.preview, view.reader( inputCacheBytes() ), features, plane ) );
		return result;
	}

	/** Writes the features as an OME-Zarr image; the caller holds the output's lock. */
	private Result writeOme( final FeaturizeRequest request, final InputView view, final Path modelFile, final FeatureImage features,
			final Progress progress, final BooleanSupplier cancelled )
	{
		final OmeLayout layout = new OmeLayout( features, view.axes(), request.levels );
		final Map< String, Object > parameters = parameters( request, view, modelFile, features );
		parameters.put( "layout", FeaturizeRequest.LAYOUT_OME );
		parameters.put( "levels", request.levels );
		final String name = view.name() + " features";
		final OmeOutput output = OmeOutput.prepare( request.output, request.input, layout, request.type(), compressor( request.type() ), parameters,
				details( modelFile, features.model(), features ), name, version(), request.overwrite );
		log.accept( ( output.resumed() ? "Resuming " : "Writing " ) + request.output + " as OME-Zarr (NGFF 0.4), axes " + layout.axes()
				+ ", level 0 shape " + Arrays.toString( layout.shape( 0 ) ) + ", chunks " + Arrays.toString( layout.chunks( 0 ) ) + ", "
				+ request.levels + " level" + ( request.levels == 1 ? "" : "s" ) + ", " + request.type().label() + request.type().readersNote() );
		final OmeWriter writer = new OmeWriter( layout, output, request.threads(), request.storedValues() );
		final OmeWriter.Result written = writer.write( progress, cancelled );
		final Map< String, Object > statistics = new LinkedHashMap<>();
		statistics.put( "cells_written", written.cellsWritten );
		statistics.put( "cells_skipped", written.cellsSkipped );
		statistics.put( "chunks_written_per_level", toList( written.chunksWritten ) );
		statistics.put( "seconds", written.seconds );
		output.markComplete( statistics, writer.windows() );
		log.accept( String.format( "Done: %d planes, %d tiles computed, %d already there, levels %s chunks written, %.1f s", written.planes,
				written.cellsWritten, written.cellsSkipped, Arrays.toString( written.chunksWritten ), written.seconds ) );
		return new Result( features, request.output, null, written );
	}


	/**
	 * The lazy features of the part of the input that {@code view} chooses, read from {@code whole} (its array as an
	 * image); a bioimage.io package's dataset statistics are the whole input's, as percentiles are.
	 */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	private static FeatureImage lazy( final InputView view, final RandomAccessibleInterval< ? > whole, final FeatureModel model,
			final BioimageioModel bioimageio, final FeatureOptions options, final Normalization normalization )
	{
		final PlaneReader reader = view.reader( ( RandomAccessibleInterval ) whole );
		final List< FeatureModel > models = new java.util.ArrayList<>(); // one per channel read
		for ( int c = 0; c < reader.channels(); c++ )
			models.add( bioimageio != null ? bioimageio.bind( reader.channel( c ) ) : model );
		final FeatureModel used = view.eachChannel() ? new ChannelsModel( models, view.channelNames() ) : models.get( 0 );
		final FeatureImage features = Features.lazy( reader, used, options, normalization );
		if ( bioimageio != null )
			bioimageio.checkTiles( features.tiles() );
		return features;
	}

	/** The model of one channel: {@code model} itself, or the first channel's where each channel has its own. */
	private static FeatureModel single( final FeatureModel model )
	{
		return model instanceof ChannelsModel ? ( ( ChannelsModel ) model ).model( 0 ) : model;
	}

	/** A bioimage.io package's preprocessing as bound to the dataset (per channel, where each channel has its own), or an empty list. */
	private static List< Object > preprocessing( final FeatureModel model )
	{
		if ( model instanceof ChannelsModel && single( model ) instanceof BioimageioModel.Bound )
		{
			final List< Object > list = new java.util.ArrayList<>();
			final ChannelsModel channels = ( ChannelsModel ) model;
			for ( int c = 0; c < channels.names().size(); c++ )
				list.add( ( ( BioimageioModel.Bound ) channels.model( c ) ).preprocessing() );
			return list;
		}
		return model instanceof BioimageioModel.Bound ? ( ( BioimageioModel.Bound ) model ).preprocessing() : List.of();
	}
	/** The input's chunk cache: an eighth of the heap, since the features' cache takes a quarter. */
	private static long inputCacheBytes()
	{
		return Math.max( 32L << 20, Runtime.getRuntime().maxMemory() / 8 );
	}

	/**
	 * The input's chunk cache for a run that sweeps the planes in order, row of tiles by row of tiles: room for the
	 * chunks that one row of tiles touches with its halo (all the chunks' rows it overlaps, across the plane, with
	 * every plane those chunks hold), for each worker and one more, so that each input chunk is decoded about once
	 * per pass, also a 3D block that spans many planes; at least 32 MB. At most what the heap has besides the chunks
	 * in flight and a quarter for the collector (at least an eighth of the heap): where that is less, chunks are read
	 * again, and the run's statistics say how often.
	 */
	static long sweepCacheBytes( final ZarrArray input, final Geometry geometry, final long maxHeap )
	{
		final long[] shape = input.shape();
		final int[] chunks = input.chunkShape();
		final int n = shape.length;
		final long rows = Math.min( ( shape[ n - 2 ] + chunks[ n - 2 ] - 1 ) / chunks[ n - 2 ],
				( geometry.tileHeight() + 2L * geometry.halo() + chunks[ n - 2 ] - 1 ) / chunks[ n - 2 ] + 1 );
		double band = input.dataType().bytesPerElement() * ( double ) rows * chunks[ n - 2 ]
				* Math.ceil( ( double ) shape[ n - 1 ] / chunks[ n - 1 ] ) * chunks[ n - 1 ];
		for ( int d = 0; d < n - 2; d++ )
			band *= Math.min( chunks[ d ], shape[ d ] );
		final double wanted = Math.max( 32L << 20, ( geometry.workers() + 1.0 ) * band );
		final long allowed = Math.max( maxHeap / 8, maxHeap - geometry.heapBytes() - maxHeap / 4 );
		return ( long ) Math.min( wanted, allowed );
	}

	// The pieces of a run that every front end shares (this class, the Spark driver and its executors), so
	// that they compute the same features and record the same parameters, and can resume each other's outputs.

	/**
	 * Opens the request's input (a plain array of 2, 3 or 4 dimensions, or an OME-Zarr image) and the part of it to
	 * featurize; refuses a region that does not fit it.
	 */
	public static InputView openInput( final FeaturizeRequest request )
	{
		return InputView.open( request.input, request.dataset, request.selection() );
	}

	/**
	 * The model file the request runs: the one given, or the shipped default (extracted from the jar); with
	 * {@code precision=bf16}, that model's bfloat16 variant.
	 */
	public static Path modelFile( final FeaturizeRequest request )
	{
		final Path model = request.model != null ? request.model : Models.defaultModelFile();
		return request.precision.equals( FeaturizeRequest.PRECISION_BF16 ) ? Models.bf16Variant( model ) : model;
	}

	/** How the request computes features: the geometry's tile, halo and chunk, the request's normalization and margin. */
	public static FeatureOptions options( final FeaturizeRequest request, final Geometry geometry )
	{
		final FeatureOptions options = FeatureOptions.defaults()
				.normalization( request.normalization )
				.percentiles( request.percentileLow, request.percentileHigh )
				.geometry( geometry )
				.margin( request.margin() );
		if ( request.cacheBytes != null )
			options.cacheBytes( request.cacheBytes );
		return options;
	}

	/**
	 * The lazy features of the part of the input that {@code view} chooses, read through a chunk cache of an eighth
	 * of the heap (the features' own cache takes a quarter).
	 *
	 * @param normalization
	 *            statistics computed before (by {@code features(...).normalization()} on another machine, for
	 *            instance), or null to compute them here as the options say
	 */
	public static FeatureImage features( final InputView view, final FeatureModel model, final FeatureOptions options,
			final Normalization normalization )
	{
		return lazy( view, ZarrImages.open( view.array(), inputCacheBytes() ), model, null, options, normalization );
	}



	/** What makes two runs the same: compared when a run resumes an unfinished output. */
	public static Map< String, Object > parameters( final FeaturizeRequest request, final InputView view, final Path modelFile,
			final FeatureImage features )
	{
		final Map< String, Object > p = new LinkedHashMap<>();
		p.put( "input", request.input.toAbsolutePath().normalize().toString() );
		p.put( "dataset", request.dataset );
		p.put( "input_shape", toList( view.array().shape() ) ); // an OME-Zarr input's level 0, channel axis included
		view.record( p ); // the region, where one is given
		final FeatureModel one = single( features.model() );
		p.put( "model_sha256", one instanceof BioimageioModel.Bound ? ( ( BioimageioModel.Bound ) one ).model().sha256() : sha256( modelFile ) );
		if ( one instanceof BioimageioModel.Bound )
			p.put( "preprocessing", preprocessing( features.model() ) );
		p.put( "tile", List.of( features.tiles().tileHeight(), features.tiles().tileWidth() ) );
		p.put( "halo", features.tiles().halo() );
		if ( features.tiles().margin() != 0 ) // a run without one records none, as runs before margins
			p.put( "margin", features.tiles().margin() );
		p.put( "chunk", List.of( features.cellHeight(), features.cellWidth() ) );
		p.put( "normalization", features.normalization().toMap() );
		p.put( "output_type", request.type().label() );
		p.put( "precision", request.precision() );
		p.put( "keep_bits", request.keepBits() );
		p.put( "rounding", request.rounding().label() );
		return p;
	}

	public static Map< String, Object > details( final Path modelFile, final FeatureModel model, final FeatureImage features )
	{
		final Map< String, Object > d = new LinkedHashMap<>();
		d.put( "version", version() );
		d.put( "model", modelFile.toAbsolutePath().toString() );
		d.put( "model_description", model.description().toMap() );
		d.put( "engine", model.engineInfo() );
		if ( single( model ) instanceof BioimageioModel.Bound )
			d.put( "bioimageio", ( ( BioimageioModel.Bound ) single( model ) ).model().toMap() );
		if ( model instanceof ChannelsModel )
			d.put( "features", ( ( ChannelsModel ) model ).featureNames() ); // each channel's, named <channel>_feature_NN
		d.put( "axes", "(t, z, y, x, c) in NumPy order; fewer leading axes for 2D and 3D input" );
		d.put( "padding", "planes mirrored at their far edges (numpy reflect) up to the model's size multiple" );
		return d;
	}

	private static List< Long > toList( final long[] values )
	{
		return Arrays.stream( values ).boxed().toList();
	}

	static String version()
	{
		final String v = Featurizer.class.getPackage().getImplementationVersion();
		return v != null ? v : "development";
	}

	public static String sha256( final Path file )
	{
		try ( InputStream in = new DigestInputStream( Files.newInputStream( file ), MessageDigest.getInstance( "SHA-256" ) ) )
		{
			in.transferTo( java.io.OutputStream.nullOutputStream() );
			return HexFormat.of().formatHex( ( ( DigestInputStream ) in ).getMessageDigest().digest() );
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot read model file " + file + ": " + e.getMessage(), e );
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new IllegalStateException( e );
		}
	}
}
