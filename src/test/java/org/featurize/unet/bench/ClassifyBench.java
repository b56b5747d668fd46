package org.featurize.unet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.cli.SampleVolume;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;

/**
 * The pixel classifier's cost, {@code bench/run.sh --classify}: on the same planes of 1024 x 1024, interleaved,
 * {@code bin/featurize IN OUT} (the features alone, stored) against {@code bin/featurize classify IN --classifier F OUT}
 * (features computed and classified, labels stored), both with default settings, and {@code bin/featurize} with the
 * margin that classify's features have by default (the same features as classify computes); the training run that made F from
 * scribbles in 2 planes (its features and forest seconds); the peak RSS of classify on 4 and on 16 planes
 * (memory flat with the volume's size); classify with a classifier trained on the same scribbles without the
 * inputs beside the features ({@code --coherence none --minimum none}), which is what they cost; and with the forest
 * and inputs of the defaults before (16 trees of depth 8, the coherence alone). Appends the table to {@code bench/results.md}.
 *
 * Usage: ClassifyBench --root DIR [--reps N] [--planes N]
 */
public final class ClassifyBench
{
	public static void main( final String[] args ) throws Exception
	{
		final Map< String, String > opts = new LinkedHashMap<>();
		for ( int i = 0; i + 1 < args.length; i += 2 )
			opts.put( args[ i ].replaceFirst( "^--", "" ), args[ i + 1 ] );
		final Path root = Paths.get( opts.getOrDefault( "root", "." ) ).toAbsolutePath();
		final int reps = Integer.parseInt( opts.getOrDefault( "reps", "2" ) );
		final int planes = Integer.parseInt( opts.getOrDefault( "planes", "16" ) );
		final Path work = root.resolve( "bench/work/classify" );
		Files.createDirectories( work );
		final Path input = work.resolve( "in.zarr" ), small = work.resolve( "in-4.zarr" ), labels = work.resolve( "labels.zarr" );
		Benchmark.delete( input );
		Benchmark.delete( small );
		Benchmark.delete( labels );
		final ZarrArray in = SampleVolume.write( input, 1, planes, 1024, 1024, 7 );
		SampleVolume.write( small, 1, 4, 1024, 1024, 7 );
		scribbles( in, labels, planes );
		final String featurize = root.resolve( "bin/featurize" ).toString();

		// training: scribbles in 2 planes
		final Path classifier = work.resolve( "c.json" ), trained = work.resolve( "trained.zarr" );
		Benchmark.delete( trained );
		final String trainLog = Benchmark.exec( List.of( featurize, "classify", input.toString(), labels.toString(), trained.toString(),
				"--save-classifier", classifier.toString() ), null );
		final Matcher t = Pattern.compile( "on (\\d+) labelled pixels .*features of (\\d+) of (\\d+) tiles in ([0-9.]+) s, forest in ([0-9.]+) s" )
				.matcher( trainLog );
		if ( !t.find() )
			throw new IllegalStateException( "no training line: " + trainLog );
		// the same scribbles without the inputs beside the features: what they cost, side by side
		final Path plain = work.resolve( "c-plain.json" ), trainedPlain = work.resolve( "trained-plain.zarr" );
		Benchmark.delete( trainedPlain );
		Benchmark.exec( List.of( featurize, "classify", input.toString(), labels.toString(), trainedPlain.toString(), "--save-classifier",
				plain.toString(), "--coherence", "none", "--minimum", "none" ), null );
		// and with the defaults before: 16 trees of depth 8, the coherence alone
		final Path before = work.resolve( "c-before.json" ), trainedBefore = work.resolve( "trained-before.zarr" );
		Benchmark.delete( trainedBefore );
		Benchmark.exec( List.of( featurize, "classify", input.toString(), labels.toString(), trainedBefore.toString(), "--save-classifier",
				before.toString(), "--trees", "16", "--depth", "8", "--minimum", "none" ), null );

		final Map< String, List< double[] > > runs = new LinkedHashMap<>();
		for ( int r = 0; r < reps; r++ )
			for ( final String what : List.of( "featurize", "featurize-margin", "classify", "classify-4", "classify-plain", "classify-before" ) )
			{
				final Path out = work.resolve( what + "-out.zarr" );
				Benchmark.delete( out );
				Benchmark.exec( List.of( "sync" ), null );
				final List< String > cmd = new ArrayList<>( List.of( "/usr/bin/time", "-f", "PEAK_RSS_KB %M", featurize ) );
				if ( what.equals( "featurize" ) )
					cmd.addAll( List.of( input.toString(), out.toString() ) );
				else if ( what.equals( "featurize-margin" ) )
					cmd.addAll( List.of( input.toString(), out.toString(), "--margin", String.valueOf( ClassifyRequest.DEFAULT_MARGIN ) ) );
				else
					cmd.addAll( List.of( "classify", ( what.equals( "classify-4" ) ? small : input ).toString(), "--classifier",
							( what.equals( "classify-plain" ) ? plain : what.equals( "classify-before" ) ? before : classifier ).toString(),
							out.toString() ) );
				final long start = System.nanoTime();
				final String log = Benchmark.exec( cmd, null );
				final double process = ( System.nanoTime() - start ) * 1e-9;
				final Matcher done = Pattern.compile( "Done: .*?([0-9.]+) s" ).matcher( log );
				if ( !done.find() )
					throw new IllegalStateException( "no Done line: " + log );
				runs.computeIfAbsent( what, k -> new ArrayList<>() ).add( new double[] { Double.parseDouble( done.group( 1 ) ), process,
						Benchmark.parse( log, "PEAK_RSS_KB" ) } );
				System.out.printf( Locale.ROOT, "%s rep %d: %.2f s computing, %.2f s in all%n", what, r + 1, Double.parseDouble( done.group( 1 ) ),
						process );
			}
		final double[] f = GeometryBench.medians( runs.get( "featurize" ) ), fm = GeometryBench.medians( runs.get( "featurize-margin" ) ),
				c = GeometryBench.medians( runs.get( "classify" ) ),
				c4 = GeometryBench.medians( runs.get( "classify-4" ) ), cp = GeometryBench.medians( runs.get( "classify-plain" ) ),
				cb = GeometryBench.medians( runs.get( "classify-before" ) );
		final StringBuilder table = new StringBuilder();
		table.append( String.format( Locale.ROOT, "%n### Pixel classification (%s, %d repetition%s interleaved, medians; %d planes of 1024 x 1024, "
				+ "default settings, 2 cores)%n%n", java.time.LocalDate.now(), reps, reps == 1 ? "" : "s", planes ) );
		table.append( "| run | computing, s | whole process, s | **computing / featurize** | peak RSS |\n|---|---|---|---|---|\n" );
		table.append( String.format( Locale.ROOT, "| `bin/featurize IN OUT` (features stored, float32) | %.2f | %.2f | 1 | %d MB |%n", f[ 0 ], f[ 1 ],
				( long ) f[ 2 ] >> 10 ) );
		table.append( String.format( Locale.ROOT, "| `bin/featurize IN OUT --margin %d` (classify's features, stored) | %.2f | %.2f | %.2f | %d MB |%n",
				ClassifyRequest.DEFAULT_MARGIN, fm[ 0 ], fm[ 1 ], fm[ 0 ] / f[ 0 ], ( long ) fm[ 2 ] >> 10 ) );
		table.append( String.format( Locale.ROOT, "| `bin/featurize classify IN --classifier F OUT` (labels stored) | %.2f | %.2f | **%.2f** | %d MB |%n",
				c[ 0 ], c[ 1 ], c[ 0 ] / f[ 0 ], ( long ) c[ 2 ] >> 10 ) );
		table.append( String.format( Locale.ROOT, "| the same on 4 planes | %.2f | %.2f | | %d MB (%.2f of 16 planes') |%n", c4[ 0 ], c4[ 1 ],
				( long ) c4[ 2 ] >> 10, c4[ 2 ] / c[ 2 ] ) );
		table.append( String.format( Locale.ROOT, "| the same with F trained with `--coherence none --minimum none` (the features alone) | %.2f | %.2f | **%.2f** | %d MB |%n",
				cp[ 0 ], cp[ 1 ], cp[ 0 ] / f[ 0 ], ( long ) cp[ 2 ] >> 10 ) );
		table.append( String.format( Locale.ROOT, "| the same with F trained with `--trees 16 --depth 8 --minimum none` (the defaults before) | %.2f | %.2f | **%.2f** | %d MB |%n",
				cb[ 0 ], cb[ 1 ], cb[ 0 ] / f[ 0 ], ( long ) cb[ 2 ] >> 10 ) );
		table.append( String.format( Locale.ROOT, "%nThe inputs beside the features (F's default) cost %.2f times the classification without them, "
				+ "and F %.2f times the defaults before; classify costs %.2f times `bin/featurize` on the same features (margin %d).%n",
				c[ 0 ] / cp[ 0 ], c[ 0 ] / cb[ 0 ], c[ 0 ] / fm[ 0 ], ClassifyRequest.DEFAULT_MARGIN ) );
		table.append( String.format( Locale.ROOT, "%nTraining F on %s scribbled pixels in 2 planes: features of %s of %s tiles in %s s, the forest (%s) "
				+ "in %s s.%n", t.group( 1 ), t.group( 2 ), t.group( 3 ), t.group( 4 ), org.featurize.unet.classify.ForestTrainer.DEFAULT_TREES + " trees, depth " + org.featurize.unet.classify.ForestTrainer.DEFAULT_DEPTH, t.group( 5 ) ) );
		System.out.print( table );
		Files.writeString( root.resolve( "bench/results.md" ), table.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND );
	}

