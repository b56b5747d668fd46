package org.featurize.unet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.input.InputException;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * channel=: one channel of a multi-channel input is that channel featurized as an image of its own; channel=all is
 * each channel's features one after the other (indexed in Python's numpy), named {@code <channel>_feature_NN}; a
 * channel that does not exist is refused, with the channels listed.
 */
class ChannelRunTest
{
	static final Path TINY = Fixtures.TINY_MODEL;

	static FeaturizeRequest request( final Path input, final Path output )
	{
		return FeaturizeRequest.of( input ).output( output ).model( TINY ).threads( 2 ).tile( 12 ).chunk( 12 ).normalization( "percentile" );
	}

	static void run( final FeaturizeRequest request )
	{
		new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > record( final Path output, final String array )
	{
		final Map< String, Object > attributes = array == null ? ZarrGroup.open( output, "" ).attributes() : ZarrArray.open( output, array ).attributes();
		return ( Map< String, Object > ) attributes.get( FeatureOutput.KEY );
	}

	/**
	 * Python: the largest difference between features {@code 4c..4c+3} of {@code all} (its channel axis at {@code axis})
	 * and {@code alone} (seed layout).
	 */
	static String python( final Path all, final Path alone, final int c, final int axis )
	{
		return External.run( List.of( External.python().toString(), "-c", String.join( "\n",
				"import sys, zarr, numpy as np",
				"a = zarr.open(sys.argv[1], mode='r')[...]",
				"b = zarr.open(sys.argv[2], mode='r')[...]",
				"c, axis = int(sys.argv[3]), int(sys.argv[4])",
				"part = np.moveaxis(np.take(a, range(4 * c, 4 * c + 4), axis=axis), axis, -1)  # as the seed layout: (t, z, y, x, c)",
				"print(list(a.shape), part.shape == b.shape, float(np.abs(part - b).max()), float(np.abs(b).max()) > 0.1)" ),
				all.toString(), alone.toString(), Integer.toString( c ), Integer.toString( axis ) ), null, Duration.ofMinutes( 2 ) ).trim();
	}

	@Test
	void eachChannelIsThatChannelFeaturizedAlone( @TempDir final Path dir ) throws Exception
	{
		External.python();
		final Path ome = Fixtures.channels( dir, "cells.ome.zarr", true ), all = dir.resolve( "all.zarr" ), allOme = dir.resolve( "all.ome.zarr" );
		run( request( ome, all ).channel( "all" ) );
		run( request( ome, allOme ).channel( "ALL" ).layout( "ome" ) );
		for ( int c = 0; c < 3; c++ )
		{
			final Path one = dir.resolve( "one-" + c + ".zarr" ), alone = dir.resolve( "alone-out-" + c + ".zarr" );
			run( request( ome, one ).channel( c == 1 ? "GFP" : Integer.toString( c ) ) ); // by name or by index
			run( request( Fixtures.channelAlone( dir, c ), alone ) );
			Fixtures.assertSameChunks( alone, one ); // one channel of the image: that channel as an image of its own
			assertEquals( c, FeaturizerTest.parameters( one ).get( "channel" ) );
			assertEquals( "[2, 3, 20, 28, 12] True 0.0 True", python( all, alone, c, 4 ), "channel " + c + " of all, seed layout" );
			assertEquals( "[2, 12, 3, 20, 28] True 0.0 True", python( allOme.resolve( "0" ), alone, c, 1 ),
					"channel " + c + " of all, OME layout" );
		}
		final List< String > names = new ArrayList<>();
		for ( final String l : Fixtures.CHANNEL_LABELS )
			for ( int k = 0; k < 4; k++ )
				names.add( String.format( "%s_feature_%02d", l, k ) );
		assertEquals( names, record( all, "" ).get( "features" ) );
		assertEquals( "all", FeaturizerTest.parameters( all ).get( "channel" ) );
		final List< String > labels = new ArrayList<>();
		for ( final Object channel : ( List< ? > ) ( ( Map< ?, ? > ) ZarrGroup.open( allOme, "" ).attributes().get( "omero" ) ).get( "channels" ) )
			labels.add( ( String ) ( ( Map< ?, ? > ) channel ).get( "label" ) );
		assertEquals( names, labels );
		// percentiles per channel, each that channel's own
		@SuppressWarnings( "unchecked" )
		final List< Object > perChannel = ( List< Object > ) ( ( Map< String, Object > ) FeaturizerTest.parameters( all ).get( "normalization" ) ).get( "channels" );
		assertEquals( 3, perChannel.size() );
		assertEquals( FeaturizerTest.parameters( dir.resolve( "alone-out-2.zarr" ) ).get( "normalization" ), perChannel.get( 2 ) );
	}

	@Test
	void aPlainArrayDeclaresItsChannelAxisInArrayDimensions( @TempDir final Path dir ) throws Exception
	{
		final Path plain = Fixtures.channels( dir, "cells.zarr", false ), one = dir.resolve( "one.zarr" ), alone = dir.resolve( "alone.zarr" );
		run( request( plain, one ).channel( "2" ) );
		run( request( Fixtures.channelAlone( dir, 2 ), alone ) );
		Fixtures.assertSameChunks( alone, one );
		final Path all = dir.resolve( "all.zarr" );
		run( request( plain, all ).channel( "all" ).tile( 8 ).region( "1,0:2,3:17,5:" ) ); // with a region too
		assertArrayEquals( new long[] { 1, 2, 14, 23, 12 }, ZarrArray.open( all, "" ).shape() );
		assertEquals( List.of( "c0_feature_00", "c0_feature_01" ), ( ( List< ? > ) record( all, "" ).get( "features" ) ).subList( 0, 2 ) );
	}

	@Test
	void aPlainArrayWithoutAxisNamesHasItsChannelAxisDeclared( @TempDir final Path dir ) throws Exception
	{
		final Path plain = Fixtures.channels( dir, "cells.zarr", false, false ), one = dir.resolve( "one.zarr" ), alone = dir.resolve( "alone.zarr" );
		final Path output = dir.resolve( "refused.zarr" );
		// five axes and nothing that says which holds the channels
		assertEquals( "Input " + plain + " has 5 dimensions (shape [2, 3, 3, 20, 28]); expected 2, 3 or 4: (y, x), (z, y, x) or (t, z, y, x), "
				+ "or a channel axis more: name it \"c\" in the array's _ARRAY_DIMENSIONS, or say which it is with channel_axis",
				assertThrows( RuntimeException.class, () -> run( request( plain, output ).channel( "2" ) ) ).getMessage() );
		run( request( plain, one ).channelAxis( 1 ).channel( "2" ) );
		run( request( Fixtures.channelAlone( dir, 2 ), alone ) );
		Fixtures.assertSameChunks( alone, one );
		assertEquals( 1, FeaturizerTest.parameters( one ).get( "channel_axis" ) );
		assertEquals( 2, FeaturizerTest.parameters( one ).get( "channel" ) );
		// a resume with another channel axis is another run
		final Path all = dir.resolve( "all.zarr" );
		run( request( plain, all ).channelAxis( 1 ).channel( "all" ) );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 12 }, ZarrArray.open( all, "" ).shape() );
		assertEquals( "[2, 3, 20, 28, 12] True 0.0 True", python( all, alone, 2, 4 ) );

