package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.featurize.unet.FeaturizeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Batch} with runners of its own: the runner gets each input's validated request in order, a failure is its
 * row's reason, a cancellation ends the batch at its input; a folder's {@code .zarr} entries are its inputs, by name.
 */
class BatchTest
{
	static List< Path > inputs( final Path dir, final String... names ) throws Exception
	{
		final List< Path > paths = new ArrayList<>();
		for ( final String n : names )
			paths.add( Files.createDirectories( dir.resolve( n ) ) );
		return paths;
	}

	@Test
	void theRunnerGetsEachRequestAFailureIsItsReasonACancellationEndsTheBatch( @TempDir final Path dir ) throws Exception
	{
		final List< Batch.Item > items = Batch.plan( inputs( dir, "a.zarr", "b.zarr", "c.zarr", "d.zarr" ), dir.resolve( "out" ), null );
		final List< String > ran = new ArrayList<>(), log = new ArrayList<>();
		final List< Batch.Row > rows = new Batch( log::add ).run( items, i -> FeaturizeRequest.of( i.input() ).output( i.output() ).halo( 16 ),
				request -> {
					ran.add( request.input().getFileName() + " -> " + request.output().getFileName() + " halo " + request.haloGiven() );
					if ( request.input().endsWith( "b.zarr" ) )
						throw new FeaturizeException( "b is broken" );
					if ( request.input().endsWith( "c.zarr" ) )
						throw new CancellationException( "Cancelled" );
				} );
		assertEquals( List.of( "a.zarr -> a-features.zarr halo 16", "b.zarr -> b-features.zarr halo 16", "c.zarr -> c-features.zarr halo 16" ), ran,
				"d is not started after c was cancelled" );
		assertEquals( 3, rows.size() );
		assertEquals( List.of( Batch.Status.DONE, Batch.Status.FAILED, Batch.Status.FAILED ), rows.stream().map( Batch.Row::status ).toList() );
		assertEquals( List.of( "", "b is broken", "cancelled" ), rows.stream().map( Batch.Row::reason ).toList() );
		assertEquals( "Cancelled: " + items.get( 2 ).input() + " (1 input(s) not started)", log.get( log.size() - 1 ) );
		assertEquals( "3 inputs: 1 done, 0 skipped, 2 failed", Batch.table( rows ).lines().reduce( ( x, y ) -> y ).orElseThrow() );
	}

	@Test
	void aBadSharedParameterIsRefusedBeforeAnyRun( @TempDir final Path dir ) throws Exception
	{
		final List< Batch.Item > items = Batch.plan( inputs( dir, "a.zarr", "b.zarr" ), dir.resolve( "out" ), null );
		final List< Path > ran = new ArrayList<>();
		final FeaturizeException e = assertThrows( FeaturizeException.class,
				() -> new Batch( s -> {} ).run( items, i -> FeaturizeRequest.of( i.input() ).output( i.output() ).tile( -1 ), r -> ran.add( r.input() ) ) );
		assertEquals( "tile must be a positive number of pixels, got -1", e.getMessage() );
		assertEquals( List.of(), ran );
	}

	@Test
	void aFoldersInputsAreItsZarrEntriesByName( @TempDir final Path dir ) throws Exception
	{
		inputs( dir, "b.zarr", "A.ZARR", "notes", "c.zarr" );
		Files.writeString( dir.resolve( "file.zarr" ), "not a folder" );
		assertEquals( List.of( dir.resolve( "A.ZARR" ), dir.resolve( "b.zarr" ), dir.resolve( "c.zarr" ) ), Batch.listFolder( dir ) );
		assertEquals( "Input folder " + dir.resolve( "notes" ) + " holds no .zarr, .n5, .h5, .hdf5 or .ims inputs; nothing was written",
				assertThrows( FeaturizeException.class, () -> Batch.listFolder( dir.resolve( "notes" ) ) ).getMessage() );
		assertEquals( "Input folder " + dir.resolve( "none" ) + " does not exist or is not a folder; nothing was written",
				assertThrows( FeaturizeException.class, () -> Batch.listFolder( dir.resolve( "none" ) ) ).getMessage() );
	}
}
