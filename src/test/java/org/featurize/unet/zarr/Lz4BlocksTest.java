package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.junit.jupiter.api.Test;

/**
 * The LZ4 blocks, written here and read by commons-compress and here: every length up to 300 (the short blocks that are all
 * literals, and the lengths where a token's 4 bits overflow), long runs, matches far back, and incompressible data.
 * Python reading what it writes is in {@link ZarrFiltersTest}.
 */
class Lz4BlocksTest {

	private static byte[] roundTrip(final byte[] data) throws IOException {
		final byte[] block = Lz4Blocks.compress(data);
		try (InputStream in = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(block))) {
			assertArrayEquals(data, in.readAllBytes(), data.length + " bytes, read by commons-compress");
		}
		assertArrayEquals(data, Lz4Blocks.decompress(block, 0, data.length), data.length + " bytes, read here");
		return block;
	}

	@Test
	void aDamagedBlockIsRefusedNeverReadPastItsBounds() {
		final Random random = new Random(11);
		final byte[] data = new byte[5000];
		for (int i = 0; i < data.length; i++)
			data[i] = (byte) (i % 13 == 0 ? random.nextInt() : i % 9);
		final byte[] block = Lz4Blocks.compress(data);
		int refused = 0;
		for (int trial = 0; trial < 20_000; trial++) {
			final byte[] damaged = java.util.Arrays.copyOf(block, trial % 3 == 0 ? random.nextInt(block.length + 1) : block.length);
			for (int k = 0; k < 1 + trial % 4 && damaged.length > 0; k++)
				damaged[random.nextInt(damaged.length)] = (byte) random.nextInt();
			try {
				assertEquals(data.length, Lz4Blocks.decompress(damaged, 0, data.length).length);
			} catch (final IllegalArgumentException e) {
				refused++; // named; any other exception fails the test
			}
		}
		assertTrue(refused > 10_000, refused + " of 20000 damaged blocks refused");
	}

	@Test
	void everyBlockReadsBackAsWritten() throws IOException {
		final Random random = new Random(7);
		for (int n = 0; n <= 300; n++) {
			final byte[] pattern = new byte[n], noise = new byte[n];
			for (int i = 0; i < n; i++)
				pattern[i] = (byte) (i % 7 == 0 ? random.nextInt() : i % 5);
			random.nextBytes(noise);
			roundTrip(pattern);
			roundTrip(noise);
		}
		final byte[] run = new byte[100_000]; // one long match: a length of many 255 bytes
		assertTrue(roundTrip(run).length < 1000, "a run of zeros compresses");
		final byte[] far = new byte[200_000]; // the same 1000 bytes 70,000 bytes apart: beyond LZ4's reach, and within it
		final byte[] piece = new byte[1000];
		random.nextBytes(piece);
		for (final int at : new int[] { 0, 70_000, 135_000, 199_000 - 1000 })
			System.arraycopy(piece, 0, far, at, piece.length);
		roundTrip(far);
		final short[] counts = new short[65536]; // camera-like data, as a chunk holds it
		for (int i = 0; i < counts.length; i++)
			counts[i] = (short) (100 + 20 * Math.sin(i / 50.0) + random.nextGaussian() * 3);
		roundTrip(Elements.encode(counts, DataType.UINT16, java.nio.ByteOrder.LITTLE_ENDIAN));
	}
}
