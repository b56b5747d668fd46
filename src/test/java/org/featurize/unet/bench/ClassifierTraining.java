package org.featurize.unet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.plugin.RoiLabels;

import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PolygonRoi;
import ij.gui.Roi;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;

/**
 * The Pixel Classifier's interactive loop on 1024 x 1024 planes, timed: ROIs (lines, a freehand line, ovals) on three
 * planes of a sample volume, trained with the shipped model's features as the Fiji command trains them (features kept),
 * one plane of labels looked at; then one more ROI on a fourth plane, trained again over the kept features; then the
 * same plane looked at again. Prints one line per step: {@code STEP seconds=S features_seconds=F forest_seconds=T
 * cells_computed=C cells_reused=R}.
 *
 * Usage: ClassifierTraining [DIR] [THREADS] [MAX_SAMPLES] (a 1 x 6 x 1024 x 1024 sample volume is written to DIR/sample.zarr
 * once; MAX_SAMPLES as the command's max_samples, default 100000)
 */
public final class ClassifierTraining
{
	public static void main( final String[] args ) throws Exception
	{
		final Path dir = Paths.get( args.length > 0 ? args[ 0 ] : "target/bench-classifier" );
		final int threads = args.length > 1 ? Integer.parseInt( args[ 1 ] ) : Runtime.getRuntime().availableProcessors();
		maxSamples = args.length > 2 ? Integer.parseInt( args[ 2 ] ) : ClassifyRequest.DEFAULT_MAX_SAMPLES;
		final Path input = dir.resolve( "sample.zarr" );
		if ( !Files.exists( input ) )
			SampleVolume.write( input, 1, 6, 1024, 1024, 1 );

		final Roi[] rois = { roi( new Line( 100, 200, 900, 260 ), "1 foreground", 1 ), roi( freehand(), "background", 1 ),
				roi( new OvalRoi( 400, 500, 60, 40 ), "1", 3 ), roi( new Line( 50, 900, 950, 880 ), "background", 3 ),
				roi( new OvalRoi( 700, 100, 30, 30 ), "1", 5 ), roi( new Line( 10, 10, 1000, 1000 ), "background", 5 ) };
		final long[] first = step( "TRAIN_3_PLANES", input, threads, rois, null );
		final ClassifyJob.Result trained = last;
		lookAt( "SHOW_PLANE", trained, 2 );

		final Roi[] more = java.util.Arrays.copyOf( rois, rois.length + 1 );
		more[ rois.length ] = roi( new Line( 300, 600, 700, 640 ), "1", 2 );
		step( "TRAIN_AGAIN_4_PLANES", input, threads, more, trained );
		lookAt( "SHOW_PLANE_AGAIN", last, 2 );
		System.out.printf( "labelled pixels: %d%n", first[ 0 ] );
		System.exit( 0 );
	}

	private static ClassifyJob.Result last;

	private static int maxSamples;

	private static Roi roi( final Roi roi, final String name, final int z )
	{
		roi.setName( name );
		roi.setPosition( 0, z, 1 );
		if ( roi.isLine() )
			roi.setStrokeWidth( 5 );
		return roi;
	}

	private static Roi freehand()
	{
		final int n = 200;
		final float[] x = new float[ n ], y = new float[ n ];
		for ( int i = 0; i < n; i++ )
		{
			x[ i ] = 100 + 4 * i;
			y[ i ] = ( float ) ( 600 + 80 * Math.sin( i * 0.05 ) );
		}
		return new PolygonRoi( x, y, n, Roi.FREELINE );
	}

	private static long[] step( final String name, final Path input, final int threads, final Roi[] rois, final ClassifyJob.Result before )
	{
		final long start = System.nanoTime();
		final RoiLabels labels = RoiLabels.of( rois, 1024, 1024, 6, 1, null );
		final ClassifyRequest request = ClassifyRequest.of( FeaturizeRequest.of( input ).threads( threads ) )
				.labels( labels.labels(), "ROIs: " + labels.describe() ).classNames( labels.names() ).keepFeatures( true ).lazyResult( true ).maxSamples( maxSamples )
				.reuseFeatures( before == null ? null : before.computedFeatures() );
		last = new ClassifyJob( s -> {} ).run( request, Progress.NONE, () -> false );
		final double seconds = ( System.nanoTime() - start ) * 1e-9;
		final Map< String, Object > t = last.classifier.training();
		System.out.printf( "%s seconds=%.2f features_seconds=%.2f forest_seconds=%.2f cells_computed=%s cells_reused=%s samples=%s%n", name, seconds,
				( ( Number ) t.get( "features_seconds" ) ).doubleValue(), ( ( Number ) t.get( "training_seconds" ) ).doubleValue(),
				t.get( "cells_computed" ), t.get( "cells_reused" ), t.get( "samples" ) );
		long pixels = 0;
		for ( final long v : labels.labels().values() )
			pixels += labels.labels().count( v );
		return new long[] { pixels };
	}

	/** Reads one pixel of plane z, which classifies that plane's cell, as a viewer showing it does. */
	private static void lookAt( final String name, final ClassifyJob.Result result, final int z )
	{
		final long start = System.nanoTime();
		final RandomAccessibleInterval< ? > labels = result.classification.labels();
		final RandomAccess< ? > r = labels.randomAccess();
		final long[] at = new long[ labels.numDimensions() ];
		at[ 0 ] = 512;
		at[ 1 ] = 512;
		at[ 2 ] = z;
		r.setPosition( at );
		r.get();
		System.out.printf( "%s seconds=%.2f%n", name, ( System.nanoTime() - start ) * 1e-9 );
	}
}