		final Path named = Fixtures.channels( dir, "named.zarr", false, true ), ome = Fixtures.channels( dir, "cells.ome.zarr", true );
		final Map< FeaturizeRequest, String > refused = new LinkedHashMap<>();
		refused.put( request( plain, output ).channelAxis( 3 ).channel( "0" ), "channel_axis=3 does not fit Input " + plain + ": its shape "
				+ "[2, 3, 3, 20, 28] has 5 axes, of which the channel axis can be one of the first 3 (0 to 2; the last two are y and x)" );
		refused.put( request( plain, output ).channelAxis( -1 ).channel( "0" ), "channel_axis=-1 does not fit Input " + plain + ": its shape "
				+ "[2, 3, 3, 20, 28] has 5 axes, of which the channel axis can be one of the first 3 (0 to 2; the last two are y and x)" );
		refused.put( request( named, output ).channelAxis( 0 ).channel( "0" ), "channel_axis=0 contradicts Input " + named
				+ ", whose _ARRAY_DIMENSIONS [t, c, z, y, x] name axis 1 the channel axis" );
		refused.put( request( ome, output ).channelAxis( 2 ).channel( "0" ), "channel_axis=2 contradicts Input " + ome
				+ ", whose OME-Zarr metadata declare axis 1 (\"c\") as the channel axis; leave channel_axis empty for OME-Zarr images" );
		for ( final Map.Entry< FeaturizeRequest, String > r : refused.entrySet() )
			assertEquals( r.getValue(), assertThrows( InputException.class, () -> run( r.getKey() ) ).getMessage() );
		assertFalse( Files.exists( output ) );
		// the axis the metadata name, declared again, is accepted
		final Path again = dir.resolve( "again.zarr" );
		run( request( named, again ).channelAxis( 1 ).channel( "2" ) );
		Fixtures.assertSameChunks( alone, again );
	}

	@Test
	void aChannelThatDoesNotExistIsRefusedWithTheChannels( @TempDir final Path dir ) throws Exception
	{
		final Path ome = Fixtures.channels( dir, "cells.ome.zarr", true ), plain = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		final Map< String, String > cases = new LinkedHashMap<>();
		cases.put( "", "Input " + ome + " has 3 channels (axis \"c\"): 0 \"DAPI\", 1 \"GFP\", 2 \"RFP\"; the model takes one: choose one with "
				+ "channel= (an index or a name), or channel=all to featurize each separately" );
		cases.put( "3", "channel=3 does not exist: Input " + ome + " has 3 channels (axis \"c\"): 0 \"DAPI\", 1 \"GFP\", 2 \"RFP\"" );
		cases.put( "YFP", "channel=YFP does not exist: Input " + ome + " has 3 channels (axis \"c\"): 0 \"DAPI\", 1 \"GFP\", 2 \"RFP\"" );
		cases.put( "gfp", "channel=gfp does not exist: Input " + ome + " has 3 channels (axis \"c\"): 0 \"DAPI\", 1 \"GFP\", 2 \"RFP\"" );
		for ( final Map.Entry< String, String > c : cases.entrySet() )
			assertEquals( c.getValue(), assertThrows( InputException.class, () -> run( request( ome, output ).channel( c.getKey() ) ) ).getMessage() );
		assertEquals( "channel=1 does not exist: Input " + plain + " has 1 channel (no channel axis): 0 \"c0\"",
				assertThrows( InputException.class, () -> run( request( plain, output ).channel( "1" ) ) ).getMessage() );
		assertFalse( Files.exists( output ) );
	}
}
