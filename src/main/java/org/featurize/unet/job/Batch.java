package org.featurize.unet.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.ome.OmeCollection;
import org.featurize.unet.ome.OmeOutput;
import org.featurize.unet.zarr.Hdf5Arrays;
import org.featurize.unet.zarr.N5Images;

/**
 * Many inputs in one run, with one engine and one model: each input is featurized in turn by {@link Featurizer}
 * into its own output in one folder. The list is checked whole before anything is written (every input exists,
 * no two share an output); then a complete output is skipped, an unfinished one resumed, and a failed input
 * reported and passed over. {@link #table} says what happened to each. What runs one input is a {@link Runner}:
 * {@link Featurizer} on this machine by default, a Spark job for the cluster driver.
 */
public final class Batch
{
	/** The output's name when none is given: the input's folder name without {@code .zarr}, then {@code -features.zarr}. */
	public static final String DEFAULT_NAME = "{name}-features.zarr";

	/** What happened to one input. */
	public enum Status
	{
		DONE, SKIPPED, FAILED;

		/** The word in the table. */
		public String label()
		{
			return name().toLowerCase( Locale.ROOT );
		}
	}

	/** Featurizes one input as its validated request says (a complete output was skipped before). */
	@FunctionalInterface
	public interface Runner
	{
		void run( FeaturizeRequest request );
	}

	/** One input and the output it maps to. */
	public record Item( Path input, Path output )
	{}

	/** One row of the table: an input, its output, what happened, the seconds it took, and why it failed (else empty). */
	public record Row( Path input, Path output, Status status, double seconds, String reason )
	{}

	private final Consumer< String > log;

	/** A batch whose runs log to {@code log}. */
	public Batch( final Consumer< String > log )
	{
		this.log = log;
	}

	/**
	 * The paths listed in {@code list}, one per line; blank lines and {@code #} comments are ignored, and a relative
	 * path is relative to the current directory, as on a command line. A path that does not exist is refused,
	 * with its line.
	 */
	public static List< Path > readList( final Path list )
	{
		final List< String > lines;
		try
		{
			lines = Files.readAllLines( list, StandardCharsets.UTF_8 );
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot read the list of inputs " + list + ": " + e, e );
		}
		final List< Path > paths = new ArrayList<>();
		for ( int i = 0; i < lines.size(); i++ )
		{
			final String line = lines.get( i ).strip();
			if ( line.isEmpty() || line.startsWith( "#" ) )
				continue;
			final Path p = Path.of( line );
			if ( !Files.exists( p ) )
				throw new FeaturizeException( String.format( "Input %s (%s line %d) does not exist; nothing was written", line, list, i + 1 ) );
			paths.add( p );
		}
		return paths;
	}

	/** The output name of {@code input} by {@code pattern}: {@code {name}} is the input's folder name without {@code .zarr} (or {@code .n5}, {@code .zip}, {@code .ozx}). */
	public static String outputName( final Path input, final String pattern )
	{
		final Path file = input.toAbsolutePath().normalize().getFileName();
		String name = file == null ? "input" : file.toString();
		for ( final String zip : new String[] { ".zip", ".ozx" } ) // a zipped store: data.zarr.zip, image.ozx
			if ( name.toLowerCase( Locale.ROOT ).endsWith( zip ) && name.length() > zip.length() )
				name = name.substring( 0, name.length() - zip.length() );
		for ( final String store : new String[] { ".zarr", ".n5", ".h5", ".hdf5", ".ims" } )
			if ( name.toLowerCase( Locale.ROOT ).endsWith( store ) && name.length() > store.length() )
				name = name.substring( 0, name.length() - store.length() );
		return pattern.replace( "{name}", name );
	}

	/**
	 * Each input with its output in {@code outputDir}, named by {@code pattern} (null: {@link #DEFAULT_NAME}); a
	 * collection of several images (bioformats2raw's series, a plate's fields, an N5 container's views such as
	 * BigStitcher's {@code setupN/timepointM}) is one input per image, named as
	 * {@link #outputName(Path, String, String)} says; refuses, before anything is written, no inputs, an input that does not exist and two inputs with one output.
	 */
	public static List< Item > plan( final List< Path > inputs, final Path outputDir, final String pattern )
	{
		return plan( inputs, outputDir, pattern, null );
	}

