package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.event.EventService;
import org.scijava.module.ModuleItem;
import org.scijava.task.TaskService;

import ij.measure.ResultsTable;

/**
 * Plugins &gt; Featurize &gt; UNet (Folder) through SciJava's CommandService: a folder's inputs each equal to
 * {@code bin/featurize} on it alone, a corrupt one reported in the results table and passed over, a rerun that skips
 * what is complete, and refusals before anything is written.
 */
class FeaturizeFolderCommandTest
{
	static Context context;

	@BeforeAll
	static void start()
	{
		context = new Context( CommandService.class, TaskService.class, EventService.class );
	}

	@AfterAll
	static void stop()
	{
		context.dispose();
	}

	/** A folder of two inputs, a corrupt one and a folder that is no input; returns {folder, a, b, bad}. */
	static Path[] folder( final Path dir ) throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) );
		final Path a = Fixtures.volume( in, "a.zarr", 1, 1, 20, 28 ), b = Fixtures.volume( in, "b.zarr", 1, 1, 8, 8 );
		final Path bad = Files.createDirectories( in.resolve( "bad.zarr" ) );
		Files.writeString( bad.resolve( ".zarray" ), "{ \"zarr_format\": 2, \"shape\": [ 2, 3, 20" );
		Files.createDirectories( in.resolve( "notes" ) );
		return new Path[] { in, a, b, bad };
	}

	/** {@code bin/featurize input output} with the tiny model and two threads. */
	static void single( final Path input, final Path output )
	{
		assertEquals( 0, FeaturizeMain.run( new String[] { input.toString(), output.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2" },
				System.out, new PrintStream( PrintStream.nullOutputStream() ) ) );
	}

	static CommandModule run( final Object... keysAndValues ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			args.put( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] );
		return context.service( CommandService.class ).run( FeaturizeFolderCommand.class, false, args ).get();
	}

	/** The results table as rows of (input, output, status, reason), and its seconds checked. */
	static List< List< String > > rows( final ResultsTable t )
	{
		assertEquals( List.of( "input", "output", "status", "seconds", "reason" ), List.of( t.getHeadings() ).subList( List.of( t.getHeadings() ).indexOf( "input" ),
				List.of( t.getHeadings() ).indexOf( "input" ) + 5 ) );
		final List< List< String > > rows = new ArrayList<>();
		for ( int i = 0; i < t.size(); i++ )
		{
			assertTrue( t.getValue( "seconds", i ) >= 0, "seconds of row " + i );
			rows.add( List.of( t.getStringValue( "input", i ), t.getStringValue( "output", i ), t.getStringValue( "status", i ), t.getStringValue( "reason", i ) ) );
		}
		return rows;
	}

	@Test
	void isOneMenuEntryWithMacroFriendlyParameters()
	{
		final CommandInfo info = context.service( CommandService.class ).getCommand( FeaturizeFolderCommand.class );
		assertEquals( "Plugins > Featurize > UNet (Folder)", info.getMenuPath().getMenuString() );
		assertEquals( "UNet (Folder)", info.getTitle() );
		final Map< String, Class< ? > > types = new HashMap<>();
		for ( final ModuleItem< ? > item : info.inputs() )
			if ( !item.getType().getName().startsWith( "org.scijava" ) )
			{
				types.put( item.getName(), item.getType() );
				assertFalse( item.isPersisted(), item.getName() + " must not persist between runs" );
			}
		for ( final String file : List.of( "input_folder", "input_list", "output_folder", "model" ) )
			assertEquals( File.class, types.get( file ), file );
		for ( final String text : List.of( "name", "dataset", "channel", "channel_axis", "level", "normalization", "tile", "halo", "chunk", "threads", "device", "precision", "output_type",
				"keep_bits", "rounding", "layout" ) )
			assertEquals( String.class, types.get( text ), text );
		assertEquals( boolean.class, types.get( "overwrite" ) );
		assertEquals( int.class, types.get( "levels" ) );
		assertEquals( ResultsTable.class, info.getOutput( "results" ).getType() );
	}

	@Test
	void aFolderIsFeaturizedInputByInputAndACorruptOneIsReported( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = folder( dir );
		final Path a = f[ 1 ], b = f[ 2 ], bad = f[ 3 ];
		final Path singleA = dir.resolve( "single-a.zarr" ), singleB = dir.resolve( "single-b.zarr" );
		single( a, singleA );
		single( b, singleB );

		final Path out = dir.resolve( "out" ), outA = out.resolve( "a-features.zarr" ), outB = out.resolve( "b-features.zarr" );
		final CommandModule module = run( "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(),
				"threads", "2" );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		Fixtures.assertSameChunks( singleA, outA );
		Fixtures.assertSameChunks( singleB, outB );
		assertFalse( Files.exists( out.resolve( "bad-features.zarr" ) ), "nothing written for the corrupt input" );
		final List< List< String > > rows = rows( ( ResultsTable ) module.getOutput( "results" ) );
		assertEquals( 3, rows.size(), rows::toString );
		assertEquals( List.of( a.toString(), outA.toString(), "done", "" ), rows.get( 0 ) );
		assertEquals( List.of( b.toString(), outB.toString(), "done", "" ), rows.get( 1 ) );
		assertEquals( List.of( bad.toString(), out.resolve( "bad-features.zarr" ).toString(), "failed" ), rows.get( 2 ).subList( 0, 3 ), "sorted by name" );
		assertTrue( rows.get( 2 ).get( 3 ).contains( bad.resolve( ".zarray" ).toString() ), "the reason names the broken file: " + rows.get( 2 ).get( 3 ) );

		// a list of the good ones, another pattern for one and the folder's for the rest: complete outputs are skipped
		final Path list = Files.writeString( dir.resolve( "list.txt" ), "# good ones\n" + a + "\n" + b + "\n" );
		final CommandModule again = run( "input_list", list.toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "threads", "2" );
		assertFalse( again.isCanceled(), again.getCancelReason() );
		assertEquals( List.of( List.of( a.toString(), outA.toString(), "skipped", "complete already" ),
				List.of( b.toString(), outB.toString(), "skipped", "complete already" ) ), rows( ( ResultsTable ) again.getOutput( "results" ) ) );
		final Path only = Files.writeString( dir.resolve( "only.txt" ), a + "\n" );
		final CommandModule named = run( "input_list", only.toFile(), "output_folder", out.toFile(), "name", "{name}.f.zarr", "model",
				Fixtures.TINY_MODEL.toFile(), "threads", "2" );
		assertEquals( List.of( List.of( a.toString(), out.resolve( "a.f.zarr" ).toString(), "done", "" ) ), rows( ( ResultsTable ) named.getOutput( "results" ) ) );
		Fixtures.assertSameChunks( singleA, out.resolve( "a.f.zarr" ) );
	}

	@Test
	void aChannelOfEachInputIsChosenByNameOrByADeclaredAxis( @TempDir final Path dir ) throws Exception
	{
		// an OME-Zarr input whose channels are named, and a plain (t, c, z, y, x) array without axis names
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), made = Files.createDirectories( dir.resolve( "made" ) );
		final Path ome = Files.move( Fixtures.channels( made, "cells.ome.zarr", true ), in.resolve( "cells.ome.zarr" ) );
		final Path plain = Files.move( Fixtures.channels( made, "plain.zarr", false, false ), in.resolve( "plain.zarr" ) );
		final Path singleOme = dir.resolve( "single-ome.zarr" ), singlePlain = dir.resolve( "single-plain.zarr" );
		assertEquals( 0, FeaturizeMain.run( new String[] { ome.toString(), singleOme.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2",
				"--channel", "2" }, System.out, new PrintStream( PrintStream.nullOutputStream() ) ) );
		assertEquals( 0, FeaturizeMain.run( new String[] { plain.toString(), singlePlain.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads",
				"2", "--channel", "2", "--channel-axis", "1" }, System.out, new PrintStream( PrintStream.nullOutputStream() ) ) );
		final Path out = dir.resolve( "out" );
		final CommandModule module = run( "input_folder", in.toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(),
				"threads", "2", "channel", "2", "channel_axis", "1" );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		final List< List< String > > rows = rows( ( ResultsTable ) module.getOutput( "results" ) );
		assertEquals( List.of( "done", "done" ), rows.stream().map( r -> r.get( 2 ) ).toList(), rows::toString );
		Fixtures.assertSameChunks( singleOme, out.resolve( "cells.ome-features.zarr" ) );
		Fixtures.assertSameChunks( singlePlain, out.resolve( "plain-features.zarr" ) );
	}

	@Test
	void cancellingTheTaskEndsTheBatchAtItsInputAndARerunResumes( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = folder( dir );
		final Path out = dir.resolve( "out" ), outA = out.resolve( "a-features.zarr" );
		final Object[] args = { "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "tile", "4",
				"chunk", "4", "threads", "1" };
		final FeaturizeCommandTest.CancelOnProgress canceller = new FeaturizeCommandTest.CancelOnProgress();
		final var subscribed = context.service( EventService.class ).subscribe( canceller );
		final CommandModule first;
		try
		{
			first = run( args );
		}
		finally
		{
			context.service( EventService.class ).unsubscribe( subscribed );
		}
		assertTrue( first.isCanceled(), "the batch stopped" );
		assertEquals( "Cancelled at " + f[ 1 ] + ": 2 input(s) not started", first.getCancelReason() );
		assertEquals( List.of( List.of( f[ 1 ].toString(), outA.toString(), "failed", "cancelled" ) ), rows( ( ResultsTable ) first.getOutput( "results" ) ) );
		assertFalse( Files.exists( out.resolve( "b-features.zarr" ) ), "b not started" );

		final CommandModule second = run( args );
		assertFalse( second.isCanceled(), second.getCancelReason() );
		final List< List< String > > rows = rows( ( ResultsTable ) second.getOutput( "results" ) );
		assertEquals( List.of( "done", "done", "failed" ), rows.stream().map( r -> r.get( 2 ) ).toList() );
		final Path single = dir.resolve( "single-a.zarr" );
		assertEquals( 0, FeaturizeMain.run( new String[] { f[ 1 ].toString(), single.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--tile", "4",
				"--chunk", "4", "--threads", "1" }, System.out, new PrintStream( PrintStream.nullOutputStream() ) ) );
		Fixtures.assertSameChunks( single, outA );
	}

	@Test
	void badFoldersListsAndParametersAreRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = folder( dir );
		final Path out = dir.resolve( "out" ), missing = dir.resolve( "missing.zarr" );
		final Path list = Files.writeString( dir.resolve( "list.txt" ), f[ 1 ] + "\n" + missing + "\n" );
		final Object[][] cases = {
				{ "No inputs given: choose an input folder (input_folder), or a list file of input paths (input_list)",
						new Object[] { "output_folder", out.toFile() } },
				{ "No output folder given (output_folder)", new Object[] { "input_folder", f[ 0 ].toFile() } },
				{ "Input " + missing + " (" + list + " line 2) does not exist; nothing was written",
						new Object[] { "input_list", list.toFile(), "output_folder", out.toFile() } },
				{ "Input folder " + f[ 0 ].resolve( "notes" ) + " holds no .zarr, .n5, .h5, .hdf5 or .ims inputs; nothing was written",
						new Object[] { "input_folder", f[ 0 ].resolve( "notes" ).toFile(), "output_folder", out.toFile() } },
				{ "The output folder is the input folder " + f[ 0 ] + ": its outputs would be taken for inputs by the next run; choose another output folder",
						new Object[] { "input_folder", f[ 0 ].toFile(), "output_folder", f[ 0 ].toFile() } },
				{ "tile must be a positive number of pixels, got 0", new Object[] { "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "tile", "0" } },
				{ "Inputs " + f[ 1 ] + " and " + f[ 2 ] + " both map to output " + out.resolve( "features.zarr" )
						+ "; nothing was written (list each input once, or give --name a pattern with {name} that tells them apart)",
						new Object[] { "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "name", "features.zarr" } } };
		for ( final Object[] c : cases )
		{
			final CommandModule module = run( ( Object[] ) c[ 1 ] );
			assertTrue( module.isCanceled(), ( String ) c[ 0 ] );
			assertEquals( c[ 0 ], module.getCancelReason() );
			assertEquals( null, module.getOutput( "results" ) );
		}
		assertFalse( Files.exists( out ), "nothing written" );
		assertEquals( List.of( "a.zarr", "b.zarr", "bad.zarr", "notes" ), Files.list( f[ 0 ] ).map( p -> p.getFileName().toString() ).sorted().toList(),
				"nothing written into the input folder" );
	}
}
