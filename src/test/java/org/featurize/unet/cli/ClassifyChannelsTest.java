package org.featurize.unet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/featurize classify on one channel of a multi-channel input: the same classes as that channel saved and
 * classified as an image of its own, whether the channel axis is an OME-Zarr image's or declared for a plain array;
 * several channels and no --channel are refused before anything is written.
 */
class ClassifyChannelsTest
{
	@Test
	void oneChannelIsClassifiedAsThatChannelAlone( @TempDir final Path dir ) throws Exception
	{
		final Path made = Files.createDirectories( dir.resolve( "made" ) );
		final Path ome = Fixtures.channels( made, "cells.ome.zarr", true ), plain = Fixtures.channels( made, "plain.zarr", false, false );
		final Path alone = Fixtures.channelAlone( made, 1 ), labels = Fixtures.channelLabels( dir, alone );
		final String model = Fixtures.TINY_MODEL.toString();
		final Path expected = dir.resolve( "alone-classes.zarr" ), byName = dir.resolve( "gfp-classes.zarr" ), byAxis = dir.resolve( "axis-classes.zarr" );
		final String[] a = ClassifyFeaturesTest.featurize( "classify", alone.toString(), labels.toString(), expected.toString(), "--model", model,
				"--threads", "2" );
		assertEquals( "0", a[ 0 ], a[ 2 ] );
		final String[] b = ClassifyFeaturesTest.featurize( "classify", ome.toString(), labels.toString(), byName.toString(), "--model", model,
				"--threads", "2", "--channel", "GFP" );
		assertEquals( "0", b[ 0 ], b[ 2 ] );
		final String[] c = ClassifyFeaturesTest.featurize( "classify", plain.toString(), labels.toString(), byAxis.toString(), "--model", model,
				"--threads", "2", "--channel-axis", "1", "--channel", "1" );
		assertEquals( "0", c[ 0 ], c[ 2 ] );
		Fixtures.assertSameChunks( expected, byName );
		Fixtures.assertSameChunks( expected, byAxis );
		final byte[] classes = ( byte[] ) ZarrArray.open( expected, "" ).readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
		int one = 0, two = 0;
		for ( final byte v : classes )
		{
			one += v == 1 ? 1 : 0;
			two += v == 2 ? 1 : 0;
		}
		assertEquals( classes.length, one + two );
		assertTrue( one > 0 && two > 0, one + " and " + two );

		// several channels, none chosen: refused with the channels, nothing written
		final Path refused = dir.resolve( "refused.zarr" );
		final String[] d = ClassifyFeaturesTest.featurize( "classify", ome.toString(), labels.toString(), refused.toString(), "--model", model );
		assertEquals( "1", d[ 0 ], d[ 2 ] );
		assertTrue( d[ 2 ].contains( "has 3 channels (axis \"c\"): 0 \"DAPI\", 1 \"GFP\", 2 \"RFP\"" ), d[ 2 ] );
		assertFalse( Files.exists( refused ) );
	}
}
