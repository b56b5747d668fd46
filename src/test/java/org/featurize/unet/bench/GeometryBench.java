package org.featurize.unet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The geometry table of {@code bench/run.sh --geometry}: {@code bin/featurize IN OUT} with default settings on the
 * same float32 data (Blosc zstd) chunked the ways real tools write it (planes, 2D tiles of 256 and 512, 3D blocks of
 * 64^3 and 128^3, large planes of 4096^2 and 8192^2 as one chunk and in 1024^2 chunks), interleaved, each run with
 * its output deleted first. Reports per input the geometry chosen, the pixel throughput of the computation (the run's
 * own "Done" seconds, after start-up) and of the whole process against plane-chunked 1024 x 1024 input, the peak
 * RSS, the input chunks read per chunk, and whether the chunks are byte-identical to another chunking of the same
 * values; and once, the 4096 x 4096 plane against one whole-plane forward pass ({@code --tile 4096}, given the memory
 * for it), as max |diff| / max |whole|. Appends the table to {@code bench/results.md}.
 *
 * Usage: GeometryBench --root DIR [--reps N]
 */
public final class GeometryBench
{
	static final class Case
	{
		final String name, what;

		final long[] shape;

		final int[] chunks;

		final String sameAs;

		Case( final String name, final String what, final long[] shape, final int[] chunks, final String sameAs )
		{
			this.name = name;
			this.what = what;
			this.shape = shape;
			this.chunks = chunks;
			this.sameAs = sameAs;
		}

		long pixels()
		{
			return Arrays.stream( shape ).reduce( 1, Math::multiplyExact );
		}
	}

	static final List< Case > CASES = List.of(
			new Case( "plane1024", "16 x 1024^2, plane chunks (the seed's layout)", new long[] { 1, 16, 1024, 1024 }, new int[] { 1, 1, 1024, 1024 }, null ),
			new Case( "tile256", "16 x 1024^2, 256^2 tiles (OME-Zarr writers)", new long[] { 1, 16, 1024, 1024 }, new int[] { 1, 1, 256, 256 }, "plane1024" ),
			new Case( "tile512", "16 x 1024^2, 512^2 tiles", new long[] { 1, 16, 1024, 1024 }, new int[] { 1, 1, 512, 512 }, "plane1024" ),
			new Case( "block64", "16 x 1024^2, 64^3 blocks (N5, BigStitcher)", new long[] { 1, 16, 1024, 1024 }, new int[] { 1, 64, 64, 64 }, "plane1024" ),
			new Case( "block128", "16 x 1024^2, 128^3 blocks", new long[] { 1, 16, 1024, 1024 }, new int[] { 1, 128, 128, 128 }, "plane1024" ),
			new Case( "plane4096", "1 x 4096^2, one chunk", new long[] { 1, 1, 4096, 4096 }, new int[] { 1, 1, 4096, 4096 }, null ),
			new Case( "chunks4096", "1 x 4096^2, 1024^2 chunks", new long[] { 1, 1, 4096, 4096 }, new int[] { 1, 1, 1024, 1024 }, "plane4096" ),
			new Case( "plane8192", "1 x 8192^2, one chunk", new long[] { 1, 1, 8192, 8192 }, new int[] { 1, 1, 8192, 8192 }, null ),
			new Case( "chunks8192", "1 x 8192^2, 1024^2 chunks", new long[] { 1, 1, 8192, 8192 }, new int[] { 1, 1, 1024, 1024 }, "plane8192" ) );

