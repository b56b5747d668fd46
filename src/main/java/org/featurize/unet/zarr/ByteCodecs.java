package org.featurize.unet.zarr;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;


import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import com.scalableminds.bloscjava.Blosc;

/**
 * The bytes-to-bytes codecs, each a thin adapter over a library: Blosc (blosc-java), Zstandard (zstd-jni), gzip,
 * zlib and CRC32C (java.util.zip); LZ4 blocks are read and written by {@link Lz4Blocks}.
 */
final class ByteCodecs {

	private ByteCodecs() {
		// static utility
	}

	/**
	 * @param compressor the description
	 * @param typesize bytes per element, for Blosc's shuffle
	 * @return the codec, or null for {@link Compressor#none()}
	 */
	static ByteCodec of(final Compressor compressor, final int typesize) {
		switch (compressor.kind()) {
		case NONE:
			return null;
		case BLOSC:
			return new BloscCodec(compressor, typesize);
		case ZSTD:
			return new ZstdCodec(compressor.level(), false);
		case GZIP:
			return new GzipCodec(compressor.level());
		case ZLIB:
			return new ZlibCodec(compressor.level());
		case LZ4:
			return new Lz4Codec();
		default:
			throw new AssertionError(compressor);
		}
	}

	/**
	 * Checks that the native library behind a compressor loads, so that a codec that cannot work fails when its array
	 * is opened or created, with a message that says why, rather than at its first chunk with a linkage error.
	 *
	 * @param compressor the description
	 * @throws ZarrException naming the library, the reason and the temporary folder it is unpacked into
	 */
	static void requireLibrary(final Compressor compressor) {
		switch (compressor.kind()) {
		case BLOSC:
			BloscLibrary.INSTANCE.require();
			break;
		case ZSTD:
			ZstdLibrary.INSTANCE.require();
			break;
		default:
			break;
		}
	}

	/**
	 * A codec's native library, loaded once. blosc-java and zstd-jni unpack theirs from their jars into the temporary
	 * folder ({@code java.io.tmpdir}) the first time their classes are used; a folder that is missing, read-only or
	 * full, or a platform without a build, leaves the class unusable, and every later use fails with a
	 * {@link LinkageError} that says little. That first failure is kept here and explained on every use.
	 */
	static final class CodecLibrary {

		private final String codec;

		private final String artifact;

		private final String failure;

		private final Throwable cause;

		CodecLibrary(final String codec, final String artifact, final String className) {
			this.codec = codec;
			this.artifact = artifact;
			String problem = null;
			Throwable error = null;
			try {
				Class.forName(className, true, ByteCodecs.class.getClassLoader());
			} catch (final LinkageError | ClassNotFoundException e) {
				error = e;
				Throwable root = e;
				while (root.getCause() != null && root.getCause() != root)
					root = root.getCause();
				problem = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
			}
			this.failure = problem;
			this.cause = error;
		}

		/** @throws ZarrException if the library did not load */
		void require() {
			if (failure == null)
				return;
			throw new ZarrException("Cannot use " + codec + " compression: its native library, from " + artifact
					+ ", did not load (" + failure + "). " + artifact + " unpacks it into the temporary folder "
					+ System.getProperty("java.io.tmpdir") + " (java.io.tmpdir) when first used: that folder must"
					+ " exist, be writable and have room for it (about 1 MB). Another folder can be given with"
					+ " -Djava.io.tmpdir=DIR (for bin/featurize: JAVA_OPTS=-Djava.io.tmpdir=DIR).", cause);
		}
	}

	private static final class BloscLibrary {
		static final CodecLibrary INSTANCE = new CodecLibrary("Blosc", "blosc-java",
				"com.scalableminds.bloscjava.Blosc");
	}

	private static final class ZstdLibrary {
		static final CodecLibrary INSTANCE = new CodecLibrary("Zstandard", "zstd-jni", "com.github.luben.zstd.Zstd");
	}

	static ZarrChunkException corrupt(final Object where, final String codec, final String problem,
			final Throwable cause) {
		final String reason = problem != null ? problem : cause != null ? cause.getClass().getSimpleName() : "unknown";
		return new ZarrChunkException("Corrupt chunk " + where + ": " + codec + " cannot decode it (" + reason + ")",
				cause);
	}

