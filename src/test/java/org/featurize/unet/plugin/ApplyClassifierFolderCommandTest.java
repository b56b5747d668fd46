package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
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
 * Plugins &gt; Featurize &gt; Apply Classifier (Folder) through SciJava's CommandService: each input of a folder
 * classified as {@code bin/featurize classify IN --classifier F OUT} classifies it alone, a corrupt one reported in the
 * results table and passed over, a rerun that skips what is complete, and refusals before anything is written.
 */
class ApplyClassifierFolderCommandTest
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

	static CommandModule run( final Object... keysAndValues ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			args.put( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] );
		return context.service( CommandService.class ).run( ApplyClassifierFolderCommand.class, false, args ).get();
	}

	/** {@code bin/featurize classify input --classifier file output} with the tiny model and two threads. */
	static void single( final Path input, final Path classifier, final Path output )
	{
		ClassifierCommandsTest.featurize( "classify", input.toString(), "--classifier", classifier.toString(), output.toString(), "--model",
				Fixtures.TINY_MODEL.toString(), "--threads", "2" );
	}

	@Test
	void isOneMenuEntryWithMacroFriendlyParameters()
	{
		final CommandInfo info = context.service( CommandService.class ).getCommand( ApplyClassifierFolderCommand.class );
		assertEquals( "Plugins > Featurize > Apply Classifier (Folder)", info.getMenuPath().getMenuString() );
		assertEquals( "Apply Classifier (Folder)", info.getTitle() );
		final Map< String, Class< ? > > types = new HashMap<>();
		for ( final ModuleItem< ? > item : info.inputs() )
			if ( !item.getType().getName().startsWith( "org.scijava" ) )
			{
				types.put( item.getName(), item.getType() );
				assertFalse( item.isPersisted(), item.getName() + " must not persist between runs" );
			}
		for ( final String file : List.of( "classifier", "input_folder", "input_list", "output_folder", "model" ) )
			assertEquals( File.class, types.get( file ), file );
		for ( final String text : List.of( "name", "dataset", "channel", "channel_axis", "level", "tile", "halo", "chunk", "threads", "device",
				"precision", "output_type" ) )
			assertEquals( String.class, types.get( text ), text );
		assertEquals( boolean.class, types.get( "overwrite" ) );
		assertEquals( ResultsTable.class, info.getOutput( "results" ).getType() );
	}

	@Test
	void aFolderIsClassifiedInputByInputAndACorruptOneIsReported( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = FeaturizeFolderCommandTest.folder( dir );
		final Path a = f[ 1 ], b = f[ 2 ], bad = f[ 3 ];
		ClassifierCommandsTest.cli( dir, a );
		final Path classifier = dir.resolve( "cli.json" );
		final Path singleA = dir.resolve( "single-a.zarr" ), singleB = dir.resolve( "single-b.zarr" );
		single( a, classifier, singleA );
		single( b, classifier, singleB );

		final Path out = dir.resolve( "out" ), outA = out.resolve( "a-classes.zarr" ), outB = out.resolve( "b-classes.zarr" );
		final CommandModule module = run( "classifier", classifier.toFile(), "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "model",
				Fixtures.TINY_MODEL.toFile(), "threads", "2" );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		Fixtures.assertSameLabels( singleA, outA );
		Fixtures.assertSameLabels( singleB, outB );
		assertFalse( Files.exists( out.resolve( "bad-classes.zarr" ) ), "nothing written for the corrupt input" );
		final List< List< String > > rows = FeaturizeFolderCommandTest.rows( ( ResultsTable ) module.getOutput( "results" ) );
		assertEquals( 3, rows.size(), rows::toString );
		assertEquals( List.of( a.toString(), outA.toString(), "done", "" ), rows.get( 0 ) );
		assertEquals( List.of( b.toString(), outB.toString(), "done", "" ), rows.get( 1 ) );
		assertEquals( List.of( bad.toString(), out.resolve( "bad-classes.zarr" ).toString(), "failed" ), rows.get( 2 ).subList( 0, 3 ) );
		assertTrue( rows.get( 2 ).get( 3 ).contains( bad.resolve( ".zarray" ).toString() ), "the reason names the broken file: " + rows.get( 2 ).get( 3 ) );

		// the good ones from a list: complete outputs are skipped; another pattern writes again
		final Path list = Files.writeString( dir.resolve( "list.txt" ), a + "\n" + b + "\n" );
		final CommandModule again = run( "classifier", classifier.toFile(), "input_list", list.toFile(), "output_folder", out.toFile(), "model",
				Fixtures.TINY_MODEL.toFile(), "threads", "2" );
		assertEquals( List.of( List.of( a.toString(), outA.toString(), "skipped", "complete already" ),
				List.of( b.toString(), outB.toString(), "skipped", "complete already" ) ),
				FeaturizeFolderCommandTest.rows( ( ResultsTable ) again.getOutput( "results" ) ) );
		final CommandModule named = run( "classifier", classifier.toFile(), "input_list", list.toFile(), "output_folder", out.toFile(), "name",
				"{name}.labels.zarr", "model", Fixtures.TINY_MODEL.toFile(), "threads", "2", "output_type", "uint16" );
		assertFalse( named.isCanceled(), named.getCancelReason() );
		final ZarrArray eight = ZarrArray.open( singleB, "" ), sixteen = ZarrArray.open( out.resolve( "b.labels.zarr" ), "" );
		assertEquals( DataType.UINT16, sixteen.dataType() );
		final byte[] expected = ( byte[] ) eight.readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
		final short[] actual = ( short[] ) sixteen.readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
		for ( int i = 0; i < expected.length; i++ )
			assertEquals( expected[ i ], actual[ i ], "pixel " + i );
	}

	@Test
	void badClassifiersFoldersAndParametersAreRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = FeaturizeFolderCommandTest.folder( dir );
		ClassifierCommandsTest.cli( dir, f[ 1 ] );
		final Path classifier = dir.resolve( "cli.json" ), out = dir.resolve( "out" );
		final Path damaged = Files.writeString( dir.resolve( "damaged.json" ), "{ \"format\": " );
		final Object[][] cases = {
				{ "No classifier given: classifier must be a file saved by Pixel Classifier or bin/featurize classify",
						new Object[] { "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile() } },
				{ damaged.toString(), new Object[] { "classifier", damaged.toFile(), "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile() } },
				{ "No inputs given: choose an input folder (input_folder), or a list file of input paths (input_list)",
						new Object[] { "classifier", classifier.toFile(), "output_folder", out.toFile() } },
				{ "The output folder is the input folder " + f[ 0 ] + ": its outputs would be taken for inputs by the next run; choose another output folder",
						new Object[] { "classifier", classifier.toFile(), "input_folder", f[ 0 ].toFile(), "output_folder", f[ 0 ].toFile() } },
				{ "tile must be a positive number of pixels, got 0",
						new Object[] { "classifier", classifier.toFile(), "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "tile", "0" } },
				{ "Label output type must be uint8, uint16 or uint32, got float32", new Object[] { "classifier", classifier.toFile(), "input_folder",
						f[ 0 ].toFile(), "output_folder", out.toFile(), "output_type", "float32" } } };
		for ( final Object[] c : cases )
		{
			final CommandModule module = run( ( Object[] ) c[ 1 ] );
			assertTrue( module.isCanceled(), ( String ) c[ 0 ] );
			assertTrue( module.getCancelReason().contains( ( String ) c[ 0 ] ), module.getCancelReason() );
			assertEquals( null, module.getOutput( "results" ) );
		}
		assertFalse( Files.exists( out ), "nothing written" );
	}
}
