package org.featurize.unet.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrImages;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * The floor for the benchmark: the same model's forward passes over the same planes, from memory, through the
 * same engine and thread layout as the pipeline; no reading, writing or tiling. Prints one line
 * {@code FLOOR planes=N seconds=S planes_per_s=R process_seconds=P process_planes_per_s=Q}: R counts the forward
 * passes alone (after a warm-up pass per thread), Q the whole process from the JVM's start (engine start, model
 * load, reading the planes and the warm-up included), which is what a process that only computes costs.
 *
 * Usage: Floor VOLUME.zarr MODEL.pt THREADS INTRA_OP_THREADS
 */
public final class Floor
{
	public static void main( final String[] args ) throws Exception
	{
		final ZarrArray array = ZarrArray.open( Paths.get( args[ 0 ] ), "" );
		final int threads = Integer.parseInt( args[ 2 ] ), intra = Integer.parseInt( args[ 3 ] );
		final DjlFeatureModel model = Models.shared( Paths.get( args[ 1 ] ), threads, intra );
		final List< float[] > planes = planes( array );
		final long[] shape = array.shape();
		final int h = ( int ) shape[ shape.length - 2 ], w = ( int ) shape[ shape.length - 1 ];
		final int m = model.description().sizeMultiple();
		if ( h % m != 0 || w % m != 0 )
			throw new IllegalArgumentException( "the floor needs planes that are multiples of " + m );
		// warm up: one pass per thread, as the pipeline's first planes
		run( model, planes.subList( 0, Math.min( threads, planes.size() ) ), h, w, threads );
		final long start = System.nanoTime();
		run( model, planes, h, w, threads );
		final double seconds = ( System.nanoTime() - start ) * 1e-9;
		// as a process, like bin/featurize: from the JVM's start (engine start, model load and warm-up included)
		final double process = ( System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime() ) * 1e-3;
		System.out.printf( "FLOOR planes=%d seconds=%.3f planes_per_s=%.3f process_seconds=%.3f process_planes_per_s=%.3f%n", planes.size(),
				seconds, planes.size() / seconds, process, planes.size() / process );
		System.exit( 0 );
	}

	static void run( final DjlFeatureModel model, final List< float[] > planes, final int h, final int w, final int threads ) throws Exception
	{
		final ExecutorService pool = Executors.newFixedThreadPool( threads );
		final AtomicInteger next = new AtomicInteger();
		final List< Future< ? > > futures = new ArrayList<>();
		for ( int t = 0; t < threads; t++ )
			futures.add( pool.submit( () -> {
				for ( int i = next.getAndIncrement(); i < planes.size(); i = next.getAndIncrement() )
					model.predictInterleaved( planes.get( i ), h, w, values -> {} ); // the pipeline reads the values where they lie too
			} ) );
		for ( final Future< ? > f : futures )
			f.get();
		pool.shutdown();
	}

	static < T extends NativeType< T > & RealType< T > > List< float[] > planes( final ZarrArray array )
	{
		final RandomAccessibleInterval< T > image = ZarrImages.open( array, 64L << 20 );
		final PlaneReader< T > reader = new PlaneReader<>( image );
		final long[] dims = image.dimensionsAsLongArray();
		final long depth = dims.length > 2 ? dims[ 2 ] : 1, frames = dims.length > 3 ? dims[ 3 ] : 1;
		final List< float[] > planes = new ArrayList<>();
		for ( long t = 0; t < frames; t++ )
			for ( long z = 0; z < depth; z++ )
				planes.add( reader.read( 0, 0, ( int ) dims[ 0 ], ( int ) dims[ 1 ], z, t ) );
		return planes;
	}
}
