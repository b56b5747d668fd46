package org.featurize.unet.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;

/**
 * The saved features of one run: a Zarr v2 array at the output's root whose attributes record the run's
 * parameters (key {@value #KEY}) and, last, its completion. Deciding what may happen to an existing output
 * lives here: a new output is created; an unfinished output of the same parameters is resumed; anything else
 * (a finished output, other parameters, a folder that is not ours) is refused unless {@code overwrite}, and
 * overwrite deletes only a Zarr hierarchy or an empty folder, never anything else.
 */
public final class FeatureOutput
{
	/** The attribute that holds what this project records of a run. */
	public static final String KEY = "featurize";

	private final ZarrArray array;

	private final boolean resumed;

	private final Map< String, Object > record;

	private FeatureOutput( final ZarrArray array, final boolean resumed, final Map< String, Object > record )
	{
		this.array = array;
		this.resumed = resumed;
		this.record = record;
	}

	/**
	 * Opens the output for a run: creates it, resumes it, or refuses.
	 *
	 * @param parameters
	 *            what makes two runs the same (compared for equality on resume), JSON-ready values
	 * @param details
	 *            what else is worth recording (model description, engine, normalization values)
	 */
	public static FeatureOutput prepare( final Path output, final Path input, final FeatureLayout layout, final OutputType type,
			final Compressor compressor, final Map< String, Object > parameters, final Map< String, Object > details,
			final boolean overwrite )
	{
		return prepare( output, input, layout.axes(), layout.shape(), layout.chunks(), type.dataType(), compressor, parameters, details, overwrite );
	}

	/**
	 * Opens an output array of any shape and type for a run, with the same policy: creates it, resumes it, or
	 * refuses (what the classifier's outputs use).
	 *
	 * @param axes
	 *            the array's axis names (its {@code _ARRAY_DIMENSIONS})
	 */
	public static FeatureOutput prepare( final Path output, final Path input, final String[] axes, final long[] shape, final int[] chunks,
			final DataType type, final Compressor compressor, final Map< String, Object > parameters, final Map< String, Object > details,
			final boolean overwrite )
	{
		checkBeforeRun( output, input, overwrite );
		if ( Files.exists( output ) )
		{
			if ( !overwrite )
			{
				final Map< String, Object > previous = previousRecord( output );
				final List< String > differences = differences( asMap( previous.get( "parameters" ) ), parameters );
				if ( !differences.isEmpty() )
					throw new OutputException( "Output " + output + " is an unfinished run with other parameters ("
							+ String.join( "; ", differences ) + "); run with the same parameters to resume, or set overwrite=true" );
				final ZarrArray array = ZarrArray.open( output, "" );
				array.removePartialWrites(); // the run holds the output's lock: nobody else writes here
				return new FeatureOutput( array, true, new LinkedHashMap<>( previous ) );
			}
			delete( output );
		}
		final Map< String, Object > record = new LinkedHashMap<>();
		record.put( "parameters", parameters );
		record.putAll( details );
		record.put( "complete", false );
		final Map< String, Object > attributes = new LinkedHashMap<>();
		attributes.put( "_ARRAY_DIMENSIONS", List.of( axes ) );
		attributes.put( KEY, record );
		try
		{
			final ZarrArray array = ZarrArray.create( output, "", ArraySpec.builder()
					.shape( shape )
					.chunks( chunks )
					.dataType( type )
					.compressor( compressor )
					.fillValue( 0 )
					.zarrFormat( 2 )
					.attributes( attributes )
					.build() );
			return new FeatureOutput( array, false, record );
		}
		catch ( final ZarrException e )
		{
			throw new OutputException( "Cannot create output " + output + ": " + e.getMessage(), e );
		}
	}

	/**
	 * The checks that need neither the model nor the features, made before either is loaded: the output is
	 * not nested with the input, and an existing output is one that a run may resume or overwrite.
	 */
	public static void checkBeforeRun( final Path output, final Path input, final boolean overwrite )
	{
		checkNotNested( output, input );
		if ( overwrite || !Files.exists( output ) )
			return;
		final Map< String, Object > previous = previousRecord( output );
		if ( previous == null )
			throw new OutputException( "Output " + output + " already exists and is not an unfinished run of this tool; "
					+ "choose another output or set overwrite=true" );
		if ( Boolean.TRUE.equals( previous.get( "complete" ) ) )
			throw new OutputException( "Output " + output + " already exists and is complete; set overwrite=true to compute it again" );
	}

	public ZarrArray array()
	{
		return array;
	}

	/** Whether an unfinished earlier run is being resumed. */
	public boolean resumed()
	{
		return resumed;
	}

	/** Records the run as complete, with its statistics: the last thing a run writes. */
	public void markComplete( final Map< String, Object > statistics )
	{
		final Map< String, Object > attributes = new LinkedHashMap<>( array.attributes() );
		final Map< String, Object > done = new LinkedHashMap<>( record );
		done.put( "statistics", statistics );
		done.put( "complete", true );
		attributes.put( KEY, done );
		array.writeAttributes( attributes );
	}

