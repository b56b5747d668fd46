package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;
import org.scijava.task.event.TaskEvent;

import net.imglib2.RandomAccessibleInterval;

/** The command through SciJava's CommandService, as Fiji and scripts run it. */
class FeaturizeCommandTest
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

	@Test
	void isOneMenuEntryWithMacroFriendlyParameters()
	{
		final CommandInfo info = context.service( CommandService.class ).getCommand( FeaturizeCommand.class );
		assertEquals( "Plugins > Featurize > UNet", info.getMenuPath().getMenuString() );
		assertEquals( "UNet", info.getTitle() );
		final Map< String, Class< ? > > types = new HashMap<>();
		for ( final ModuleItem< ? > item : info.inputs() )
			if ( !item.getType().getName().startsWith( "org.scijava" ) )
			{
				types.put( item.getName(), item.getType() );
				assertFalse( item.isPersisted(), item.getName() + " must not persist between runs" );
			}
		assertEquals( File.class, types.get( "input" ) );
		assertEquals( File.class, types.get( "model" ) );
		assertEquals( File.class, types.get( "output" ) );
		assertEquals( String.class, types.get( "dataset" ) );
		// numbers whose default depends on the input or the model: text, empty for that default (see FijiCommand)
		assertEquals( String.class, types.get( "tile" ) );
		assertEquals( String.class, types.get( "halo" ) );
		assertEquals( String.class, types.get( "chunk" ) );
		assertEquals( String.class, types.get( "threads" ) );
		assertEquals( String.class, types.get( "keep_bits" ) );
		assertEquals( String.class, types.get( "preview_plane" ) );
		assertEquals( String.class, types.get( "normalization" ) );
		assertEquals( String.class, types.get( "output_type" ) );
		assertEquals( String.class, types.get( "rounding" ) );
		assertEquals( boolean.class, types.get( "overwrite" ) );
		assertEquals( 1, context.service( CommandService.class ).getCommands().stream()
				.filter( c -> c.getMenuPath() != null && c.getMenuPath().getLeaf() != null && "UNet".equals( c.getMenuPath().getLeaf().getName() ) ).count() );
	}

	@Test
	void runsAndReturnsTheLazyImage( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		final Map< String, Object > args = new HashMap<>();
		args.put( "input", input.toFile() );
		args.put( "output", output.toFile() );
		args.put( "model", Fixtures.TINY_MODEL.toFile() );
		args.put( "threads", 2 );
		args.put( "rounding", "value" );
		final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertFalse( module.isCanceled(), module.getCancelReason() );
		final RandomAccessibleInterval< ? > features = ( RandomAccessibleInterval< ? > ) module.getOutput( "features" );
		assertArrayEquals( new long[] { 28, 20, 4, 3, 2 }, features.dimensionsAsLongArray() );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 4 }, ZarrArray.open( output, "" ).shape() );
		final Map< ?, ? > record = ( Map< ?, ? > ) ZarrArray.open( output, "" ).attributes().get( "featurize" );
		assertEquals( "value", ( ( Map< ?, ? > ) record.get( "parameters" ) ).get( "rounding" ) );
	}

	@Test
	void aBadParameterCancelsWithTheReason( @TempDir final Path dir ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		args.put( "input", Fixtures.volume( dir ).toFile() );
		args.put( "output", dir.resolve( "o.zarr" ).toFile() );
		args.put( "model", Fixtures.TINY_MODEL.toFile() );
		args.put( "tile", 0 );
		final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertTrue( module.isCanceled() );
		assertEquals( "tile must be a positive number of pixels, got 0", module.getCancelReason() );
		assertNull( module.getOutput( "features" ) );
	}

	@Test
	void aDisplayThatCannotHappenIsRefusedBeforeAnyCompute( @TempDir final Path dir ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		args.put( "input", Fixtures.volume( dir ).toFile() );
		args.put( "output", dir.resolve( "o.zarr" ).toFile() );
		args.put( "model", Fixtures.TINY_MODEL.toFile() );
		args.put( "display", "ImageJ" );
		final CommandModule module = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertTrue( module.isCanceled() );
		assertEquals( "display=ImageJ needs a screen, and this runs headless; use display=none", module.getCancelReason() );
		assertFalse( dir.resolve( "o.zarr" ).toFile().exists() );
	}

	/** Cancels the first task that reports progress, as a user pressing its cancel button in Fiji's task list. */
	public static final class CancelOnProgress
	{
		volatile Task cancelled;

		@EventHandler
		public void onTask( final TaskEvent e )
		{
			final Task t = e.getTask();
			if ( cancelled == null && t.getProgressValue() > 0 )
			{
				cancelled = t;
				t.cancel( "cancelled by the user" );
			}
		}
	}

	@Test
	void cancellingTheTaskStopsTheRunAndARerunResumes( @TempDir final Path dir ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		args.put( "input", Fixtures.volume( dir ).toFile() );
		args.put( "output", dir.resolve( "o.zarr" ).toFile() );
		args.put( "model", Fixtures.TINY_MODEL.toFile() );
		args.put( "tile", 4 );
		args.put( "chunk", 4 );
		args.put( "threads", 1 );
		final CancelOnProgress canceller = new CancelOnProgress();
		context.service( EventService.class ).subscribe( canceller );
		final CommandModule first = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertTrue( first.isCanceled(), "the run stopped" );
		assertTrue( first.getCancelReason().startsWith( "Cancelled after " ) && first.getCancelReason().contains( "of 6 planes" ),
				first.getCancelReason() );
		final long kept;
		try ( var files = java.nio.file.Files.list( dir.resolve( "o.zarr" ) ) )
		{
			kept = files.filter( f -> !f.getFileName().toString().startsWith( "." ) ).count();
		}
		assertTrue( kept >= 35 && kept < 6 * 35, "finished chunks stay: " + kept );
		final CommandModule second = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertFalse( second.isCanceled(), second.getCancelReason() );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 4 }, ZarrArray.open( dir.resolve( "o.zarr" ), "" ).shape() );
	}
}