	/** Scribbles in planes 0 and planes / 2: every 32nd row, a class by the pixel's value against the plane's median (1 below, 2 above). */
	static void scribbles( final ZarrArray input, final Path labels, final int planes )
	{
		final long[] shape = input.shape();
		final int h = ( int ) shape[ 2 ], w = ( int ) shape[ 3 ];
		final ZarrArray out = ZarrArray.create( labels, "", ArraySpec.builder().shape( shape ).chunks( 1, 1, h, w ).dataType( DataType.UINT8 )
				.compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		for ( final int z : new int[] { 0, planes / 2 } )
		{
			final short[] values = ( short[] ) input.readRegion( new long[] { 0, z, 0, 0 }, new int[] { 1, 1, h, w } );
			final int[] sorted = new int[ values.length ];
			for ( int i = 0; i < values.length; i++ )
				sorted[ i ] = values[ i ] & 0xffff;
			java.util.Arrays.sort( sorted );
			final int median = sorted[ sorted.length / 2 ];
			final byte[] l = new byte[ h * w ];
			for ( int y = 16; y < h; y += 32 )
				for ( int x = 0; x < w; x += 3 )
					l[ y * w + x ] = ( byte ) ( ( values[ y * w + x ] & 0xffff ) > median ? 2 : 1 );
			out.writeChunk( new long[] { 0, z, 0, 0 }, l );
		}
	}
}
