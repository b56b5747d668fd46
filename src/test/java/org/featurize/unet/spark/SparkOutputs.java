package org.featurize.unet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.zarr.ZarrArray;

/** Comparisons of saved outputs, file by file and byte for byte. */
final class SparkOutputs
{
	private SparkOutputs()
	{}

	/**
	 * Two outputs hold the same files with the same bytes: every chunk and {@code .zarray}; of {@code .zattrs}
	 * (whose statistics and engine differ) the recorded parameters and completion. No partial write is left.
	 */
	static void assertSameOutput( final Path expected, final Path actual ) throws IOException
	{
		final Map< String, Path > a = files( expected ), b = files( actual );
		assertEquals( a.keySet(), b.keySet(), "the same files in " + expected + " and " + actual );
		assertTrue( a.size() > 3, "chunks were written: " + a.keySet() );
		for ( final String name : a.keySet() )
			if ( !name.equals( ".zattrs" ) )
				assertArrayEquals( Files.readAllBytes( a.get( name ) ), Files.readAllBytes( b.get( name ) ), "bytes of " + name );
		assertEquals( record( expected ).get( "parameters" ), record( actual ).get( "parameters" ) );
		assertEquals( true, record( actual ).get( "complete" ) );
	}

	/** The files of an output by name (chunk keys with "." or "/" separators), partial writes included. */
	static Map< String, Path > files( final Path dir ) throws IOException
	{
		final Map< String, Path > files = new TreeMap<>();
		try ( Stream< Path > s = Files.walk( dir ) )
		{
			s.filter( Files::isRegularFile ).forEach( f -> files.put( dir.relativize( f ).toString(), f ) );
		}
		return files;
	}

	/** The run record of an output ({@code .zattrs}, key "featurize"). */
	@SuppressWarnings( "unchecked" )
	static Map< String, Object > record( final Path output )
	{
		return ( Map< String, Object > ) ZarrArray.open( output, "" ).attributes().get( FeatureOutput.KEY );
	}

	/** The number of chunk files in an output (partial writes and metadata not counted). */
	static long chunks( final Path output ) throws IOException
	{
		if ( !Files.isDirectory( output ) )
			return 0;
		try ( Stream< Path > s = Files.list( output ) )
		{
			return s.filter( f -> !f.getFileName().toString().startsWith( "." ) ).count();
		}
	}
}
