package org.featurize.unet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The benchmark of {@code bench/run.sh}: on the same generated volumes and the shipped model, measures
 * interleaved (A B C A B C ...) (a) the pipeline through {@code bin/featurize}, float32 and bf16, (b) the floor
 * (the same model's forward passes from memory through the same engine, {@link Floor}), float32 and bf16, (c) the
 * Python original ({@code bench/blog_workflow.py} with Debian's torch, dask and zarr, running the trained network
 * as written, {@code models/unet16-reference.pt}), and once (d) the float32 peak ({@link Peak}); then the
 * accuracy of the outputs (float32 against the original's, bf16 against float32), the bytes of a float16 output,
 * and the peak RSS of the pipeline on a volume 8 times smaller. Prints a table of medians and ratios (also
 * written to {@code bench/results.md}).
 */
public final class Benchmark
{
	/** Multiply-accumulates per pixel of the segmentify UNet with k kernels (k = 16: 23,184). */
	static long macsPerPixel( final long k )
	{
		long macs = 9 * ( 1 * k + k * k ); // encode_1 at full resolution
		for ( int level = 1; level <= 3; level++ ) // encode_2..4: 2^(l-1) k -> 2^l k at 1/4^l of the pixels
		{
			final long in = k << ( level - 1 ), out = k << level;
			macs += 9 * ( in * out + out * out ) / ( 1L << ( 2 * level ) );
		}
		macs += 9 * ( 8 * k ) * ( 16 * k ) / 256; // bridge at 1/256
		for ( int level = 4; level >= 1; level-- ) // decode_l: block 2^l k -> 2^(l-1) k at 1/4^l, then transposed conv
		{
			final long in = k << level, out = k << ( level - 1 );
			macs += 9 * ( in * out + out * out ) / ( 1L << ( 2 * level ) );
			macs += 9 * out * out / ( 1L << ( 2 * level ) ); // each input pixel feeds 9 outputs; inputs are 1/4 of outputs
		}
		return macs;
	}

	static final class Run
	{
		double seconds, planesPerSecond;

		long rssKb, bytes;
	}

	final Path root, work, model, bf16Model, referenceModel;

	final int reps, threads;

	final StringBuilder report = new StringBuilder();

	Benchmark( final Path root, final int reps, final int threads )
	{
		this.root = root;
		this.work = root.resolve( "bench/work" );
		this.model = Models.defaultModelFile();
		this.bf16Model = Models.bf16Variant( model );
		this.referenceModel = root.resolve( "models/unet16-reference.pt" );
		this.reps = reps;
		this.threads = threads;
	}

	public static void main( final String[] args ) throws Exception
	{
		final Map< String, String > opts = new LinkedHashMap<>();
		for ( int i = 0; i + 1 < args.length; i += 2 )
			opts.put( args[ i ].replaceFirst( "^--", "" ), args[ i + 1 ] );
		final Path root = Paths.get( opts.getOrDefault( "root", "." ) ).toAbsolutePath().normalize();
		final int reps = Integer.parseInt( opts.getOrDefault( "reps", "3" ) );
		final int threads = Integer.parseInt( opts.getOrDefault( "threads", Integer.toString( Runtime.getRuntime().availableProcessors() ) ) );
		final String sizes = opts.getOrDefault( "sizes", "4x48x512x512,2x12x768x1024" );
		new Benchmark( root, reps, threads ).run( sizes.split( "," ) );
		System.exit( 0 );
	}

	void run( final String[] volumes ) throws Exception
	{
		Files.createDirectories( work );
		line( "Benchmark: %d repetitions interleaved, %d cores (the pipeline's default layout of workers and intra-op threads, the floor the same), model %s, %d MAC/pixel (%.2f GFLOP per 512 x 512 plane)",
				reps, threads, model.getFileName(), macsPerPixel( 16 ), 2.0 * macsPerPixel( 16 ) * 512 * 512 * 1e-9 );
		line( "CPU: %s", cpu() );
		final double peak = parse( exec( javaCommand( Peak.class, Integer.toString( threads ) ), null ), "gflops" );
		line( "Peak float32 through libtorch, %d threads (the best of 2048^2 and 4096^2 matmuls and a 3x3 convolution 256 -> 256 on 128 x 128): %.1f GFLOP/s",
				threads, peak );
		line( "" );
		final List< String > rows = new ArrayList<>(), quality = new ArrayList<>();
		String memory = null;
		for ( final String v : volumes )
		{
			final long[] s = Arrays.stream( v.split( "x" ) ).mapToLong( Long::parseLong ).toArray();
			final Path volume = volume( s );
			final long planes = s[ 0 ] * s[ 1 ];
			final Path outPipeline = work.resolve( "out-pipeline.zarr" ), outBf16 = work.resolve( "out-bf16.zarr" ),
					outOriginal = work.resolve( "out-original.zarr" );
			final List< Run > pipeline = new ArrayList<>(), original = new ArrayList<>(), bf16 = new ArrayList<>();
			final List< Double > floor = new ArrayList<>(), floorBf16 = new ArrayList<>(), floorProcess = new ArrayList<>();
			for ( int r = 0; r < reps; r++ )
			{
				pipeline.add( timed( planes, outPipeline, featurize( volume, outPipeline ) ) );
				exec( List.of( "sync" ), null ); // the pipeline's write-back is not the floor's
				final String floorRun = exec( javaCommand( Floor.class, volume.toString(), model.toString(), Integer.toString( workers( s ) ),
						Integer.toString( Math.max( 1, threads / workers( s ) ) ) ), null );
				floor.add( parse( floorRun, " planes_per_s" ) );
				floorProcess.add( parse( floorRun, "process_planes_per_s" ) );
				original.add( timed( planes, outOriginal, List.of( "/usr/bin/python3", root.resolve( "bench/blog_workflow.py" ).toString(),
						volume.toString(), outOriginal.toString(), referenceModel.toString() ) ) );
				bf16.add( timed( planes, outBf16, featurize( volume, outBf16, "--precision", "bf16" ) ) );
				exec( List.of( "sync" ), null );
				floorBf16.add( parse( exec( javaCommand( Floor.class, volume.toString(), bf16Model.toString(), Integer.toString( workers( s ) ),
						Integer.toString( Math.max( 1, threads / workers( s ) ) ) ), null ), " planes_per_s" ) );
				System.err.printf( "  %s rep %d: pipeline %.2f, floor %.2f, original %.2f, bf16 pipeline %.2f, bf16 floor %.2f planes/s%n", v, r + 1,
						pipeline.get( r ).planesPerSecond, floor.get( r ), original.get( r ).planesPerSecond, bf16.get( r ).planesPerSecond, floorBf16.get( r ) );
			}
			final double p = median( pipeline, x -> x.planesPerSecond ), o = median( original, x -> x.planesPerSecond );
			final double fp = median( floorProcess, x -> x );
			final double f = median( floor, x -> x ), pb = median( bf16, x -> x.planesPerSecond ), fb = median( floorBf16, x -> x );
			final double gflops = p * 2.0 * macsPerPixel( 16 ) * s[ 2 ] * s[ 3 ] * 1e-9;
			final double gflopsBf16 = pb * 2.0 * macsPerPixel( 16 ) * s[ 2 ] * s[ 3 ] * 1e-9;
			final double originalBytes = median( original, x -> x.bytes );
			final Path outHalf = work.resolve( "out-float16.zarr" );
			timed( planes, outHalf, featurize( volume, outHalf, "--output-type", "float16", "--normalization", "percentile" ) );
			final Path outHalfOriginalScale = work.resolve( "out-float16-none.zarr" );
			String half;
			try
			{
				timed( planes, outHalfOriginalScale, featurize( volume, outHalfOriginalScale, "--output-type", "float16" ) );
				half = String.format( Locale.ROOT, "%.3f", bytes( outHalfOriginalScale ) / originalBytes );
			}
			catch ( final IllegalStateException e )
			{
				half = "refused (features beyond 65504)";
			}
			rows.add( String.format( Locale.ROOT, "| %s | %.2f | %.2f / %.2f | %.2f | %.2fx | %.2f / %.2f | %.1f (%.0f %%) | %.2f | %.2f | %.2fx | %.0f (%.0f %%) | %d / %d MB | %.3f | %s / %.3f |",
					v, p, f, fp, o, p / o, p / f, p / fp, gflops, 100 * gflops / peak, pb, fb, pb / o, gflopsBf16, 100 * gflopsBf16 / peak,
					( long ) median( pipeline, x -> x.rssKb ) >> 10, ( long ) median( original, x -> x.rssKb ) >> 10,
					median( pipeline, x -> x.bytes ) / originalBytes, half, bytes( outHalf ) / originalBytes ) );
			quality.add( String.format( Locale.ROOT, "| %s | %.2e | %.2e |", v, Accuracy.maxRelative( outOriginal, outPipeline ),
					Accuracy.maxRelative( outPipeline, outBf16 ) ) );
			if ( memory == null && s[ 1 ] % 8 == 0 )
			{
				final long[] small = { s[ 0 ], s[ 1 ] / 8, s[ 2 ], s[ 3 ] };
				final Path smallVolume = volume( small );
				final List< Run > less = new ArrayList<>();
				for ( int r = 0; r < reps; r++ )
					less.add( timed( planes / 8, work.resolve( "out-small.zarr" ), featurize( smallVolume, work.resolve( "out-small.zarr" ) ) ) );
				final long big = ( long ) median( pipeline, x -> x.rssKb ) >> 10, little = ( long ) median( less, x -> x.rssKb ) >> 10;
				memory = String.format( Locale.ROOT, "Peak RSS of the pipeline (medians): %d MB for %s, %d MB for %s (8x the planes): %+.0f %%",
						little, name( small ), big, v, 100.0 * ( big - little ) / little );
			}
		}
		line( "| volume (t x z x y x x) | pipeline planes/s | floor planes/s (forward passes / whole process) | Python original planes/s | pipeline / original "
				+ "| pipeline / floor (forward passes / whole process) "
				+ "| pipeline GFLOP/s (%% of peak) | bf16 pipeline planes/s | bf16 floor planes/s | bf16 / original | bf16 GFLOP/s (%% of float32 peak) "
				+ "| peak RSS pipeline / original | output bytes / original (13 bits per channel and chunk) | float16 bytes / original (none / percentile) |" );
		line( "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" );
		for ( final String row : rows )
			line( "%s", row );
		line( "" );
		line( "| volume | float32 pipeline vs the original: max abs diff / max abs | bf16 vs float32 pipeline: max abs diff / max abs |" );
		line( "|---|---|---|" );
		for ( final String row : quality )
			line( "%s", row );
		if ( memory != null )
		{
			line( "" );
			line( "%s", memory );
		}
		Files.writeString( root.resolve( "bench/results.md" ), report.toString() );
	}

	Path volume( final long[] s ) throws IOException
	{
		final Path volume = work.resolve( "vol-" + name( s ) + ".zarr" );
		if ( !Files.exists( volume ) )
			SampleVolume.write( volume, ( int ) s[ 0 ], ( int ) s[ 1 ], ( int ) s[ 2 ], ( int ) s[ 3 ], 7 );
		return volume;
	}

	static long[] volumeShape( final Path volume )
	{
		return ZarrArray.open( volume, "" ).shape();
	}

	static String name( final long[] s )
	{
		return s[ 0 ] + "x" + s[ 1 ] + "x" + s[ 2 ] + "x" + s[ 3 ];
	}

	/** The pipeline's worker threads for whole-plane tiles of this volume (its default), which the floor uses too. */
	int workers( final long[] s )
	{
		return FeaturizeRequest.defaultThreads( s[ 2 ] * s[ 3 ], threads );
	}

	List< String > featurize( final Path volume, final Path output, final String... more )
	{
		final List< String > cmd = new ArrayList<>( List.of( root.resolve( "bin/featurize" ).toString(), volume.toString(), output.toString(),
				"--overwrite", "--intra-op-threads", Integer.toString( Math.max( 1, threads / workers( volumeShape( volume ) ) ) ),
				"--threads", Integer.toString( workers( volumeShape( volume ) ) ) ) );
		cmd.addAll( List.of( more ) );
		return cmd;
	}

	/**
	 * Runs a command that writes {@code output} and times it. The previous output is deleted and the page cache
	 * flushed first, outside the timing, so that no run pays for the deletion or the write-back of the run before
	 * it (on a 2-core machine the kernel's write-back of 2 GB takes seconds of CPU).
	 */
	Run timed( final long planes, final Path output, final List< String > command ) throws Exception
	{
		delete( output );
		exec( List.of( "sync" ), null );
		final List< String > cmd = new ArrayList<>( List.of( "/usr/bin/time", "-f", "PEAK_RSS_KB %M" ) );
		cmd.addAll( command );
		final long start = System.nanoTime();
		final String out = exec( cmd, null );
		final Run run = new Run();
		run.seconds = ( System.nanoTime() - start ) * 1e-9;
		run.planesPerSecond = planes / run.seconds;
		run.rssKb = ( long ) parse( out, "PEAK_RSS_KB" );
		run.bytes = bytes( output );
		return run;
	}

	List< String > javaCommand( final Class< ? > main, final String... args )
	{
		final List< String > cmd = new ArrayList<>( List.of( Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(),
				"-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR", "-cp", System.getProperty( "java.class.path" ), main.getName() ) );
		cmd.addAll( List.of( args ) );
		return cmd;
	}

	static String exec( final List< String > cmd, final Path dir ) throws Exception
	{
		final ProcessBuilder pb = new ProcessBuilder( cmd ).redirectErrorStream( true );
		final Process p = pb.start();
		final String out = new String( p.getInputStream().readAllBytes() );
		if ( !p.waitFor( 30, TimeUnit.MINUTES ) || p.exitValue() != 0 )
			throw new IllegalStateException( "failed: " + cmd + "\n" + out );
		return out;
	}

	static double parse( final String out, final String key )
	{
		final Matcher m = Pattern.compile( key + "[= ]([0-9.]+)" ).matcher( out );
		double v = Double.NaN;
		while ( m.find() )
			v = Double.parseDouble( m.group( 1 ) );
		if ( Double.isNaN( v ) )
			throw new IllegalStateException( "no " + key + " in:\n" + out );
		return v;
	}

	static < T > double median( final List< T > runs, final java.util.function.ToDoubleFunction< T > f )
	{
		final double[] v = runs.stream().mapToDouble( f ).sorted().toArray();
		return v[ v.length / 2 ];
	}

	static void delete( final Path dir ) throws IOException
	{
		if ( !Files.exists( dir ) )
			return;
		try ( var files = Files.walk( dir ) )
		{
			for ( final Path f : files.sorted( java.util.Comparator.reverseOrder() ).toList() )
				Files.delete( f );
		}
	}

	static long bytes( final Path dir ) throws IOException
	{
		try ( var files = Files.walk( dir ) )
		{
			return files.filter( Files::isRegularFile ).mapToLong( f -> f.toFile().length() ).sum();
		}
	}

	static String cpu() throws IOException
	{
		final Path info = Paths.get( "/proc/cpuinfo" );
		final String model = Files.exists( info ) ? Files.readAllLines( info ).stream().filter( l -> l.startsWith( "model name" ) ).findFirst()
				.map( l -> l.replaceFirst( ".*:\\s*", "" ) ).orElse( "?" ) : "?";
		return model + ", " + Runtime.getRuntime().availableProcessors() + " cores";
	}

	void line( final String format, final Object... args )
	{
		final String s = String.format( Locale.ROOT, format, args );
		System.out.println( s );
		report.append( s ).append( '\n' );
	}
}
