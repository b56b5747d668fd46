package org.featurize.unet.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

/**
 * A TorchScript model run by DJL's PyTorch engine, with a pool of predictors over the one loaded model (a
 * DJL {@link Predictor} is not thread-safe: each forward pass borrows one for itself). The native library
 * comes from the {@code pytorch-native-cpu} jar on the class path; nothing is downloaded.
 */
public final class DjlFeatureModel implements FeatureModel
{
	private final Path file;

	private final ZooModel< NDList, NDList > model;

	private final BlockingQueue< Predictor< NDList, NDList > > idle = new LinkedBlockingQueue<>();

	private final List< Predictor< NDList, NDList > > all = new ArrayList<>();

	private volatile ModelDescription description;

	private DjlFeatureModel( final Path file, final ZooModel< NDList, NDList > model )
	{
		this.file = file;
		this.model = model;
	}

	/**
	 * Loads a TorchScript file and checks that it fits one-channel planes. The description is read from the
	 * JSON file next to the model when there is one, and measured otherwise ({@link ModelProbe}).
	 *
	 * @param predictors
	 *            the number of predictors (concurrent forward passes), at least 1
	 */
	public static DjlFeatureModel load( final Path file, final int predictors )
	{
		return load( file, predictors, Device.cpu() );
	}

	/** As {@link #load(Path, int)}, on the given device. */
	public static DjlFeatureModel load( final Path file, final int predictors, final Device device )
	{
		if ( predictors < 1 )
			throw new ModelException( "The number of predictors must be at least 1, got " + predictors );
		if ( !Files.isRegularFile( file ) )
			throw new ModelException( "Model file not found: " + file );
		final Path json = ModelDescription.descriptionFile( file );
		final ModelDescription declared = Files.isRegularFile( json ) ? ModelDescription.read( json ) : null;
		if ( declared != null && declared.inputChannels() != 1 )
			throw new ModelException( String.format(
					"Model %s takes %d input channels (says %s), but the data has 1 channel per pixel",
					file, declared.inputChannels(), json ) );

		final DjlFeatureModel loaded = open( file, device );
		try
		{
			loaded.ensurePredictors( predictors );
			loaded.description = declared != null
					? ModelProbe.check( loaded::forward, declared )
					: ModelProbe.measure( loaded::forward, file.getFileName().toString() );
			return loaded;
		}
		catch ( final RuntimeException e )
		{
			loaded.close();
			throw e;
		}
	}

	/**
	 * Loads a TorchScript file with a description given by the caller, who checks the model itself (as a
	 * bioimage.io package is checked against its own test tensors): no description file is read and no probe
	 * runs. Forward passes still check the output's shape.
	 */
	public static DjlFeatureModel load( final Path file, final int predictors, final Device device, final ModelDescription given )
	{
		if ( predictors < 1 )
			throw new ModelException( "The number of predictors must be at least 1, got " + predictors );
		if ( !Files.isRegularFile( file ) )
			throw new ModelException( "Model file not found: " + file );
		final DjlFeatureModel loaded = open( file, device );
		try
		{
			loaded.ensurePredictors( predictors );
		}
		catch ( final RuntimeException e )
		{
			loaded.close();
			throw e;
		}
		loaded.description = given;
		return loaded;
	}

	private static DjlFeatureModel open( final Path file, final Device device )
	{
		DjlEngine.start();
		final Criteria< NDList, NDList > criteria = Criteria.builder()
				.setTypes( NDList.class, NDList.class )
				.optModelPath( file.toAbsolutePath() )
				.optEngine( DjlEngine.NAME )
				.optDevice( device )
				.optTranslator( new NoopTranslator() )
				.build();
		final ZooModel< NDList, NDList > zoo;
		try
		{
			zoo = criteria.loadModel();
		}
		catch ( ModelNotFoundException | MalformedModelException | IOException | EngineException e )
		{
			throw new ModelException( "Cannot load " + file + " as a TorchScript model: " + rootMessage( e ), e );
		}
		return new DjlFeatureModel( file, zoo );
	}

	/** Grows the pool to at least {@code n} predictors. */
	public synchronized void ensurePredictors( final int n )
	{
		while ( all.size() < n )
		{
			final Predictor< NDList, NDList > p = model.newPredictor();
			all.add( p );
			idle.add( p );
		}
	}

	@Override
	public ModelDescription description()
	{
		return description;
	}

	public Path file()
	{
		return file;
	}

	@Override
	public synchronized int concurrency()
	{
		return all.size();
	}

	@Override
	public String engineInfo()
	{
		return DjlEngine.describe( model.getNDManager().getDevice() );
	}

	@Override
	public float[] predict( final float[] plane, final int height, final int width )
	{
		checkSize( height, width );
		final Tensor out = forward( plane, 1, height, width );
		checkShape( out.shape, height, width );
		return out.data;
	}

	/**
	 * The engine hands over the output in (y, x, c) order: a channels-last result (as the shipped model's) is
	 * already in that order in memory, and any other is transposed by libtorch. The result is read where libtorch
	 * holds it: the values are not copied before {@code result} sees them.
	 */
	@Override
	public void predictInterleaved( final float[] plane, final int height, final int width, final Consumer< FloatBuffer > result )
	{
		checkSize( height, width );
		run( plane, 1, height, width, out -> {
			checkShape( out.getShape().getShape(), height, width );
			result.accept( view( out.transpose( 0, 2, 3, 1 ) ).asFloatBuffer() );
			return null;
		} );
	}