	public static void main( final String[] args ) throws Exception
	{
		final Map< String, String > opts = new LinkedHashMap<>();
		for ( int i = 0; i + 1 < args.length; i += 2 )
			opts.put( args[ i ].replaceFirst( "^--", "" ), args[ i + 1 ] );
		final Path root = Paths.get( opts.getOrDefault( "root", "." ) ).toAbsolutePath();
		final int reps = Integer.parseInt( opts.getOrDefault( "reps", "2" ) );
		final Path work = root.resolve( "bench/work/geometry" );
		Files.createDirectories( work );
		for ( final Case c : CASES )
			volume( work.resolve( c.name + ".zarr" ), c );
		final Map< String, List< double[] > > runs = new LinkedHashMap<>(); // compute s, process s, rss kB, reads per chunk
		final Map< String, String > geometry = new LinkedHashMap<>(), identical = new LinkedHashMap<>();
		final Map< String, Long > bound = new LinkedHashMap<>();
		for ( int r = 0; r < reps; r++ )
			for ( final Case c : CASES )
			{
				final Path out = work.resolve( c.name + "-out.zarr" );
				Benchmark.delete( out );
				Benchmark.exec( List.of( "sync" ), null );
				final List< String > cmd = new ArrayList<>( List.of( "/usr/bin/time", "-f", "PEAK_RSS_KB %M",
						root.resolve( "bin/featurize" ).toString(), work.resolve( c.name + ".zarr" ).toString(), out.toString() ) );
				final long start = System.nanoTime();
				final String log = Benchmark.exec( cmd, null );
				final double process = ( System.nanoTime() - start ) * 1e-9;
				final Matcher done = Pattern.compile( "chunks written, \\d+ already there, ([0-9.]+) s; input chunks read (\\d+) times for (\\d+)" )
						.matcher( log );
				if ( !done.find() )
					throw new IllegalStateException( "no Done line: " + log );
				runs.computeIfAbsent( c.name, k -> new ArrayList<>() ).add( new double[] { Double.parseDouble( done.group( 1 ) ), process,
						Benchmark.parse( log, "PEAK_RSS_KB" ), Double.parseDouble( done.group( 2 ) ) / Double.parseDouble( done.group( 3 ) ) } );
				final Matcher g = Pattern.compile( "Geometry: tile (\\d+ x \\d+), halo (\\d+), output chunk (\\d+ x \\d+), (\\d+) workers?" ).matcher( log );
				if ( g.find() )
					geometry.put( c.name, "tile " + g.group( 1 ) + ", halo " + g.group( 2 ) + ", chunk " + g.group( 3 ) + ", " + g.group( 4 ) + " w." );
				final Matcher b = Pattern.compile( "Memory: at most about (\\d+) MB resident" ).matcher( log );
				if ( b.find() )
					bound.put( c.name, Long.parseLong( b.group( 1 ) ) );
				if ( c.sameAs != null )
					identical.put( c.name, sameChunks( work.resolve( c.sameAs + "-out.zarr" ), out ) ? "identical to " + c.sameAs : "DIFFERENT from " + c.sameAs );
				System.out.printf( Locale.ROOT, "%s rep %d: %.2f s computing, %.2f s in all%n", c.name, r + 1, runs.get( c.name ).get( r )[ 0 ], process );
			}
		final String accuracy = wholePlane( root, work );
		final double[] base = medians( runs.get( "plane1024" ) );
		final long basePixels = CASES.get( 0 ).pixels();
		final StringBuilder table = new StringBuilder();
		table.append( String.format( Locale.ROOT, "%n### Geometry (%s, %d repetition%s interleaved, medians; bin/featurize with default settings, "
				+ "2 cores, float32 Blosc zstd input)%n%n", java.time.LocalDate.now(), reps, reps == 1 ? "" : "s" ) );
		table.append( "| input | chunks | geometry chosen | computing, s | Mpixel/s | **throughput / plane chunks** | whole process / plane chunks | "
				+ "peak RSS | RSS / plane chunks | bound printed | **peak RSS / bound** | input chunk reads per chunk | output |\n"
				+ "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n" );
		for ( final Case c : CASES )
		{
			final double[] m = medians( runs.get( c.name ) );
			final double rate = c.pixels() / m[ 0 ], baseRate = basePixels / base[ 0 ];
			table.append( String.format( Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | **%.2f** | %.2f | %d MB | %.2f | %d MB | **%.2f** | %.2f | %s |%n", c.what,
					Arrays.toString( c.chunks ), geometry.get( c.name ), m[ 0 ], rate * 1e-6, rate / baseRate,
					( c.pixels() / m[ 1 ] ) / ( basePixels / base[ 1 ] ), ( long ) m[ 2 ] >> 10, m[ 2 ] / base[ 2 ],
					bound.getOrDefault( c.name, 0L ), bound.containsKey( c.name ) ? m[ 2 ] / 1024 / bound.get( c.name ) : Double.NaN, m[ 3 ],
					identical.getOrDefault( c.name, "" ) ) );
		}
		table.append( String.format( Locale.ROOT, "%nThe bound: what each run prints at its start (\"Memory: at most about N MB resident\"): the Java heap "
				+ "it may use (1 GB), its forward passes' activations, one input chunk decoded, and the runtime (256 MB).%n" ) );
		table.append( "\n" ).append( accuracy ).append( "\n" );
		System.out.print( table );
		Files.writeString( root.resolve( "bench/results.md" ), table.toString(), java.nio.file.StandardOpenOption.CREATE,
				java.nio.file.StandardOpenOption.APPEND );
	}

