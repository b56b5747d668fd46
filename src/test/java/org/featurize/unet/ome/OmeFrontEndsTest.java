package org.featurize.unet.ome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.plugin.FeaturizeCommand;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** layout and levels under the same names in the command, the launcher's --run form and the plain command line. */
class OmeFrontEndsTest
{
	@Test
	void theThreeFrontEndsWriteTheSameOmeZarr( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), model = Fixtures.TINY_MODEL;
		final Path byCommand = dir.resolve( "command.zarr" ), byRun = dir.resolve( "run.zarr" ), byCli = dir.resolve( "cli.zarr" );
		try ( Context context = new Context( CommandService.class ) )
		{
			final Map< String, Object > args = new HashMap<>();
			args.put( "input", input.toFile() );
			args.put( "output", byCommand.toFile() );
			args.put( "model", model.toFile() );
			args.put( "layout", "ome" );
			args.put( "levels", 2 );
			final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
			assertFalse( module.isCanceled(), module.getCancelReason() );
		}
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final PrintStream errors = new PrintStream( err, true, StandardCharsets.UTF_8 );
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet",
				String.format( "input='%s',output='%s',model='%s',layout='ome',levels=2", input, byRun, model ) }, System.out, errors ), err::toString );
		assertEquals( 0, FeaturizeMain.run( new String[] { input.toString(), byCli.toString(), "--model", model.toString(), "--layout", "ome",
				"--levels", "2" }, System.out, errors ), err::toString );
		for ( final Path other : new Path[] { byRun, byCli } )
			for ( final String level : new String[] { "0", "1" } )
				assertArrayEquals( OmeOutputTest.all( ZarrArray.open( byCommand, level ) ), OmeOutputTest.all( ZarrArray.open( other, level ) ), 0f,
						other + " level " + level );
		assertEquals( OmeOutputTest.attributes( byCommand ).get( "multiscales" ).toString(),
				OmeOutputTest.attributes( byCli ).get( "multiscales" ).toString() );
	}
}
