package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/featurize --output-dir}: three inputs, one of them corrupt, in one run: the good ones' features equal
 * single runs', the corrupt one fails with its reason and the exit status says so; a rerun skips what is complete and
 * resumes what is not; a list naming a missing input, or two inputs with one output, is refused before anything is
 * written.
 */
class BatchRunTest
{
	static final String[] OPTIONS = { "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2" };

	/** Exit status, stdout, stderr of {@code bin/featurize OPTIONS args}. */
	static String[] featurize( final Object... args )
	{
		final List< String > all = new ArrayList<>( Arrays.asList( OPTIONS ) );
		for ( final Object a : args )
			all.add( a.toString() );
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int status = FeaturizeMain.run( all.toArray( String[]::new ), new PrintStream( out, true, StandardCharsets.UTF_8 ),
				new PrintStream( err, true, StandardCharsets.UTF_8 ) );
		return new String[] { Integer.toString( status ), out.toString( StandardCharsets.UTF_8 ), err.toString( StandardCharsets.UTF_8 ) };
	}

	/** The table's rows on stderr, each split into (input, output, status, seconds[, reason]); then its summary line last. */
	static List< String[] > table( final String stderr )
	{
		final List< String > lines = stderr.lines().toList();
		final int header = lines.indexOf( lines.stream().filter( l -> l.matches( "input +output +status +seconds +reason" ) ).findFirst()
				.orElseThrow( () -> new AssertionError( "no table on stderr:\n" + stderr ) ) );
		final List< String[] > rows = new ArrayList<>();
		for ( int i = header + 1; i < lines.size(); i++ )
		{
			rows.add( lines.get( i ).matches( "\\d+ inputs?: .*" ) ? new String[] { lines.get( i ) } : lines.get( i ).split( " {2,}", 5 ) );
			if ( rows.get( rows.size() - 1 ).length == 1 )
				break;
		}
		return rows;
	}

	static void assertRow( final String[] row, final Path input, final Path output, final String status, final String reason )
	{
		assertEquals( input.toString(), row[ 0 ], "input of " + Arrays.toString( row ) );
		assertEquals( output.toString(), row[ 1 ], "output of " + Arrays.toString( row ) );
		assertEquals( status, row[ 2 ], "status of " + Arrays.toString( row ) );
		assertTrue( row[ 3 ].matches( "\\d+\\.\\d" ), "seconds of " + Arrays.toString( row ) );
		assertEquals( reason, row.length > 4 ? row[ 4 ] : "", "reason of " + Arrays.toString( row ) );
	}

	/** A folder that looks like a Zarr array and is not one: its .zarray is cut short. */
	static Path corrupt( final Path dir ) throws Exception
	{
		final Path bad = Files.createDirectories( dir.resolve( "bad.zarr" ) );
		Files.writeString( bad.resolve( ".zarray" ), "{ \"zarr_format\": 2, \"shape\": [ 2, 3, 20" );
		return bad;
	}

