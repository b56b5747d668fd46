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
import org.featurize.unet.model.Models;

/**
 * The benchmark of {@code bench/run.sh}: on the same generated volumes and the shipped model, measures
 * interleaved (A B C A B C ...) (a) the pipeline through {@code bin/featurize}, (b) the floor (the same
 * model's forward passes from memory through the same engine, {@link Floor}), (c) the Python original
 * ({@code bench/blog_workflow.py} with Debian's torch, dask and zarr), and once (d) the float32 peak
 * ({@link Peak}); prints a table of medians and ratios (also written to {@code bench/results.md}).
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

	final Path root, work, model;

	final int reps, threads;

	final StringBuilder report = new StringBuilder();

	Benchmark( final Path root, final int reps, final int threads )
	{
		this.root = root;
		this.work = root.resolve( "bench/work" );
		this.model = Models.defaultModelFile();
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
		line( "Benchmark: %d repetitions interleaved, %d threads, model %s, %d MAC/pixel (%.2f GFLOP per 512 x 512 plane)",
				reps, threads, model.getFileName(), macsPerPixel( 16 ), 2.0 * macsPerPixel( 16 ) * 512 * 512 * 1e-9 );
		line( "CPU: %s", cpu() );
		final double peak = parse( exec( javaCommand( Peak.class, Integer.toString( threads ) ), null ), "gflops" );
		line( "Peak float32 (4096^2 matmul through libtorch, %d threads): %.1f GFLOP/s", threads, peak );
		line( "" );
		line( "| volume (t x z x y x x) | pipeline planes/s | floor planes/s | Python original planes/s | pipeline / original | pipeline / floor "
				+ "| pipeline GFLOP/s (%% of peak) | peak RSS pipeline / original | output bytes pipeline / original |" );
		line( "|---|---|---|---|---|---|---|---|---|" );
		for ( final String v : volumes )
		{
			final long[] s = Arrays.stream( v.split( "x" ) ).mapToLong( Long::parseLong ).toArray();
			final Path volume = work.resolve( "vol-" + v + ".zarr" );
			if ( !Files.exists( volume ) )
				SampleVolume.write( volume, ( int ) s[ 0 ], ( int ) s[ 1 ], ( int ) s[ 2 ], ( int ) s[ 3 ], 7 );
			final long planes = s[ 0 ] * s[ 1 ];
			final List< Run > pipeline = new ArrayList<>(), original = new ArrayList<>();
			final List< Double > floor = new ArrayList<>();
			for ( int r = 0; r < reps; r++ )
			{
				pipeline.add( timed( planes, work.resolve( "out-pipeline.zarr" ), List.of( root.resolve( "bin/featurize" ).toString(),
						volume.toString(), work.resolve( "out-pipeline.zarr" ).toString(), "--overwrite", "--threads", Integer.toString( threads ) ) ) );
				floor.add( parse( exec( javaCommand( Floor.class, volume.toString(), model.toString(), Integer.toString( threads ), "1" ), null ), "planes_per_s" ) );
				original.add( timed( planes, work.resolve( "out-original.zarr" ), List.of( "/usr/bin/python3", root.resolve( "bench/blog_workflow.py" ).toString(),
						volume.toString(), work.resolve( "out-original.zarr" ).toString(), model.toString() ) ) );
				System.err.printf( "  %s rep %d: pipeline %.2f, floor %.2f, original %.2f planes/s%n", v, r + 1,
						pipeline.get( r ).planesPerSecond, floor.get( r ), original.get( r ).planesPerSecond );
			}
			final double p = median( pipeline, x -> x.planesPerSecond ), o = median( original, x -> x.planesPerSecond );
			final double f = floor.stream().sorted().toList().get( floor.size() / 2 );
			final double gflops = p * 2.0 * macsPerPixel( 16 ) * s[ 2 ] * s[ 3 ] * 1e-9;
			line( "| %s | %.2f | %.2f | %.2f | %.2fx | %.2f | %.1f (%.0f %%) | %d / %d MB | %.3f |", v, p, f, o, p / o, p / f, gflops,
					100 * gflops / peak, ( long ) median( pipeline, x -> x.rssKb ) >> 10, ( long ) median( original, x -> x.rssKb ) >> 10,
					median( pipeline, x -> x.bytes ) / median( original, x -> x.bytes ) );
		}
		Files.writeString( root.resolve( "bench/results.md" ), report.toString() );
	}

	Run timed( final long planes, final Path output, final List< String > command ) throws Exception
	{
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