	static final class BloscCodec implements ByteCodec {

		private static final int HEADER = 16;

		final Compressor compressor;

		final int typesize;

		BloscCodec(final Compressor compressor, final int typesize) {
			BloscLibrary.INSTANCE.require();
			this.compressor = compressor;
			this.typesize = typesize;
		}

		@Override
		public String name() {
			return "blosc";
		}

		/** Serializes the calls into blosc-java made while the heap is short of room for their results. */
		private static final Object SHORT_OF_HEAP = new Object();

		/** Holds the room reserved for a result for a moment, so that the reservation is really allocated. */
		private static volatile byte[] reserved;

		@Override
		public byte[] encode(final byte[] decoded) {
			final Blosc.Shuffle shuffle = compressor.shuffle() == Shuffle.BIT ? Blosc.Shuffle.BIT_SHUFFLE
					: compressor.shuffle() == Shuffle.BYTE ? Blosc.Shuffle.BYTE_SHUFFLE : Blosc.Shuffle.NO_SHUFFLE;
			return withHeapFor(decoded.length + HEADER, () -> Blosc.compress(decoded, typesize,
					Blosc.Compressor.fromString(compressor.bloscName()), compressor.level(), shuffle,
					compressor.blocksize(), 1));
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			final long nbytes = checkHeader(encoded, limit, exact, where);
			final byte[] out;
			try {
				out = withHeapFor(nbytes, () -> Blosc.decompress(encoded, 1));
			} catch (final RuntimeException e) {
				throw corrupt(where, "blosc", e.getMessage(), e);
			}
			if (out == null || out.length != nbytes)
				throw corrupt(where, "blosc", "decoded " + (out == null ? 0 : out.length) + " bytes, header says "
						+ nbytes, null);
			return out;
		}

		/**
		 * Calls blosc-java once the Java heap has room for its result. Its native code allocates the result array and
		 * fills it without checking that the allocation succeeded: with a full heap that is a crash of the JVM, not
		 * an OutOfMemoryError. When the heap looks short of room, the same size is allocated here first (an
		 * OutOfMemoryError, if any, is thrown here) and released just before the call, one call at a time.
		 */
		private static byte[] withHeapFor(final long bytes, final Supplier<byte[]> call) {
			final Runtime runtime = Runtime.getRuntime();
			final long free = runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory();
			if (free > 2 * bytes + (64 << 20))
				return call.get();
			synchronized (SHORT_OF_HEAP) {
				reserved = new byte[(int) Math.min(bytes, Integer.MAX_VALUE - 8)];
				reserved = null;
				return call.get();
			}
		}

		/**
		 * Checks a Blosc (version 1 format) header before native code sees it, so that the decompressor can neither
		 * write past the chunk nor read past the buffer: the sizes it declares (nbytes, the chunk's size; cbytes, the
		 * buffer's length), a type size of at least 1, a block size of 1 to nbytes, a known compressor, and either the
		 * 16 header bytes plus nbytes of a copied buffer, or block starts that lie after themselves and within the
		 * buffer. The blocks' compressed streams are checked by Blosc itself (against cbytes).
		 *
		 * @return nbytes, the decoded size
		 * @throws ZarrChunkException naming the first field that is wrong
		 */
		static long checkHeader(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			if (encoded.length < HEADER)
				throw corrupt(where, "blosc", "expected a 16 byte header, got " + encoded.length + " bytes", null);
			final ByteBuffer header = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
			final int flags = encoded[2] & 0xff;
			final int typesize = encoded[3] & 0xff;
			final long nbytes = header.getInt(4) & 0xffffffffL;
			final long blocksize = header.getInt(8) & 0xffffffffL;
			final long cbytes = header.getInt(12) & 0xffffffffL;
			if (cbytes != encoded.length)
				throw corrupt(where, "blosc", "header says " + cbytes + " compressed bytes, file has " + encoded.length,
						null);
			if (exact ? nbytes != limit : nbytes > limit)
				throw corrupt(where, "blosc", "header says " + nbytes + " bytes, expected " + (exact ? "" : "at most ")
						+ limit, null);
			if (typesize == 0)
				throw corrupt(where, "blosc", "header says a type size of 0, expected 1 to 255", null);
			if ((flags >>> 5) > 4)
				throw corrupt(where, "blosc", "header names compressor code " + (flags >>> 5) + ", expected 0 to 4", null);
			if (nbytes == 0)
				return 0;
			if (blocksize == 0 || blocksize > nbytes)
				throw corrupt(where, "blosc", "header says a block size of " + blocksize + ", expected 1 to " + nbytes,
						null);
			if ((flags & 0x02) != 0) { // copied, not compressed
				if (cbytes != nbytes + HEADER)
					throw corrupt(where, "blosc", "header says " + nbytes + " bytes copied, the file has " + (cbytes
							- HEADER) + " after the header", null);
				return nbytes;
			}
			final long blocks = (nbytes + blocksize - 1) / blocksize;
			final long data = HEADER + 4 * blocks;
			if (data > cbytes)
				throw corrupt(where, "blosc", "header says " + blocks + " blocks, whose starts alone need " + data
						+ " bytes, the file has " + cbytes, null);
			for (int j = 0; j < blocks; j++) {
				final long start = header.getInt(HEADER + 4 * j) & 0xffffffffL;
				if (start < data || start + 4 > cbytes)
					throw corrupt(where, "blosc", "block " + j + " starts at " + start + ", expected " + data + " to "
							+ (cbytes - 4), null);
			}
			return nbytes;
		}
	}

