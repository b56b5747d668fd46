package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.input.Region;
import org.featurize.unet.plugin.FeaturizeCommand;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/**
 * The part of the input chosen under the same names in the Fiji command, the launcher's --run form and the plain
 * command line: the same output, byte for byte; the same refusal, before anything is written.
 */
class SelectionFrontEndsTest
{
	/** Runs the three front ends with {@code command} (the Fiji command's parameters) and {@code cli} (the same, plain). */
	static void threeFrontEnds( final Path input, final Path dir, final Map< String, Object > command, final String[] cli ) throws Exception
	{
		final Path model = Fixtures.TINY_MODEL;
		try ( Context context = new Context( CommandService.class ) )
		{
			final Map< String, Object > args = new HashMap<>( command );
			args.put( "input", input.toFile() );
			args.put( "output", dir.resolve( "command.zarr" ).toFile() );
			args.put( "model", model.toFile() );
			args.put( "tile", "8" );
			final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
			assertFalse( module.isCanceled(), module.getCancelReason() );
		}
		final StringBuilder macro = new StringBuilder( String.format( "input='%s',output='%s',model='%s',tile='8'", input, dir.resolve( "run.zarr" ), model ) );
		command.forEach( ( k, v ) -> macro.append( ',' ).append( k ).append( "='" ).append( v ).append( '\'' ) );
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final PrintStream errors = new PrintStream( err, true, StandardCharsets.UTF_8 );
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet", macro.toString() }, System.out, errors ), err::toString );
		final String[] plain = new String[ cli.length + 6 ];
		plain[ 0 ] = input.toString();
		plain[ 1 ] = dir.resolve( "cli.zarr" ).toString();
		plain[ 2 ] = "--model";
		plain[ 3 ] = model.toString();
		plain[ 4 ] = "--tile";
		plain[ 5 ] = "8";
		System.arraycopy( cli, 0, plain, 6, cli.length );
		assertEquals( 0, FeaturizeMain.run( plain, System.out, errors ), err::toString );
		Fixtures.assertSameChunks( dir.resolve( "command.zarr" ), dir.resolve( "run.zarr" ) );
		Fixtures.assertSameChunks( dir.resolve( "command.zarr" ), dir.resolve( "cli.zarr" ) );
	}

	@Test
	void aRegionIsTheSameFromEveryFrontEnd( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		threeFrontEnds( input, dir, Map.of( "region", "1,0:2,3:17,5:" ), new String[] { "--region", "1,0:2,3:17,5:" } );
		assertEquals( java.util.List.of( 1, 2, 14, 23, 4 ), Files.exists( dir.resolve( "cli.zarr" ) )
				? java.util.Arrays.stream( org.featurize.unet.zarr.ZarrArray.open( dir.resolve( "cli.zarr" ), "" ).shape() ).boxed().map( Long::intValue ).toList()
				: null );
	}

	@Test
	void aChannelIsTheSameFromEveryFrontEnd( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.channels( dir, "cells.ome.zarr", true );
		threeFrontEnds( input, dir, Map.of( "channel", "all", "region", "0,1,:,:" ), new String[] { "--channel", "all", "--region", "0,1,:,:" } );
		assertEquals( "RFP_feature_03", ( ( java.util.List< ? > ) ChannelRunTest.record( dir.resolve( "run.zarr" ), "" ).get( "features" ) ).get( 11 ) );
		final Path gfp = dir.resolve( "gfp" );
		Files.createDirectories( gfp );
		threeFrontEnds( input, gfp, Map.of( "channel", "GFP" ), new String[] { "--channel", "GFP" } );
	}

	@Test
	void aDeclaredChannelAxisIsTheSameFromEveryFrontEnd( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.channels( dir, "cells.zarr", false, false ); // (t, c, z, y, x), no axis names
		threeFrontEnds( input, dir, Map.of( "channel_axis", "1", "channel", "2" ), new String[] { "--channel-axis", "1", "--channel", "2" } );
		final Map< ?, ? > parameters = ( Map< ?, ? > ) ChannelRunTest.record( dir.resolve( "cli.zarr" ), "" ).get( "parameters" );
		assertEquals( 1, parameters.get( "channel_axis" ) );
		assertEquals( 2, parameters.get( "channel" ) );
	}

	@Test
	void aLevelIsTheSameFromEveryFrontEnd( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.multiscale( dir, "pyramid.ome.zarr" );
		threeFrontEnds( input, dir, Map.of( "level", "1", "layout", "ome" ), new String[] { "--level", "1", "--layout", "ome" } );
		assertEquals( 1, ( ( Map< ?, ? > ) ChannelRunTest.record( dir.resolve( "cli.zarr" ), null ).get( "parameters" ) ).get( "level" ) );
	}

	@Test
	void aBadRegionIsRefusedByEveryFrontEnd( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		final String expected = "region \"0:3,:,:\" has 3 parts, but the input has 4 axes (t, z, y, x) of shape [2, 3, 20, 28]: give " + Region.SYNTAX;
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final PrintStream errors = new PrintStream( err, true, StandardCharsets.UTF_8 );
		assertEquals( 1, FeaturizeMain.run( new String[] { input.toString(), output.toString(), "--region", "0:3,:,:" }, System.out, errors ) );
		assertEquals( "featurize: error: " + expected, err.toString( StandardCharsets.UTF_8 ).lines().reduce( ( a, b ) -> b ).orElse( "" ) );
		err.reset();
		assertEquals( 1, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet", String.format( "input='%s',output='%s',region='0:3,:,:'",
				input, output ) }, System.out, errors ) );
		assertTrue( err.toString( StandardCharsets.UTF_8 ).contains( expected ), err::toString );
		try ( Context context = new Context( CommandService.class ) )
		{
			final Map< String, Object > args = new HashMap<>();
			args.put( "input", input.toFile() );
			args.put( "output", output.toFile() );
			args.put( "region", "0:3,:,:" );
			final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
			assertEquals( expected, module.getCancelReason() );
		}
		assertFalse( Files.exists( output ) );
	}
}
