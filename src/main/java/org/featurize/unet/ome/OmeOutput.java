package org.featurize.unet.ome;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputException;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrException;
import org.featurize.unet.zarr.ZarrGroup;

/**
 * The saved features of one run as an OME-Zarr image (NGFF 0.4, Zarr v2): a group at the output's root with
 * one array per level ("0", "1", ...), whose attributes hold {@code multiscales}, {@code omero} and the run's
 * record (key {@value FeatureOutput#KEY}: parameters, details and, written last, {@code "complete": true}).
 * What may happen to an existing output is decided as for the seed layout ({@link FeatureOutput}): created when
 * new, resumed when it is an unfinished run with the same parameters, otherwise refused unless overwrite, which
 * deletes only a Zarr hierarchy or an empty folder.
 */
public final class OmeOutput
{
	private final ZarrGroup group;

	private final List< ZarrArray > levels;

	private final boolean resumed;

	private final Map< String, Object > record;

	private final OmeLayout layout;

	private final String name;

	private OmeOutput( final ZarrGroup group, final List< ZarrArray > levels, final boolean resumed, final Map< String, Object > record,
			final OmeLayout layout, final String name )
	{
		this.group = group;
		this.levels = levels;
		this.resumed = resumed;
		this.record = record;
		this.layout = layout;
		this.name = name;
	}

	/** The checks made before the model is loaded: not nested with the input; an existing output may be resumed or overwritten. */
	public static void checkBeforeRun( final Path output, final Path input, final boolean overwrite )
	{
		FeatureOutput.checkBeforeRun( output, input, true ); // with overwrite it checks only the nesting
		if ( overwrite || !Files.exists( output ) )
			return;
		final Map< String, Object > previous = previousRecord( output );
		if ( previous == null )
			throw new OutputException( "Output " + output + " already exists and is not an unfinished run of this tool; "
					+ "choose another output or set overwrite=true" );
		if ( Boolean.TRUE.equals( previous.get( "complete" ) ) )
			throw new OutputException( "Output " + output + " already exists and is complete; set overwrite=true to compute it again" );
	}

	/**
	 * Opens the output for a run: creates it, resumes it, or refuses.
	 *
	 * @param parameters
	 *            what makes two runs the same, compared on resume
	 * @param details
	 *            what else is recorded
	 */
	public static OmeOutput prepare( final Path output, final Path input, final OmeLayout layout, final OutputType type,
			final Compressor compressor, final Map< String, Object > parameters, final Map< String, Object > details, final String name,
			final String version, final boolean overwrite )
	{
		checkBeforeRun( output, input, overwrite );
		if ( Files.exists( output ) )
		{
			if ( !overwrite )
			{
				final Map< String, Object > previous = previousRecord( output );
				final List< String > differences = FeatureOutput.differences( FeatureOutput.asMap( previous.get( "parameters" ) ), parameters );
				if ( !differences.isEmpty() )
					throw new OutputException( "Output " + output + " is an unfinished run with other parameters ("
							+ String.join( "; ", differences ) + "); run with the same parameters to resume, or set overwrite=true" );
				final ZarrGroup group = ZarrGroup.open( output, "" );
				final List< ZarrArray > levels = new ArrayList<>();
				for ( int k = 0; k < layout.levels(); k++ )
				{
					final ZarrArray level = Files.isRegularFile( output.resolve( k + "/.zarray" ) ) ? ZarrArray.open( output, Integer.toString( k ) )
							: createLevel( output, layout, k, type, compressor );
					level.removePartialWrites(); // the run holds the output's lock: nobody else writes here
					levels.add( level );
				}
				return new OmeOutput( group, levels, true, new LinkedHashMap<>( previous ), layout, name );
			}
			FeatureOutput.delete( output );
		}
		final Map< String, Object > record = new LinkedHashMap<>();
		record.put( "parameters", parameters );
		record.putAll( details );
		record.put( "complete", false );
		try
		{
			final Map< String, Object > attributes = new LinkedHashMap<>();
			attributes.put( "multiscales", OmeMetadata.multiscales( layout, name, version ) );
			attributes.put( "omero", OmeMetadata.omero( layout, name, null ) );
			attributes.put( FeatureOutput.KEY, record );
			final ZarrGroup group = ZarrGroup.create( output, "", 2, attributes );
			final List< ZarrArray > levels = new ArrayList<>();
			for ( int k = 0; k < layout.levels(); k++ )
				levels.add( createLevel( output, layout, k, type, compressor ) );
			return new OmeOutput( group, levels, false, record, layout, name );
		}
		catch ( final ZarrException e )
		{
			throw new OutputException( "Cannot create output " + output + ": " + e.getMessage(), e );
		}
	}

	private static ZarrArray createLevel( final Path output, final OmeLayout layout, final int k, final OutputType type, final Compressor compressor )
	{
		final List< String > names = new ArrayList<>();
		for ( final OmeAxis a : layout.axes() )
			names.add( a.name() );
		return ZarrArray.create( output, Integer.toString( k ), ArraySpec.builder()
				.shape( layout.shape( k ) )
				.chunks( layout.chunks( k ) )
				.dataType( type.dataType() )
				.compressor( compressor )
				.fillValue( 0 )
				.zarrFormat( 2 )
				.dimensionSeparator( "/" )
				.attributes( Map.of( "_ARRAY_DIMENSIONS", names ) )
				.build() );
	}

	public ZarrArray level( final int k )
	{
		return levels.get( k );
	}

	public int levels()
	{
		return levels.size();
	}

	public Path path()
	{
		return group.path();
	}

	/** Whether an unfinished earlier run is being resumed. */
	public boolean resumed()
	{
		return resumed;
	}

	/** Records the run as complete, with its statistics and the channels' display windows: the last thing a run writes. */
	public void markComplete( final Map< String, Object > statistics, final double[][] windows )
	{
		final Map< String, Object > attributes = new LinkedHashMap<>( group.attributes() );
		attributes.put( "omero", OmeMetadata.omero( layout, name, windows ) );
		final Map< String, Object > done = new LinkedHashMap<>( record );
		done.put( "statistics", statistics );
		done.put( "complete", true );
		attributes.put( FeatureOutput.KEY, done );
		group.writeAttributes( attributes );
	}

	/** Whether {@code output} holds a complete run of this tool (one that a run without overwrite refuses to repeat). */
	public static boolean isComplete( final Path output )
	{
		final Map< String, Object > previous = Files.exists( output ) ? previousRecord( output ) : null;
		return previous != null && Boolean.TRUE.equals( previous.get( "complete" ) );
	}

	/** The record of an earlier run of this tool at {@code output} (in either layout), or null if it is not one. */
	static Map< String, Object > previousRecord( final Path output )
	{
		Map< String, Object > attributes;
		try
		{
			attributes = ZarrGroup.open( output, "" ).attributes();
		}
		catch ( final ZarrException e )
		{
			try
			{
				attributes = ZarrArray.open( output, "" ).attributes(); // an output of the seed layout
			}
			catch ( final ZarrException f )
			{
				return null;
			}
		}
		final Map< String, Object > record = attributes == null ? null : FeatureOutput.asMap( attributes.get( FeatureOutput.KEY ) );
		return record != null && record.get( "parameters" ) instanceof Map ? record : null;
	}
}
