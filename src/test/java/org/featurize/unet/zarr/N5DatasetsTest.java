package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Selection;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N5 datasets read as arrays: what Python zarr's N5Store writes (edge blocks full size), and what n5-java writes
 * (edge blocks cut to the dataset, varlength blocks, lz4-java's stream, the old "compressionType"), each against
 * what zarr reads of it; an N5 input has the features of the same values in Zarr; what cannot be read is refused
 * by name.
 */
class N5DatasetsTest {

	private static final long[] SHAPE = { 9, 25, 37 };

	private static final int[] CHUNKS = { 4, 10, 16 };

	private static void assertReadsAsZarrDoes(final Path container, final String dataset, final Path expected,
			final DataType type) throws IOException {
		final ZarrArray array = ZarrArray.open(container, dataset);
		assertTrue(array.isN5(), dataset);
		assertArrayEquals(SHAPE, array.shape(), dataset + ": N5's dimensions (x, y, z) reversed");
		assertArrayEquals(CHUNKS, array.chunkShape(), dataset);
		assertEquals(type, array.dataType(), dataset);
		Samples.assertBitsEqual(Elements.decode(Files.readAllBytes(expected), type, ByteOrder.LITTLE_ENDIAN),
				array.readRegion(new long[3], new int[] { 9, 25, 37 }), dataset);
		// a box across blocks, edge blocks included
		final Object box = array.readRegion(new long[] { 3, 8, 15 }, new int[] { 6, 17, 22 });
		final Object whole = array.readRegion(new long[3], new int[] { 9, 25, 37 });
		for (int z = 0; z < 6; z++)
			for (int y = 0; y < 17; y++)
				for (int x = 0; x < 22; x++)
					assertEquals(Samples.bits(whole, ((z + 3) * 25 + y + 8) * 37 + x + 15),
							Samples.bits(box, (z * 17 + y) * 22 + x), dataset);
	}

	@Test
	void readsWhatZarrsN5StoreWrites() throws IOException {
		final Path n5 = PythonFixtures.dir().resolve("n5");
		final Map<String, DataType> cases = Map.of("setup0/timepoint0/s0", DataType.UINT16, "raw-u1", DataType.UINT8,
				"zlib-i2", DataType.INT16, "zstd-f4", DataType.FLOAT32, "blosc-u2", DataType.UINT16, "gzip-f8",
				DataType.FLOAT64, "raw-i4", DataType.INT32, "gzip-u8", DataType.UINT64, "lz4-f4", DataType.FLOAT32);
		for (final Map.Entry<String, DataType> c : cases.entrySet())
			assertReadsAsZarrDoes(n5.resolve("zarr.n5"), c.getKey(), n5.resolve(c.getKey().replace('/', '-') + ".bin"),
					c.getValue());
	}

	@Test
	void readsWhatN5JavaWrites() throws IOException {
		final Path n5 = PythonFixtures.dir().resolve("n5");
		final Map<String, DataType> cases = Map.of("gzip", DataType.UINT16, "zlib-varlength", DataType.INT16, "lz4",
				DataType.FLOAT32, "old-raw", DataType.UINT8);
		for (final Map.Entry<String, DataType> c : cases.entrySet()) {
			assertReadsAsZarrDoes(n5.resolve("java.n5"), c.getKey(), n5.resolve("java-" + c.getKey() + ".bin"),
					c.getValue());
			final ZarrArray array = ZarrArray.open(n5.resolve("java.n5"), c.getKey());
			assertTrue(Files.exists(array.path().resolve("2/2/2")) && !Files.exists(array.path().resolve("1/1/1")),
					"blocks are keyed x/y/z, and block (1, 1, 1) is missing");
			assertFalse(array.chunkExists(1, 1, 1));
			assertTrue(array.chunkExists(2, 1, 0) && Files.exists(array.path().resolve("0/1/2")));
			final Object missing = array.readChunk(1, 1, 1);
			for (int i = 0; i < 4 * 10 * 16; i++)
				assertEquals(0, Samples.bits(missing, i), "a missing block reads as 0");
			final Map<String, Object> attributes = array.attributes();
			assertEquals(Map.of("unit", "um", "dimensions", List.of(0.5, 0.5, 2.0)), attributes.get("pixelResolution"));
			assertFalse(attributes.containsKey("dimensions") || attributes.containsKey("compression"),
					"the dataset's own keys are not attributes");
		}
	}

	@Test
	void anN5InputHasTheFeaturesOfTheSameValuesInZarr(@TempDir final Path dir) throws Exception {
		final Path n5 = PythonFixtures.dir().resolve("n5/java.n5");
		final ZarrArray source = ZarrArray.open(n5, "gzip");
		final Path zarr = dir.resolve("same.zarr");
		final ZarrArray copy = ZarrArray.create(zarr, "", ArraySpec.builder().shape(SHAPE).chunks(CHUNKS)
				.dataType(DataType.UINT16).build());
		Samples.forEachGridPosition(copy.gridShape(), p -> copy.writeChunk(p.clone(), source.readChunk(p.clone())));
		final Selection all = Selection.ALL;
		assertArrayEquals(InputView.open(zarr, "", all).shape(), InputView.open(n5, "gzip", all).shape());
		new Featurizer(s -> {}).run(FeaturizeRequest.of(n5).dataset("gzip").output(dir.resolve("a.zarr"))
				.model(Fixtures.TINY_MODEL).threads(1), Progress.NONE, () -> false);
		new Featurizer(s -> {}).run(FeaturizeRequest.of(zarr).output(dir.resolve("b.zarr")).model(Fixtures.TINY_MODEL)
				.threads(1), Progress.NONE, () -> false);
		final ZarrArray a = ZarrArray.open(dir.resolve("a.zarr"), "");
		final ZarrArray b = ZarrArray.open(dir.resolve("b.zarr"), "");
		assertArrayEquals(b.shape(), a.shape());
		Samples.forEachGridPosition(a.gridShape(),
				p -> assertArrayEquals((float[]) b.readChunk(p.clone()), (float[]) a.readChunk(p.clone())));
		// a folder of acquisitions: .n5 folders are inputs, named without .n5
		Files.createDirectories(dir.resolve("runs/day1.n5"));
		Files.createDirectories(dir.resolve("runs/day2.zarr"));
		Files.createDirectories(dir.resolve("runs/notes"));
		assertEquals(List.of("day1.n5", "day2.zarr"),
				Batch.listFolder(dir.resolve("runs")).stream().map(p -> p.getFileName().toString()).toList());
		assertEquals("day1-features.zarr", Batch.outputName(dir.resolve("runs/day1.n5"), Batch.DEFAULT_NAME));
	}

	@Test
	void anN5GroupNamesItsDatasets() throws IOException {
		final Path n5 = PythonFixtures.dir().resolve("n5/zarr.n5");
		final ZarrNotFoundException e = assertThrows(ZarrNotFoundException.class, () -> ZarrArray.open(n5, ""));
		assertEquals("No array at " + n5 + ": it is an N5 group (attributes.json without \"dimensions\"), which holds "
				+ "the datasets blosc-u2, gzip-f8, gzip-u8, lz4-f4, raw-i4, raw-u1, setup0/timepoint0/s0, zlib-i2, zstd-f4: give "
				+ "one of them as the dataset (dataset=PATH; bin/featurize --dataset=PATH)", e.getMessage());
		final ZarrNotFoundException setup = assertThrows(ZarrNotFoundException.class,
				() -> ZarrArray.open(n5, "setup0"));
		assertTrue(setup.getMessage().contains("which holds the dataset timepoint0/s0: give"), setup.getMessage());
		// as an input, a group of one image is that image; the container of several is refused with them named
		assertArrayEquals(SHAPE, InputView.open(n5, "setup0", Selection.ALL).shape());
		final Exception input = assertThrows(RuntimeException.class, () -> InputView.open(n5, "", Selection.ALL));
		assertTrue(input.getMessage().contains("the datasets blosc-u2, gzip-f8"), input.getMessage());
	}

	/**
	 * A raw uint16 N5 dataset at {@code dir} of shape (z, y, x) in blocks of {@code block}, cut at the edges as n5-java
	 * writes them; its value at (z, y, x) is {@code seed + 100 z + 10 y + x}.
	 */
	static void n5Dataset( final Path dir, final int seed, final int[] shape, final int[] block ) throws IOException
	{
		Files.createDirectories( dir );
		Files.writeString( dir.resolve( "attributes.json" ), "{\"dimensions\":[" + shape[ 2 ] + "," + shape[ 1 ] + "," + shape[ 0 ] + "],\"blockSize\":["
				+ block[ 2 ] + "," + block[ 1 ] + "," + block[ 0 ] + "],\"dataType\":\"uint16\",\"compression\":{\"type\":\"raw\"}}" );
		for ( int bz = 0; bz * block[ 0 ] < shape[ 0 ]; bz++ )
			for ( int by = 0; by * block[ 1 ] < shape[ 1 ]; by++ )
				for ( int bx = 0; bx * block[ 2 ] < shape[ 2 ]; bx++ )
				{
					final int sz = Math.min( block[ 0 ], shape[ 0 ] - bz * block[ 0 ] ), sy = Math.min( block[ 1 ], shape[ 1 ] - by * block[ 1 ] ),
							sx = Math.min( block[ 2 ], shape[ 2 ] - bx * block[ 2 ] );
					final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate( 16 + 2 * sz * sy * sx );
					b.putShort( ( short ) 0 ).putShort( ( short ) 3 ).putInt( sx ).putInt( sy ).putInt( sz );
					for ( int z = 0; z < sz; z++ )
						for ( int y = 0; y < sy; y++ )
							for ( int x = 0; x < sx; x++ )
								b.putShort( ( short ) ( seed + 100 * ( bz * block[ 0 ] + z ) + 10 * ( by * block[ 1 ] + y ) + bx * block[ 2 ] + x ) );
					Files.write( Files.createDirectories( dir.resolve( bx + "/" + by ) ).resolve( Integer.toString( bz ) ), b.array() );
				}
	}

	@Test
	void aBigStitcherContainerIsOneInputPerViewAtFullResolution( @TempDir final Path dir ) throws IOException
	{
		// BigDataViewer's N5: setupN/timepointM/s0 (full resolution) and s1 (half), two setups, and a pyramid of its own
		final Path views = dir.resolve( "views.n5" );
		Files.createDirectories( views );
		Files.writeString( views.resolve( "attributes.json" ), "{\"n5\":\"4.0.0\"}" );
		for ( int setup = 0; setup < 2; setup++ )
		{
			final Path t = Files.createDirectories( views.resolve( "setup" + setup + "/timepoint0" ) );
			Files.writeString( views.resolve( "setup" + setup ).resolve( "attributes.json" ), "{\"downsamplingFactors\":[[1,1,1],[2,2,1]],\"dataType\":\"uint16\"}" );
			Files.writeString( t.resolve( "attributes.json" ), "{\"multiScale\":true}" );
			n5Dataset( t.resolve( "s0" ), 1000 * setup, new int[] { 3, 20, 28 }, new int[] { 2, 8, 16 } );
			n5Dataset( t.resolve( "s1" ), 1000 * setup, new int[] { 3, 10, 14 }, new int[] { 2, 8, 16 } );
		}
		// a dataset's folders are its blocks: not looked into (what looks like a dataset there is not one)
		Files.writeString( Files.createDirectories( views.resolve( "setup0/timepoint0/s0/9" ) ).resolve( "attributes.json" ),
				"{\"dimensions\":[4,4],\"blockSize\":[4,4],\"dataType\":\"uint8\"}" );
		assertEquals( List.of( "setup0/timepoint0/s0", "setup1/timepoint0/s0" ), N5Images.images( views ) );
		assertTrue( N5Images.isGroup( views ) && !N5Images.isGroup( views.resolve( "setup0/timepoint0/s0" ) ) );
		// a run over it: one input per view, named after it
		assertEquals( List.of( new Batch.Item( views.resolve( "setup0/timepoint0/s0" ), dir.resolve( "out/views-setup0-timepoint0-features.zarr" ) ),
				new Batch.Item( views.resolve( "setup1/timepoint0/s0" ), dir.resolve( "out/views-setup1-timepoint0-features.zarr" ) ) ),
				Batch.plan( List.of( views ), dir.resolve( "out" ), null ) );
		// with a dataset for every input (setup1 of each container), a container is one input, read there
		assertEquals( List.of( new Batch.Item( views, dir.resolve( "out/views-features.zarr" ) ) ),
				Batch.plan( List.of( views ), dir.resolve( "out" ), null, "setup1/timepoint0" ) );
		final ZarrArray view = ZarrArray.open( views.resolve( "setup1/timepoint0/s0" ), "" );
		final short[] v = ( short[] ) view.readRegion( new long[] { 2, 19, 27 }, new int[] { 1, 1, 1 } );
		assertEquals( 1000 + 200 + 190 + 27, v[ 0 ] );
		// the container alone: refused, its views named (not their coarser levels)
		final ZarrNotFoundException e = assertThrows( ZarrNotFoundException.class, () -> ZarrArray.open( views, "" ) );
		assertTrue( e.getMessage().contains( "holds the datasets setup0/timepoint0/s0, setup1/timepoint0/s0: give" ), e.getMessage() );
		// a container of one view opens as that view, at full resolution; one of its setups likewise
		final Path one = dir.resolve( "one.n5" );
		Files.createDirectories( one );
		Files.writeString( one.resolve( "attributes.json" ), "{\"n5\":\"4.0.0\"}" );
		n5Dataset( one.resolve( "setup0/timepoint0/s0" ), 7, new int[] { 3, 20, 28 }, new int[] { 3, 20, 28 } );
		n5Dataset( one.resolve( "setup0/timepoint0/s1" ), 7, new int[] { 3, 10, 14 }, new int[] { 3, 10, 14 } );
		assertArrayEquals( new long[] { 3, 20, 28 }, InputView.open( one, "", Selection.ALL ).shape() );
		assertArrayEquals( new long[] { 3, 20, 28 }, InputView.open( views, "setup1", Selection.ALL ).shape() );
		assertEquals( List.of( new Batch.Item( one, dir.resolve( "out/one-features.zarr" ) ) ), Batch.plan( List.of( one ), dir.resolve( "out" ), null ) );
		// levels: a pyramid's s1 is level 1, of a view or of a container of one view; a level beyond it is refused
		assertArrayEquals( new long[] { 3, 10, 14 }, InputView.open( views, "setup1/timepoint0", new Selection( null, null, 1 ) ).shape() );
		assertArrayEquals( new long[] { 3, 10, 14 }, InputView.open( one, "", new Selection( null, null, 1 ) ).shape() );
		assertEquals( 1000 + 10 * 9 + 13, ( ( short[] ) InputView.open( views, "setup1", new Selection( null, null, 1 ) ).array()
				.readRegion( new long[] { 0, 9, 13 }, new int[] { 1, 1, 1 } ) )[ 0 ], "setup1's s1" );
		final Exception beyond = assertThrows( RuntimeException.class, () -> InputView.open( views, "setup1/timepoint0/s0", new Selection( null, null, 2 ) ) );
		assertEquals( "level=2 does not exist: Input " + views.resolve( "setup1/timepoint0/s0" ) + " has 2 resolution levels (0 to 1: s0, s1)",
				beyond.getMessage() );
	}

	/** A dataset of 2 x 3 blocks of 4 x 5 uint8 (shape 7 x 12), raw, with what the test puts in its block 0/0. */
	private static Path dataset(final Path dir, final String compression, final byte[] block) throws IOException {
		final Path d = Files.createDirectories(dir.resolve("d.n5"));
		Files.writeString(d.resolve("attributes.json"), "{\"dimensions\":[12,7],\"blockSize\":[5,4],\"dataType\":\"uint8\","
				+ "\"compression\":" + compression + "}");
		if (block != null)
			Files.write(Files.createDirectories(d.resolve("0")).resolve("0"), block);
		return d;
	}

	private static byte[] header(final int mode, final int... dims) {
		final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length);
		b.putShort((short) mode).putShort((short) dims.length);
		for (final int d : dims)
			b.putInt(d);
		return b.array();
	}

	private static byte[] concat(final byte[] a, final byte[] b) {
		final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	@Test
	void whatCannotBeReadIsRefusedByName(@TempDir final Path dir) throws IOException {
		for (final String kind : List.of("bzip2", "xz", "snappy")) {
			final Path d = dataset(dir.resolve(kind), "{\"type\":\"" + kind + "\"}", null);
			final ZarrUnsupportedException e = assertThrows(ZarrUnsupportedException.class, () -> ZarrArray.open(d, ""));
			assertTrue(e.getMessage().startsWith("Unsupported N5 compression \"" + kind + "\" in "
					+ d.resolve("attributes.json") + ": expected raw, gzip, zstd, blosc or lz4"), e.getMessage());
		}
		final Path object = Files.createDirectories(dir.resolve("object.n5"));
		Files.writeString(object.resolve("attributes.json"),
				"{\"dimensions\":[12,7],\"blockSize\":[5,4],\"dataType\":\"object\",\"compression\":{\"type\":\"raw\"}}");
		assertTrue(assertThrows(ZarrUnsupportedException.class, () -> ZarrArray.open(object, "")).getMessage()
				.startsWith("Unsupported N5 dataType \"object\" in " + object.resolve("attributes.json")));

		final String raw = "{\"type\":\"raw\"}";
		final List<byte[]> damaged = List.of(header(0, 5), // one dimension in a 2D dataset
				concat(header(0, 6, 4), new byte[24]), // wider than a block
				concat(header(0, 5, 4), new byte[19]), // an element short
				concat(header(2, 5, 4), new byte[20]), // serialized objects
				concat(header(1, 5, 4), new byte[] { 0, 0, 0, 7 }), // varlength with another count
				new byte[] { 0, 0, 0 }); // shorter than any header
		final List<String> says = List.of("its header has 1 dimensions, the dataset 2", "its size along axis 0 (N5's order) is 6, "
				+ "larger than the dataset's block size 5", "expected 20 bytes (20 elements of UINT8), got 19", "mode 2 (serialized "
				+ "objects)", "varlength with 7 elements", "shorter than the 12 of its header");
		for (int i = 0; i < damaged.size(); i++) {
			final Path d = dataset(dir.resolve("damaged" + i), raw, damaged.get(i));
			final ZarrArray array = ZarrArray.open(d, "");
			final RuntimeException e = assertThrows(ZarrChunkException.class, () -> array.readChunk(0, 0));
			assertTrue(e.getMessage().contains(d.resolve("0/0").toString()) && e.getMessage().contains(says.get(i)),
					e.getMessage());
		}
		final Path lz4 = dataset(dir.resolve("lz4"), "{\"type\":\"lz4\"}", concat(header(0, 5, 4), "LZ4Block\u0020\u0001\u0002".getBytes()));
		assertTrue(assertThrows(ZarrChunkException.class, () -> ZarrArray.open(lz4, "").readChunk(0, 0)).getMessage()
				.contains("its lz4 stream ends at byte 0 inside a block header"));

		// read only: nothing is written into an N5 dataset
		final Path d = dataset(dir.resolve("fine"), raw, concat(header(0, 5, 4), new byte[20]));
		final ZarrArray array = ZarrArray.open(d, "");
		final ZarrUnsupportedException w = assertThrows(ZarrUnsupportedException.class,
				() -> array.writeChunk(new long[] { 1, 1 }, new byte[20]));
		assertEquals("The N5 dataset " + d + " is read here, not written: write to a Zarr array", w.getMessage());
		assertThrows(ZarrUnsupportedException.class, () -> array.writeAttributes(Map.of("a", 1)));
		try (Stream<Path> files = Files.walk(d)) {
			assertEquals(2, files.filter(Files::isRegularFile).count(), "attributes.json and block 0/0, nothing more");
		}
	}
}