	/**
	 * {@link #plan(List, Path, String)} for runs that read {@code dataset} inside each input: then a collection is not
	 * expanded into its images (the dataset chooses inside each input, the same for all).
	 */
	public static List< Item > plan( final List< Path > inputs, final Path outputDir, final String pattern, final String dataset )
	{
		final boolean expand = dataset == null || dataset.isBlank();
		if ( inputs.isEmpty() )
			throw new FeaturizeException( "No inputs given: list them after the options, or in a file given to --inputs" );
		final String p = pattern == null || pattern.isBlank() ? DEFAULT_NAME : pattern;
		final List< Item > items = new ArrayList<>();
		final Map< Path, Path > inputOf = new HashMap<>();
		for ( final Path given : inputs )
		{
			if ( !Files.exists( given ) )
				throw new FeaturizeException( "Input " + given + " does not exist; nothing was written" );
			final List< String > collection = expand ? OmeCollection.severalImages( given ) : List.of();
			final boolean hdf5 = Hdf5Arrays.isHdf5( given );
			final List< String > n5 = !expand || !collection.isEmpty() ? List.of()
					: hdf5 ? Hdf5Arrays.images( given, "" ) : N5Images.isGroup( given ) ? N5Images.images( given ) : List.of();
			final List< String > images = !collection.isEmpty() ? collection : n5.size() > 1 ? n5 : List.of();
			for ( final String image : images.isEmpty() ? List.of( "" ) : images )
			{
				final Path input = image.isEmpty() ? given : given.resolve( image );
				final Path output = outputDir.resolve( image.isEmpty() ? outputName( given, p )
						: outputName( given, hdf5 ? Hdf5Arrays.name( image ) : N5Images.name( image ), p ) );
				final Path before = inputOf.putIfAbsent( output.toAbsolutePath().normalize(), input );
				if ( before != null )
					throw new FeaturizeException( String.format( "Inputs %s and %s both map to output %s; nothing was written "
							+ "(list each input once, or give --name a pattern with {name} that tells them apart)", before, input, output ) );
				items.add( new Item( input, output ) );
			}
		}
		return items;
	}

	/**
	 * The output name of an image inside a collection ({@link OmeCollection}: bioformats2raw's series, a plate's
	 * fields): {@code {name}} is the collection's folder name without {@code .zarr}, then the image's path with
	 * {@code -} for {@code /} ({@code plate-B-2-0}).
	 */
	static String outputName( final Path collection, final String image, final String pattern )
	{
		return pattern.replace( "{name}", outputName( collection, "{name}" ) + "-" + image.replace( '/', '-' ) );
	}

	/**
	 * Runs each item in turn on this machine with the request {@code requests} makes for it, reporting to a new
	 * {@code progress} each ({@link #run(List, Function, Runner)} with {@link Featurizer}).
	 */
	public List< Row > run( final List< Item > items, final Function< Item, FeaturizeRequest > requests, final Supplier< Progress > progress )
	{
		return run( items, requests, request -> new Featurizer( log ).run( request, progress.get(), () -> false ) );
	}

	/**
	 * Runs each item in turn with the request {@code requests} makes for it, by {@code runner}; the parameters they
	 * share are checked once, before the first run. A failure of one input (any {@link RuntimeException}) is its row's
	 * reason and the next input runs; a {@link CancellationException} fails its input as "cancelled" and ends the
	 * batch there. Returns a row per item run, in order.
	 */
	public List< Row > run( final List< Item > items, final Function< Item, FeaturizeRequest > requests, final Runner runner )
	{
		if ( !items.isEmpty() )
			requests.apply( items.get( 0 ) ).validate(); // a bad parameter fails them all: refused once
		final List< Row > rows = new ArrayList<>();
		for ( int i = 0; i < items.size(); i++ )
		{
			final Item item = items.get( i );
			log.accept( String.format( "[%d/%d] %s -> %s", i + 1, items.size(), item.input(), item.output() ) );
			final long start = System.nanoTime();
			Status status;
			String reason = "";
			boolean cancelled = false;
			try
			{
				final FeaturizeRequest request = requests.apply( item ).validate();
				if ( !request.overwrite && complete( request ) )
				{
					status = Status.SKIPPED;
					reason = "complete already";
					log.accept( "Skipped: " + item.output() + " is complete already (--overwrite computes it again)" );
				}
				else
				{
					runner.run( request );
					status = Status.DONE;
				}
			}
			catch ( final CancellationException e ) // the user stopped the batch: this input is unfinished, the rest not started
			{
				status = Status.FAILED;
				reason = "cancelled";
				cancelled = true;
				log.accept( "Cancelled: " + item.input() + " (" + ( items.size() - i - 1 ) + " input(s) not started)" );
			}
			catch ( final RuntimeException e ) // FeaturizeException and any other: the next input still runs
			{
				status = Status.FAILED;
				reason = message( e );
				log.accept( "Failed: " + item.input() + ": " + reason );
			}
			rows.add( new Row( item.input(), item.output(), status, ( System.nanoTime() - start ) / 1e9, reason ) );
			if ( cancelled )
				break;
		}
		return rows;
	}