	/** The memory the system can give without swapping: /proc/meminfo's MemAvailable (free memory and page cache), else the free memory. */
	static long availableMemory() throws java.io.IOException
	{
		final Path meminfo = Path.of( "/proc/meminfo" );
		if ( Files.isReadable( meminfo ) )
			for ( final String line : Files.readAllLines( meminfo ) )
				if ( line.startsWith( "MemAvailable:" ) )
					return Long.parseLong( line.replaceAll( "[^0-9]", "" ) ) << 10;
		return ( ( com.sun.management.OperatingSystemMXBean ) java.lang.management.ManagementFactory.getOperatingSystemMXBean() ).getFreeMemorySize();
	}

	/** The 4096 x 4096 plane against one forward pass of the whole plane (about 9 GB of activations; skipped without the memory). */
	static String wholePlane( final Path root, final Path work ) throws Exception
	{
		if ( availableMemory() < ( 14L << 30 ) )
			return "Accuracy against a whole-plane pass of 4096 x 4096: skipped (needs about 14 GB of free memory)";
		final Path whole = work.resolve( "plane4096-whole.zarr" );
		Benchmark.delete( whole );
		final ProcessBuilder pb = new ProcessBuilder( root.resolve( "bin/featurize" ).toString(), work.resolve( "plane4096.zarr" ).toString(),
				whole.toString(), "--tile", "4096", "--chunk", "1024", "--rounding", "none" ).redirectErrorStream( true );
		pb.environment().put( "JAVA_OPTS", "-Xmx6g" );
		final Process p = pb.start();
		final String log = new String( p.getInputStream().readAllBytes() );
		if ( p.waitFor() != 0 )
			return "Accuracy against a whole-plane pass of 4096 x 4096: failed: " + log.lines().reduce( ( a, b ) -> b ).orElse( "" );
		final ZarrArray a = ZarrArray.open( whole, "" ), b = ZarrArray.open( work.resolve( "plane4096-out.zarr" ), "" );
		double max = 0, diff = 0;
		for ( long y = 0; y < 4; y++ )
			for ( long x = 0; x < 4; x++ )
			{
				final float[] u = ( float[] ) a.readChunk( 0, 0, y, x, 0 ), v = ( float[] ) b.readChunk( 0, 0, y, x, 0 );
				for ( int i = 0; i < u.length; i++ )
				{
					max = Math.max( max, Math.abs( u[ i ] ) );
					diff = Math.max( diff, Math.abs( u[ i ] - v[ i ] ) );
				}
			}
		return String.format( Locale.ROOT, "Accuracy: the 4096 x 4096 plane in 1024 x 1024 tiles (halo as chosen, stored with the default "
				+ "rounding) against one forward pass of the whole plane (exact values): max |diff| / max |whole| = %.2e", diff / max );
	}

