package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/featurize classify --classifier F --output-dir DIR IN...: a saved classifier applied to many inputs in one run,
 * each output what the same classifier writes for that input alone; a second run skips what is complete; a failed
 * input is passed over; what cannot be a batch (no classifier, one input's files, a damaged classifier, a missing
 * input) is refused before anything is written.
 */
class ClassifyBatchTest
{
	private static String[] classify( final String... args )
	{
		return ClassifyPartsTest.classify( args );
	}

	/** The input's values mirrored in x, as another input: other pixels, other classes. */
	private static Path mirrored( final Path dir, final Path input )
	{
		final ZarrArray a = ZarrArray.open( input, "" );
		final short[] v = ( short[] ) a.readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
		final short[] m = new short[ v.length ];
		for ( int row = 0; row < v.length / 28; row++ )
			for ( int x = 0; x < 28; x++ )
				m[ row * 28 + x ] = v[ row * 28 + 27 - x ];
		final Path out = dir.resolve( "mirrored.zarr" );
		ZarrArray.create( out, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 2, 3, 20, 28 ).dataType( DataType.UINT16 ).build() )
				.writeChunk( new long[ 4 ], m );
		return out;
	}

	private static byte[] classes( final Path out )
	{
		return ( byte[] ) ZarrArray.open( out, "" ).readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
	}

	@Test
	void aSavedClassifierIsAppliedToEachInputAsToItAlone( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path other = mirrored( dir, input ), file = dir.resolve( "c.json" );
		final String[] trained = classify( input.toString(), labels.toString(), dir.resolve( "trained.zarr" ).toString(), "--save-classifier",
				file.toString() );
		assertEquals( "0", trained[ 0 ], trained[ 2 ] );
		final Path aloneIn = dir.resolve( "alone-in.zarr" ), aloneOther = dir.resolve( "alone-other.zarr" );
		assertEquals( "0", classify( input.toString(), "--classifier", file.toString(), aloneIn.toString() )[ 0 ] );
		assertEquals( "0", classify( other.toString(), "--classifier", file.toString(), aloneOther.toString() )[ 0 ] );

		final Path out = dir.resolve( "out" );
		final String[] batch = classify( "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(), other.toString() );
		assertEquals( "0", batch[ 0 ], batch[ 2 ] );
		assertTrue( Arrays.equals( classes( aloneIn ), classes( out.resolve( "in-classes.zarr" ) ) ) );
		assertTrue( Arrays.equals( classes( aloneOther ), classes( out.resolve( "mirrored-classes.zarr" ) ) ) );
		assertFalse( Arrays.equals( classes( aloneIn ), classes( aloneOther ) ), "two inputs, two classifications" );
		assertTrue( batch[ 2 ].contains( "2 inputs: 2 done, 0 skipped, 0 failed" ), batch[ 2 ] );
		assertEquals( out.resolve( "in-classes.zarr" ).toAbsolutePath() + "\n" + out.resolve( "mirrored-classes.zarr" ).toAbsolutePath() + "\n",
				batch[ 1 ].replace( "\r\n", "\n" ) );

		// again, with an input that is no Zarr and a name pattern: the complete outputs skipped, the bad input failed, the rest done
		final Path bad = Files.createDirectories( dir.resolve( "bad.zarr" ) );
		final String[] again = classify( "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(), bad.toString(),
				other.toString() );
		assertEquals( "1", again[ 0 ], again[ 2 ] );
		assertTrue( again[ 2 ].contains( "3 inputs: 0 done, 2 skipped, 1 failed" ), again[ 2 ] );
		assertTrue( again[ 2 ].contains( "No Zarr array at " + bad ), again[ 2 ] );
		final String[] named = classify( "--classifier", file.toString(), "--output-dir", out.toString(), "--name", "{name}.labels.zarr",
				"--labels-ome", other.toString() );
		assertEquals( "0", named[ 0 ], named[ 2 ] );
		assertTrue( Arrays.equals( classes( aloneOther ), classes( out.resolve( "mirrored.labels.zarr/labels/classes/0" ) ) ) );
	}

	@Test
	void whatCannotBeABatchIsRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path out = dir.resolve( "out" ), file = dir.resolve( "c.json" );
		assertEquals( "0", classify( input.toString(), labels.toString(), dir.resolve( "t.zarr" ).toString(), "--save-classifier",
				file.toString() )[ 0 ] );
		final Path damaged = Files.writeString( dir.resolve( "damaged.json" ), "{\"format\": " );
		final String[][] cases = {
				{ "--output-dir", out.toString(), input.toString() },
				{ "--classifier", file.toString(), "--output-dir", out.toString(), "--probabilities", dir.resolve( "p.zarr" ).toString(),
						input.toString() },
				{ "--classifier", file.toString(), "--output-dir", out.toString(), "--save-classifier", dir.resolve( "s.json" ).toString(),
						input.toString() },
				{ "--classifier", damaged.toString(), "--output-dir", out.toString(), input.toString() },
				{ "--classifier", file.toString(), "--output-dir", out.toString(), input.toString(), dir.resolve( "missing.zarr" ).toString() },
				{ "--classifier", file.toString(), "--name", "{name}.zarr", input.toString(), dir.resolve( "o.zarr" ).toString() } };
		final String[] says = { "--output-dir applies a saved classifier to many inputs: give --classifier FILE",
				"--probabilities names one input's file: give it with IN --classifier F OUT, not with --output-dir",
				"--save-classifier names one input's file", damaged.toString(), "Input " + dir.resolve( "missing.zarr" ) + " does not exist; nothing was written",
				"--name needs --output-dir DIR" };
		for ( int i = 0; i < cases.length; i++ )
		{
			final String[] r = classify( cases[ i ] );
			assertEquals( "1", r[ 0 ], r[ 2 ] );
			assertTrue( r[ 2 ].contains( says[ i ] ), r[ 2 ] );
			assertFalse( Files.exists( out ) || Files.exists( dir.resolve( "o.zarr" ) ), "nothing written: " + String.join( " ", cases[ i ] ) );
		}
	}
}
