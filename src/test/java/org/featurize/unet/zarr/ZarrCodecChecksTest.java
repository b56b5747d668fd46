package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.github.luben.zstd.Zstd;

/**
 * What the codecs check before native code sees a chunk: every field of a Blosc header that sizes a read or a
 * write, and the content size a Zstandard frame declares, against the size the chunk must have.
 */
class ZarrCodecChecksTest {

	private static final int N = 4096;

	private static final ByteCodecs.BloscCodec BLOSC = new ByteCodecs.BloscCodec(Compressor.blosc("lz4", 5,
			Shuffle.BYTE), 4);

	@Test
	void aGoodBloscChunkDecodes() {
		final byte[] raw = data();
		assertArrayEquals(raw, BLOSC.decode(BLOSC.encode(raw), N, true, "chunk"));
	}

	@Test
	void bloscHeaderFieldsAreCheckedBeforeNativeCode() {
		expectBlosc(b -> b.putInt(4, N + 1), "header says 4097 bytes, expected 4096");
		expectBlosc(b -> b.putInt(4, -1), "header says 4294967295 bytes");
		expectBlosc(b -> b.putInt(12, b.capacity() + 1), "compressed bytes, file has");
		expectBlosc(b -> b.put(3, (byte) 0), "type size of 0");
		expectBlosc(b -> b.put(2, (byte) (b.get(2) | 0xe0)), "compressor code 7");
		expectBlosc(b -> b.putInt(8, 0), "block size of 0, expected 1 to 4096");
		expectBlosc(b -> b.putInt(8, N + 1), "block size of 4097");
		expectBlosc(b -> b.putInt(8, 1), "4096 blocks, whose starts alone need");
		expectBlosc(b -> b.putInt(16, 0), "block 0 starts at 0");
		expectBlosc(b -> b.putInt(16, b.capacity() - 3), "block 0 starts at");
		expectBlosc(b -> b.put(2, (byte) (b.get(2) | 0x02)), "bytes copied, the file has");
	}

	@Test
	void aZstdFrameDeclaringAnotherSizeIsRefusedBeforeAllocating() {
		final ByteCodecs.ZstdCodec zstd = new ByteCodecs.ZstdCodec(3, false);
		final byte[] raw = data();
		assertArrayEquals(raw, zstd.decode(zstd.encode(raw), N, true, "chunk"));
		final byte[] other = zstd.encode(new byte[N - 1]);
		ZarrReaderRegressionTest.expect(ZarrChunkException.class, () -> zstd.decode(other, N, true, "chunk"),
				"chunk", "frame says 4095 bytes, expected 4096");
		// a frame header declaring 2^62 bytes in 8 bytes, single segment, followed by an empty raw block
		final ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFD2FB528)
				.put((byte) 0xE0).putLong(1L << 62).put(new byte[] { 1, 0, 0 });
		ZarrReaderRegressionTest.expect(ZarrChunkException.class, () -> zstd.decode(huge.array(), N, false, "c"),
				"frame says 4611686018427387904 bytes, expected at most 4096");
		huge.putLong(5, Long.MIN_VALUE + 5); // 2^63 + 5, negative as a long
		ZarrReaderRegressionTest.expect(ZarrChunkException.class, () -> zstd.decode(huge.array(), N, false, "c"),
				"frame says 9223372036854775813 bytes");
		assertArrayEquals(raw, Zstd.decompress(zstd.encode(raw), N));
	}

	private static void expectBlosc(final Consumer<ByteBuffer> damage, final String fragment) {
		final byte[] encoded = BLOSC.encode(data());
		final ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
		damage.accept(b);
		ZarrReaderRegressionTest.expect(ZarrChunkException.class, () -> BLOSC.decode(encoded, N, true, "chunk c/0"),
				"chunk c/0", "blosc", fragment);
	}

	/** Compressible float-like data, so that Blosc compresses into blocks rather than copying. */
	private static byte[] data() {
		final byte[] raw = new byte[N];
		for (int i = 0; i < N; i++)
			raw[i] = (byte) (i % 4 == 0 ? i / 64 : i % 4 == 3 ? 0x3f : 0);
		return raw;
	}
}