	/**
	 * The inputs in {@code folder}: its folders whose name ends in {@code .zarr} or {@code .n5} and its files whose
	 * name ends in {@code .zarr.zip}, {@code .ozx}, {@code .h5}, {@code .hdf5} or {@code .ims} (any case), sorted by name.
	 * Refuses a folder that does not exist or holds none.
	 */
	public static List< Path > listFolder( final Path folder )
	{
		if ( !Files.isDirectory( folder ) )
			throw new FeaturizeException( "Input folder " + folder + " does not exist or is not a folder; nothing was written" );
		final List< Path > inputs;
		try ( Stream< Path > entries = Files.list( folder ) )
		{
			inputs = entries.filter( p -> {
				final String name = p.getFileName().toString().toLowerCase( Locale.ROOT );
				return Files.isDirectory( p ) ? name.endsWith( ".zarr" ) || name.endsWith( ".n5" )
						: ( name.endsWith( ".zarr.zip" ) || name.endsWith( ".ozx" ) || name.endsWith( ".h5" ) || name.endsWith( ".hdf5" )
								|| name.endsWith( ".ims" ) ) && Files.isRegularFile( p );
			} ).sorted().toList();
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot list the input folder " + folder + ": " + e, e );
		}
		if ( inputs.isEmpty() )
			throw new FeaturizeException( "Input folder " + folder + " holds no .zarr, .n5, .h5, .hdf5 or .ims inputs; nothing was written" );
		return inputs;
	}

	private static boolean complete( final FeaturizeRequest request )
	{
		return request.layout.equals( FeaturizeRequest.LAYOUT_OME ) ? OmeOutput.isComplete( request.output ) : FeatureOutput.isComplete( request.output );
	}

	private static String message( final RuntimeException e )
	{
		final String m = e.getMessage() == null ? "" : e.getMessage().replaceAll( "\\s*\\R\\s*", " " );
		return e instanceof FeaturizeException ? m : e.getClass().getSimpleName() + ( m.isEmpty() ? "" : ": " + m );
	}

	/** Whether any row failed. */
	public static boolean anyFailed( final List< Row > rows )
	{
		return rows.stream().anyMatch( r -> r.status() == Status.FAILED );
	}

	/**
	 * The rows as a text table: a header (input, output, status, seconds, reason), a line per row with aligned
	 * columns, and a last line that counts each status.
	 */
	public static String table( final List< Row > rows )
	{
		final List< String[] > cells = new ArrayList<>();
		cells.add( new String[] { "input", "output", "status", "seconds", "reason" } );
		for ( final Row r : rows )
			cells.add( new String[] { r.input().toString(), r.output().toString(), r.status().label(),
					String.format( Locale.ROOT, "%.1f", r.seconds() ), r.reason() } );
		final int[] width = new int[ 4 ];
		for ( final String[] c : cells )
			for ( int k = 0; k < width.length; k++ )
				width[ k ] = Math.max( width[ k ], c[ k ].length() );
		final StringBuilder s = new StringBuilder();
		for ( final String[] c : cells )
		{
			final StringBuilder line = new StringBuilder();
			for ( int k = 0; k < width.length; k++ )
				line.append( k == 3 ? pad( c[ k ], width[ k ], true ) : pad( c[ k ], width[ k ], false ) ).append( "  " );
			s.append( ( line + c[ 4 ] ).stripTrailing() ).append( '\n' );
		}
		final long[] counts = new long[ Status.values().length ];
		rows.forEach( r -> counts[ r.status().ordinal() ]++ );
		s.append( String.format( "%d input%s: %d done, %d skipped, %d failed", rows.size(), rows.size() == 1 ? "" : "s",
				counts[ 0 ], counts[ 1 ], counts[ 2 ] ) ).append( '\n' );
		return s.toString();
	}

	private static String pad( final String s, final int width, final boolean right )
	{
		final String spaces = " ".repeat( width - s.length() );
		return right ? spaces + s : s + spaces;
	}
}