	@Test
	void threeInputsOneCorruptThenARerun( @TempDir final Path dir ) throws Exception
	{
		final Path a = Fixtures.volume( dir, "a.zarr", 1, 1, 20, 28 ), b = Fixtures.volume( dir, "b.zarr", 1, 1, 8, 8 ), bad = corrupt( dir );
		final Path singleA = dir.resolve( "single-a.zarr" ), singleB = dir.resolve( "single-b.zarr" );
		assertEquals( "0", featurize( a, singleA )[ 0 ] );
		assertEquals( "0", featurize( b, singleB )[ 0 ] );

		final Path out = dir.resolve( "out" ), outA = out.resolve( "a-features.zarr" ), outB = out.resolve( "b-features.zarr" ),
				outBad = out.resolve( "bad-features.zarr" );
		final String[] run = featurize( "--output-dir", out, a, bad, b );
		assertEquals( "1", run[ 0 ], "one input failed:\n" + run[ 2 ] );
		Fixtures.assertSameChunks( singleA, outA );
		Fixtures.assertSameChunks( singleB, outB );
		assertFalse( Files.exists( outBad ), "nothing written for the corrupt input" );
		final List< String[] > rows = table( run[ 2 ] );
		assertEquals( 4, rows.size(), run[ 2 ] );
		assertRow( rows.get( 0 ), a, outA, "done", "" );
		assertEquals( bad.toString(), rows.get( 1 )[ 0 ] );
		assertEquals( "failed", rows.get( 1 )[ 2 ] );
		assertTrue( rows.get( 1 )[ 4 ].contains( bad.resolve( ".zarray" ).toString() ), "the reason names the broken file: " + rows.get( 1 )[ 4 ] );
		assertRow( rows.get( 2 ), b, outB, "done", "" );
		assertEquals( "3 inputs: 2 done, 0 skipped, 1 failed", rows.get( 3 )[ 0 ] );
		assertEquals( List.of( outA.toAbsolutePath().toString(), outB.toAbsolutePath().toString() ), run[ 1 ].lines().toList(),
				"stdout: the outputs written" );

		// a rerun: both complete outputs are skipped, the corrupt input fails again
		final String[] again = featurize( "--output-dir", out, a, bad, b );
		assertEquals( "1", again[ 0 ], again[ 2 ] );
		final List< String[] > rerun = table( again[ 2 ] );
		assertRow( rerun.get( 0 ), a, outA, "skipped", "complete already" );
		assertEquals( "failed", rerun.get( 1 )[ 2 ] );
		assertRow( rerun.get( 2 ), b, outB, "skipped", "complete already" );
		assertEquals( "3 inputs: 0 done, 2 skipped, 1 failed", rerun.get( 3 )[ 0 ] );

		// from a file of paths, without the corrupt one: an unfinished output is resumed, a complete one skipped, exit 0
		final Path zattrs = outB.resolve( ".zattrs" );
		final String attributes = Files.readString( zattrs );
		Files.writeString( zattrs, attributes.replaceFirst( "\"complete\"\\s*:\\s*true", "\"complete\" : false" ) );
		assertFalse( Files.readString( zattrs ).equals( attributes ), "b's output marked unfinished" );
		final Path list = Files.writeString( dir.resolve( "list.txt" ), "# the good ones\n" + a + "\n\n  " + b + "  \n" );
		final String[] listed = featurize( "--output-dir", out, "--inputs", list );
		assertEquals( "0", listed[ 0 ], listed[ 2 ] );
		final List< String[] > resumed = table( listed[ 2 ] );
		assertRow( resumed.get( 0 ), a, outA, "skipped", "complete already" );
		assertRow( resumed.get( 1 ), b, outB, "done", "" );
		assertEquals( "2 inputs: 1 done, 1 skipped, 0 failed", resumed.get( 2 )[ 0 ] );
		assertTrue( listed[ 2 ].contains( "Resuming " + outB ), listed[ 2 ] );
		Fixtures.assertSameChunks( singleB, outB );
	}

	@Test
	void badListsAreRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		final Path a = Fixtures.volume( dir, "a.zarr", 1, 1, 20, 28 ), out = dir.resolve( "out" );
		final Path missing = dir.resolve( "missing.zarr" );
		final Path list = Files.writeString( dir.resolve( "list.txt" ), "# inputs\n" + a + "\n" + missing + "\n" );
		assertRefused( featurize( "--output-dir", out, "--inputs", list ), out,
				"Input " + missing + " (" + list + " line 3) does not exist; nothing was written" );
		assertRefused( featurize( "--output-dir", out, a, missing ), out, "Input " + missing + " does not exist; nothing was written" );

		final Path x = Fixtures.volume( dir.resolve( "x" ), "in.zarr", 1, 1, 20, 28 ), y = Fixtures.volume( dir.resolve( "y" ), "in.zarr", 1, 1, 20, 28 );
		assertRefused( featurize( "--output-dir", out, x, a, y ), out, "Inputs " + x + " and " + y + " both map to output " + out.resolve( "in-features.zarr" )
				+ "; nothing was written (list each input once, or give --name a pattern with {name} that tells them apart)" );
		assertRefused( featurize( "--output-dir", out, "--name", "features.zarr", a, x ), out, "Inputs " + a + " and " + x + " both map to output "
				+ out.resolve( "features.zarr" ) + "; nothing was written (list each input once, or give --name a pattern with {name} that tells them apart)" );

		final String[] three = featurize( a, x, out );
		assertEquals( "2", three[ 0 ] );
		assertEquals( "featurize: error: Expected INPUT OUTPUT (two paths), found 3; for several inputs give --output-dir DIR (see featurize --help)",
				three[ 2 ].strip() );
		assertFalse( Files.exists( out ) );

		// --name chooses the outputs' names
		final String[] named = featurize( "--output-dir", out, "--name", "{name}.features.zarr", a );
		assertEquals( "0", named[ 0 ], named[ 2 ] );
		assertEquals( out.resolve( "a.features.zarr" ).toAbsolutePath().toString(), named[ 1 ].strip() );
	}

	static void assertRefused( final String[] run, final Path out, final String message )
	{
		assertEquals( "1", run[ 0 ], run[ 2 ] );
		assertEquals( "featurize: error: " + message, run[ 2 ].strip() );
		assertFalse( Files.exists( out ), "nothing written: " + out );
	}
}