	static boolean sameChunks( final Path a, final Path b ) throws Exception
	{
		try ( var files = Files.list( a ) )
		{
			for ( final Path f : ( Iterable< Path > ) files::iterator )
			{
				final String name = f.getFileName().toString();
				if ( name.startsWith( "." ) )
					continue;
				final Path g = b.resolve( name );
				if ( !Files.exists( g ) || !Arrays.equals( Files.readAllBytes( f ), Files.readAllBytes( g ) ) )
					return false;
			}
		}
		return true;
	}

	static double[] medians( final List< double[] > runs )
	{
		final double[] m = new double[ runs.get( 0 ).length ];
		for ( int k = 0; k < m.length; k++ )
		{
			final int kk = k;
			final double[] v = runs.stream().mapToDouble( r -> r[ kk ] ).sorted().toArray();
			m[ k ] = v.length % 2 == 1 ? v[ v.length / 2 ] : ( v[ v.length / 2 - 1 ] + v[ v.length / 2 ] ) / 2;
		}
		return m;
	}

	/**
	 * The benchmark's data as float32 (Blosc zstd, byte shuffle) in the case's chunks: camera-like counts, a smooth
	 * background, stripes that move from plane to plane, Poisson-like noise from a hash; the same values whatever the
	 * chunks. Made once.
	 */
	static void volume( final Path path, final Case c )
	{
		if ( Files.isDirectory( path ) )
			return;
		final ZarrArray a = ZarrArray.create( path, "", ArraySpec.builder().shape( c.shape ).chunks( c.chunks ).dataType( DataType.FLOAT32 )
				.compressor( Compressor.blosc( "zstd", 3, Shuffle.BYTE ) ).zarrFormat( 2 ).build() );
		final long[] grid = a.gridShape();
		final int[] k = c.chunks;
		for ( long ct = 0; ct < grid[ 0 ]; ct++ )
			for ( long cz = 0; cz < grid[ 1 ]; cz++ )
				for ( long cy = 0; cy < grid[ 2 ]; cy++ )
					for ( long cx = 0; cx < grid[ 3 ]; cx++ )
					{
						final float[] v = new float[ k[ 0 ] * k[ 1 ] * k[ 2 ] * k[ 3 ] ];
						int i = 0;
						for ( int t = 0; t < k[ 0 ]; t++ )
							for ( int z = 0; z < k[ 1 ]; z++ )
								for ( int y = 0; y < k[ 2 ]; y++ )
									for ( int x = 0; x < k[ 3 ]; x++, i++ )
									{
										final long zz = cz * k[ 1 ] + z, yy = cy * k[ 2 ] + y, xx = cx * k[ 3 ] + x;
										if ( ct * k[ 0 ] + t < c.shape[ 0 ] && zz < c.shape[ 1 ] && yy < c.shape[ 2 ] && xx < c.shape[ 3 ] )
											v[ i ] = value( zz, yy, xx );
									}
						a.writeChunk( new long[] { ct, cz, cy, cx }, v );
					}
	}

	static float value( final long z, final long y, final long x )
	{
		long h = ( z * 0x9E3779B97F4A7C15L ) ^ ( y * 0xC2B2AE3D27D4EB4FL ) ^ ( x * 0x165667B19E3779F9L );
		h ^= h >>> 29;
		h *= 0xBF58476D1CE4E5B9L;
		h ^= h >>> 32;
		final double noise = ( h & 0xffff ) / 65536.0;
		final double background = 100 + 20 * Math.sin( y / 97.0 ) * Math.cos( x / 83.0 );
		final double stripes = Math.sin( ( y + 13 * z ) / 11.0 ) * Math.sin( x / 13.0 ) > 0.8 ? 800 : 0;
		return ( float ) Math.rint( background + stripes + 20 * noise );
	}
}
