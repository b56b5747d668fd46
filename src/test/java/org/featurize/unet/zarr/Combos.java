package org.featurize.unet.zarr;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The combinations the interoperability and round-trip tests run through: every data type in both byte orders,
 * every compressor (none, Blosc with each inner compressor and shuffle, Zstandard, gzip, zlib), orders C and F,
 * separators "." and "/", and fill values that include NaN, the infinities and integer extremes.
 */
final class Combos {

	/** A data type with a byte order. */
	static final class Dtype {

		final DataType type;

		final ByteOrder order;

		Dtype(final DataType type, final ByteOrder order) {
			this.type = type;
			this.order = order;
		}

		/** @return the v2 name with "|" replaced, usable in file names: "lf4", "bu2", "nu1" */
		String tag() {
			return (type.bytesPerElement() == 1 ? "n" : order == ByteOrder.BIG_ENDIAN ? "b" : "l")
					+ type.v2Name(order).substring(1);
		}

		@Override
		public String toString() {
			return type.v2Name(order);
		}
	}

	private Combos() {
		// static utility
	}

	static List<Dtype> dtypes() {
		final List<Dtype> out = new ArrayList<>();
		for (final DataType t : DataType.values()) {
			out.add(new Dtype(t, ByteOrder.LITTLE_ENDIAN));
			if (t.bytesPerElement() > 1)
				out.add(new Dtype(t, ByteOrder.BIG_ENDIAN));
		}
		return out;
	}

	static List<Compressor> compressors() {
		final List<Compressor> out = new ArrayList<>();
		out.add(Compressor.none());
		for (final String cname : Compressor.BLOSC_NAMES)
			for (final Shuffle s : Shuffle.values())
				out.add(Compressor.blosc(cname, 5, s));
		out.add(Compressor.zstd(3));
		out.add(Compressor.gzip(5));
		out.add(Compressor.zlib(5));
		return out;
	}

	/** @return a short name usable in file names, e.g. "blosc-lz4-bit", "zstd" */
	static String tag(final Compressor c) {
		switch (c.kind()) {
		case BLOSC:
			return "blosc-" + c.bloscName() + "-" + c.shuffle().name().toLowerCase();
		default:
			return c.kind().name().toLowerCase();
		}
	}

	/** @return a fill value for the i-th combination: cycles through NaN, the infinities, null and extremes */
	static Object fill(final DataType type, final int i) {
		if (type == DataType.BOOL)
			return new Object[] { false, true, null }[i % 3];
		if (type.isFloat())
			return new Object[] { Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null, 0.0, 1.5,
					-2.25 }[i % 7];
		if (type == DataType.UINT64)
			return new Object[] { 0L, 42L, null, new BigInteger("18446744073709551615"), 1L << 53 }[i % 5];
		final long max = (1L << (8 * type.bytesPerElement() - (type.isUnsigned() ? 0 : 1))) - 1;
		final long min = type.isUnsigned() ? 0 : -max - 1;
		return new Object[] { 0L, 42L, null, max, min }[i % 5];
	}

	/**
	 * @return {@link #fill(DataType, int)} within +-(2^53 - 1): JavaScript parses JSON numbers as doubles, so
	 *         zarrita reads larger 64 bit fill values rounded
	 */
	static Object fillForJavaScript(final DataType type, final int i) {
		final Object fill = fill(type, i);
		final long limit = (1L << 53) - 1;
		if (fill instanceof BigInteger)
			return limit;
		if (fill instanceof Long && Math.abs((Long) fill) > limit)
			return (Long) fill > 0 ? limit : -limit;
		return fill;
	}
}