	static final class ZstdCodec implements ByteCodec {

		final int level;

		final boolean checksum;

		ZstdCodec(final int level, final boolean checksum) {
			ZstdLibrary.INSTANCE.require();
			this.level = level;
			this.checksum = checksum;
		}

		@Override
		public String name() {
			return "zstd";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
				return ctx.setLevel(level).setChecksum(checksum).setContentSize(true).compress(decoded);
			}
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			if (encoded.length < 4)
				throw corrupt(where, "zstd", "expected a Zstandard frame, got " + encoded.length + " bytes", null);
			final long size;
			try {
				size = Zstd.getFrameContentSize(encoded);
			} catch (final RuntimeException e) {
				throw corrupt(where, "zstd", e.getMessage(), e);
			}
			if (size == -2)
				throw corrupt(where, "zstd", "not a Zstandard frame", null);
			if (size == -1) // content size not in the frame header: stream it, bounded
				return readBounded(where, "zstd", limit, () -> new ZstdInputStream(new ByteArrayInputStream(encoded)));
			// checked before anything of that size is allocated (sizes of 2^63 and more read as negative)
			if (size < 0 || (exact ? size != limit : size > limit))
				throw corrupt(where, "zstd", "frame says " + Long.toUnsignedString(size) + " bytes, expected "
						+ (exact ? "" : "at most ") + limit, null);
			final byte[] out = new byte[(int) size];
			final long n;
			try {
				n = Zstd.decompress(out, encoded);
			} catch (final RuntimeException e) {
				throw corrupt(where, "zstd", e.getMessage(), e);
			}
			if (Zstd.isError(n))
				throw corrupt(where, "zstd", Zstd.getErrorName(n), null);
			if (n != size)
				throw corrupt(where, "zstd", "decoded " + n + " bytes, frame says " + size, null);
			return out;
		}
	}

	static final class GzipCodec implements ByteCodec {

		final int level;

		GzipCodec(final int level) {
			this.level = level;
		}

		@Override
		public String name() {
			return "gzip";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			final ByteArrayOutputStream bytes = new ByteArrayOutputStream(decoded.length / 2 + 64);
			try (GZIPOutputStream out = new GZIPOutputStream(bytes, 65536) {
				{
					def.setLevel(level);
				}
			}) {
				out.write(decoded);
			} catch (final IOException e) {
				throw new UncheckedIOException(e); // in-memory streams do not fail
			}
			return bytes.toByteArray();
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			return readBounded(where, "gzip", limit, () -> new GZIPInputStream(new ByteArrayInputStream(encoded)));
		}
	}

	static final class ZlibCodec implements ByteCodec {

		final int level;

		ZlibCodec(final int level) {
			this.level = level;
		}

		@Override
		public String name() {
			return "zlib";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			final Deflater deflater = new Deflater(level);
			try {
				deflater.setInput(decoded);
				deflater.finish();
				final ByteArrayOutputStream bytes = new ByteArrayOutputStream(decoded.length / 2 + 64);
				final byte[] buffer = new byte[65536];
				while (!deflater.finished())
					bytes.write(buffer, 0, deflater.deflate(buffer));
				return bytes.toByteArray();
			} finally {
				deflater.end();
			}
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			final Inflater inflater = new Inflater();
			try {
				inflater.setInput(encoded);
				final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
				final byte[] buffer = new byte[65536];
				while (!inflater.finished()) {
					final int n = inflater.inflate(buffer);
					if (n == 0 && (inflater.needsInput() || inflater.needsDictionary()))
						throw corrupt(where, "zlib", "the stream ends early after " + bytes.size() + " bytes", null);
					bytes.write(buffer, 0, n);
					if (bytes.size() > limit)
						throw corrupt(where, "zlib", "more than the expected " + limit + " bytes", null);
				}
				if (inflater.getRemaining() != 0)
					throw corrupt(where, "zlib", inflater.getRemaining() + " bytes after the end of the stream", null);
				return bytes.toByteArray();
			} catch (final DataFormatException e) {
				throw corrupt(where, "zlib", e.getMessage(), e);
			} finally {
				inflater.end();
			}
		}
	}

	/**
	 * numcodecs' LZ4: the decoded size as a 4 byte little-endian integer, then the data as one LZ4 block (the block
	 * format, not LZ4's frame format).
	 */
	static final class Lz4Codec implements ByteCodec {

		@Override
		public String name() {
			return "lz4";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			final byte[] block = Lz4Blocks.compress(decoded);
			return ByteBuffer.allocate(4 + block.length).order(ByteOrder.LITTLE_ENDIAN).putInt(decoded.length).put(block).array();
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			if (encoded.length < 4)
				throw corrupt(where, "lz4", "expected a 4 byte size header, got " + encoded.length + " bytes", null);
			final long size = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
			if (exact ? size != limit : size > limit)
				throw corrupt(where, "lz4", "header says " + size + " bytes, expected " + (exact ? "" : "at most ") + limit,
						null);
			try {
				return Lz4Blocks.decompress(encoded, 4, (int) size);
			} catch (final IllegalArgumentException e) {
				throw corrupt(where, "lz4", e.getMessage(), e);
			}
		}
	}

	/** The v3 crc32c codec: a 4 byte little-endian CRC32C after the data. */
	static final class Crc32cCodec implements ByteCodec {

		@Override
		public String name() {
			return "crc32c";
		}

		@Override
		public byte[] encode(final byte[] decoded) {
			final byte[] out = Arrays.copyOf(decoded, decoded.length + 4);
			final CRC32C crc = new CRC32C();
			crc.update(decoded);
			ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(decoded.length, (int) crc.getValue());
			return out;
		}

		@Override
		public byte[] decode(final byte[] encoded, final long limit, final boolean exact, final Object where) {
			if (encoded.length < 4)
				throw corrupt(where, "crc32c", "expected at least 4 bytes, got " + encoded.length, null);
			final int n = encoded.length - 4;
			final CRC32C crc = new CRC32C();
			crc.update(encoded, 0, n);
			final int stored = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).getInt(n);
			if (stored != (int) crc.getValue())
				throw corrupt(where, "crc32c", String.format("checksum %08x, expected %08x", stored,
						(int) crc.getValue()), null);
			return Arrays.copyOf(encoded, n);
		}
	}

	private interface StreamOpener {
		InputStream open() throws IOException;
	}

	private static byte[] readBounded(final Object where, final String codec, final long limit,
			final StreamOpener opener) {
		try (InputStream in = opener.open()) {
			final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			final byte[] buffer = new byte[65536];
			int n;
			while ((n = in.read(buffer)) >= 0) {
				bytes.write(buffer, 0, n);
				if (bytes.size() > limit)
					throw corrupt(where, codec, "more than the expected " + limit + " bytes", null);
			}
			return bytes.toByteArray();
		} catch (final IOException | RuntimeException e) {
			if (e instanceof ZarrChunkException)
				throw (ZarrChunkException) e;
			throw corrupt(where, codec, e.getMessage(), e);
		}
	}
}