	private void checkSize( final int height, final int width )
	{
		final int m = description.sizeMultiple();
		if ( height % m != 0 || width % m != 0 )
			throw new ModelException( String.format( "Plane %d x %d is not a multiple of the model's size multiple %d",
					width, height, m ) );
	}

	private void checkShape( final long[] s, final int height, final int width )
	{
		final int channels = description.outputChannels();
		if ( s.length != 4 || s[ 0 ] != 1 || s[ 1 ] != channels || s[ 2 ] != height || s[ 3 ] != width )
			throw new ModelException( String.format( "Model %s returned shape %s for input (1, 1, %d, %d); expected (1, %d, %d, %d)",
					file, Tensor.format( s ), height, width, channels, height, width ) );
	}

	/** One forward pass on a (1, channels, height, width) input; borrows a predictor for its duration. */
	Tensor forward( final float[] data, final int channels, final int height, final int width )
	{
		return run( data, channels, height, width, result -> new Tensor( result.getShape().getShape(), floats( result ) ) );
	}

	/**
	 * One forward pass on a (1, channels, height, width) input; borrows a predictor for its duration.
	 *
	 * @param read
	 *            what to make of the float32 result, while its memory is held
	 */
	private < R > R run( final float[] data, final int channels, final int height, final int width, final Function< NDArray, R > read )
	{
		NativeCalls.SHARED.enter();
		try
		{
			return runEntered( data, channels, height, width, read );
		}
		finally
		{
			NativeCalls.SHARED.leave();
		}
	}

	private < R > R runEntered( final float[] data, final int channels, final int height, final int width, final Function< NDArray, R > read )
	{
		final Predictor< NDList, NDList > predictor;
		try
		{
			predictor = idle.take();
		}
		catch ( final InterruptedException e )
		{
			Thread.currentThread().interrupt();
			throw new CancellationException( "Interrupted while waiting for a predictor" );
		}
		try ( NDManager manager = model.getNDManager().newSubManager() )
		{
			final NDArray input = manager.create( data, new Shape( 1, channels, height, width ) );
			final NDList output = predictor.predict( new NDList( input ) );
			if ( output.size() != 1 )
				throw new ModelException( String.format( "Model %s returned %d tensors; expected one feature tensor", file, output.size() ) );
			NDArray result = output.get( 0 );
			if ( result.getDataType() != DataType.FLOAT32 )
				result = result.toType( DataType.FLOAT32, false );
			return read.apply( result );
		}
		catch ( final TranslateException | EngineException e )
		{
			throw new ModelException( String.format( "Model %s failed on input (1, %d, %d, %d): %s",
					file, channels, height, width, rootMessage( e ) ), e );
		}
		finally
		{
			idle.add( predictor );
		}
	}

	/**
	 * The values of a result in C order of its shape, copied once: a contiguous tensor is read where libtorch holds
	 * it, where {@code toFloatArray()} would first copy it into a new direct buffer.
	 */
	private static float[] floats( final NDArray array )
	{
		final ByteBuffer bytes = view( array );
		final float[] values = new float[ bytes.remaining() / Float.BYTES ];
		bytes.asFloatBuffer().get( values );
		return values;
	}

	/** The values of a result in C order of its shape, where libtorch holds them if it is contiguous. */
	private static ByteBuffer view( final NDArray array )
	{
		return array.toByteBuffer( true ).order( ByteOrder.nativeOrder() );
	}

	@Override
	public synchronized void close()
	{
		for ( final Predictor< NDList, NDList > p : all )
			p.close();
		all.clear();
		idle.clear();
		model.close();
	}

	@Override
	public String toString()
	{
		return "DJL model " + file + ( description == null ? "" : ": " + description );
	}

	static String rootMessage( Throwable t )
	{
		String message = t.getMessage();
		while ( t.getCause() != null && t.getCause() != t )
		{
			t = t.getCause();
			if ( t.getMessage() != null )
				message = t.getMessage();
		}
		if ( message == null )
			return t.getClass().getSimpleName();
		final String text = message;
		// TorchScript errors carry long traces: the line that says what went wrong is the last "...Error: " line.
		final String said = text.strip().lines()
				.filter( l -> l.matches( "^[A-Za-z.]*(Error|Exception): .*" ) )
				.reduce( ( a, b ) -> b )
				.orElseGet( () -> text.strip().lines().filter( l -> !l.isBlank() ).findFirst().orElse( "" ) );
		return said.length() > 400 ? said.substring( 0, 400 ) + "..." : said;
	}

	/** A tensor copied out of the engine: its shape and its values in C order. */
	static final class Tensor
	{
		final long[] shape;

		final float[] data;

		Tensor( final long[] shape, final float[] data )
		{
			this.shape = shape;
			this.data = data;
		}

		static String format( final long[] shape )
		{
			final StringBuilder sb = new StringBuilder( "(" );
			for ( int i = 0; i < shape.length; i++ )
				sb.append( i == 0 ? "" : ", " ).append( shape[ i ] );
			return sb.append( ")" ).toString();
		}
	}

	static Engine engine()
	{
		return Engine.getEngine( DjlEngine.NAME );
	}
}
