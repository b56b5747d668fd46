package org.featurize.unet.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy reader and writer, against files numpy writes and reads. */
class NpyTest
{
	static final Path SCRIPT = External.projectDir().resolve( "src/test/python/bioimageio_reference.py" );

	@Test
	void readsWhatNumpyWritesInEveryDtypeAndOrder( @TempDir final Path dir ) throws Exception
	{
		final Path python = External.python();
		External.run( List.of( python.toString(), SCRIPT.toString(), "npy", dir.toString() ), null, Duration.ofMinutes( 1 ) );
		for ( final String name : new String[] { "f8", "f2", "i2_big", "u1", "f4_fortran", "bool" } )
		{
			final Npy.Array a = Npy.read( dir.resolve( name + ".npy" ) );
			assertArrayEquals( new long[] { 2, 3, 4 }, a.shape, name );
			final double[] expected = Files.readAllLines( dir.resolve( name + ".txt" ) ).stream().mapToDouble( Double::parseDouble ).toArray();
			for ( int i = 0; i < expected.length; i++ )
				assertEquals( ( float ) expected[ i ], a.data[ i ], 0, name + " at " + i );
		}
	}

	@Test
	void writesWhatItReadsAndNumpyReadsIt( @TempDir final Path dir ) throws Exception
	{
		final float[] values = { 1.5f, -2, Float.NaN, 4, 5, 6 };
		Npy.write( dir.resolve( "a.npy" ), new long[] { 1, 2, 3 }, values );
		final Npy.Array back = Npy.read( dir.resolve( "a.npy" ) );
		assertArrayEquals( new long[] { 1, 2, 3 }, back.shape );
		assertArrayEquals( values, back.data );
		assertEquals( 0, ( Files.size( dir.resolve( "a.npy" ) ) - 4 * values.length ) % 64, "header padded to a multiple of 64 bytes" );
		final String read = External.run( List.of( External.python().toString(), "-c",
				"import numpy as np, sys; a = np.load(sys.argv[1]); print(a.dtype, a.shape, np.nansum(a), a.flags['C_CONTIGUOUS'])",
				dir.resolve( "a.npy" ).toString() ), null, Duration.ofMinutes( 1 ) );
		assertEquals( "float32 (1, 2, 3) 14.5 True", read.strip() );
	}

	@Test
	void refusesWhatIsNotNpy( @TempDir final Path dir ) throws Exception
	{
		Files.writeString( dir.resolve( "x.npy" ), "not numpy" );
		final BioimageioException e = assertThrows( BioimageioException.class, () -> Npy.read( dir.resolve( "x.npy" ) ) );
		assertTrue( e.getMessage().contains( "is not a .npy file" ), e.getMessage() );
	}
}