	/** Whether {@code output} holds a complete run of this tool (one that a run without overwrite refuses to repeat). */
	public static boolean isComplete( final Path output )
	{
		final Map< String, Object > previous = Files.exists( output ) ? previousRecord( output ) : null;
		return previous != null && Boolean.TRUE.equals( previous.get( "complete" ) );
	}

	/** The record of an earlier run of this tool at {@code output}, or null if it is not one. */
	static Map< String, Object > previousRecord( final Path output )
	{
		try
		{
			final Map< String, Object > record = asMap( ZarrArray.open( output, "" ).attributes().get( KEY ) );
			return record != null && record.get( "parameters" ) instanceof Map ? record : null;
		}
		catch ( final ZarrException e )
		{
			return null;
		}
	}

	@SuppressWarnings( "unchecked" )
	public static Map< String, Object > asMap( final Object o )
	{
		return o instanceof Map ? ( Map< String, Object > ) o : null;
	}

	/** What differs between the parameters an earlier run recorded and this run's, one phrase per parameter. */
	public static List< String > differences( final Map< String, Object > before, final Map< String, Object > now )
	{
		final List< String > out = new ArrayList<>();
		if ( before == null )
		{
			out.add( "no parameters recorded" );
			return out;
		}
		for ( final String key : now.keySet() )
			if ( !sameJson( before.get( key ), now.get( key ) ) )
				out.add( key + " was " + ( before.containsKey( key ) ? before.get( key ) : "unset" ) + ", now " + now.get( key ) );
		for ( final String key : before.keySet() )
			if ( !now.containsKey( key ) )
				out.add( key + " was " + before.get( key ) + ", now unset" );
		return out;
	}

	/** Equality of JSON values as read back: numbers compare by value, lists and maps element-wise. */
	public static boolean sameJson( final Object a, final Object b )
	{
		if ( a instanceof Number && b instanceof Number )
			return ( ( Number ) a ).doubleValue() == ( ( Number ) b ).doubleValue();
		if ( a instanceof List && b instanceof List )
		{
			final List< ? > x = ( List< ? > ) a, y = ( List< ? > ) b;
			if ( x.size() != y.size() )
				return false;
			for ( int i = 0; i < x.size(); i++ )
				if ( !sameJson( x.get( i ), y.get( i ) ) )
					return false;
			return true;
		}
		if ( a instanceof Map && b instanceof Map )
		{
			final Map< ?, ? > x = ( Map< ?, ? > ) a, y = ( Map< ?, ? > ) b;
			if ( !x.keySet().equals( y.keySet() ) )
				return false;
			for ( final Object k : x.keySet() )
				if ( !sameJson( x.get( k ), y.get( k ) ) )
					return false;
			return true;
		}
		return Objects.equals( a, b );
	}

	/** Refuses an output inside the input, the input itself, or an output that contains the input. */
	static void checkNotNested( final Path output, final Path input )
	{
		if ( input == null )
			return;
		final Path o = real( output ), i = real( input );
		if ( o.startsWith( i ) )
			throw new OutputException( "Output " + output + " lies inside the input " + input + "; the input is never written to" );
		if ( i.startsWith( o ) )
			throw new OutputException( "Output " + output + " contains the input " + input + "; choose an output outside it" );
	}

	/** The absolute, normalized path with every existing ancestor's links resolved. */
	private static Path real( final Path path )
	{
		Path p = path.toAbsolutePath().normalize();
		Path rest = p.getFileSystem().getPath( "" );
		while ( p != null && !Files.exists( p ) )
		{
			rest = p.getFileName().resolve( rest );
			p = p.getParent();
		}
		if ( p == null )
			return path.toAbsolutePath().normalize();
		try
		{
			return p.toRealPath().resolve( rest ).normalize();
		}
		catch ( final IOException e )
		{
			return path.toAbsolutePath().normalize();
		}
	}

	/** Deletes a Zarr hierarchy or an empty folder; refuses anything else. */
	public static void delete( final Path output )
	{
		final boolean zarr = Files.isRegularFile( output.resolve( ".zarray" ) ) || Files.isRegularFile( output.resolve( ".zgroup" ) )
				|| Files.isRegularFile( output.resolve( "zarr.json" ) );
		try
		{
			if ( !Files.isDirectory( output ) )
				throw new OutputException( "Output " + output + " exists and is not a folder; refusing to replace it" );
			if ( !zarr )
				try ( var entries = Files.list( output ) )
				{
					if ( entries.findAny().isPresent() )
						throw new OutputException( "Output " + output + " exists and is not a Zarr array or group; "
								+ "refusing to delete it even with overwrite=true" );
				}
			Files.walkFileTree( output, new SimpleFileVisitor< Path >()
			{
				@Override
				public FileVisitResult visitFile( final Path file, final BasicFileAttributes attrs ) throws IOException
				{
					Files.delete( file );
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory( final Path dir, final IOException e ) throws IOException
				{
					if ( e != null )
						throw e;
					Files.delete( dir );
					return FileVisitResult.CONTINUE;
				}
			} );
		}
		catch ( final IOException e )
		{
			throw new OutputException( "Cannot delete the existing output " + output + ": " + e, e );
		}
	}
}
