package org.featurize.unet.zarr;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random element values for the property tests, from raw bits: special and extreme values (NaN payloads, signalling
 * NaNs, infinities, signed zeros, subnormals, integer extremes), raw random bits, small numbers, and runs of one
 * value so that compressors compress; fill values as bits and as the Java value that stands for them exactly.
 */
final class RandomValues {

	private RandomValues() {
		// static utility
	}

	/**
	 * @param weights the relative weight of each choice (0: never)
	 * @return a choice drawn with those weights: the index of its weight
	 */
	static int weighted(final SplittableRandom random, final int... weights) {
		int r = random.nextInt(Arrays.stream(weights).sum());
		for (int i = 0; i < weights.length; i++) {
			r -= weights[i];
			if (r < 0)
				return i;
		}
		throw new AssertionError();
	}

	/** @return an int from 0 to {@link Integer#MAX_VALUE}, both included, every one as likely */
	static int nonNegativeInt(final SplittableRandom random) {
		return random.nextInt() & Integer.MAX_VALUE;
	}

	/** @return chunk data: raw random bits, extremes, runs (so compressors compress) and small values, mixed */
	static Object chunkData(final DataType type, final int n, final SplittableRandom random) {
		final Object out = Elements.allocate(type, n);
		int i = 0;
		while (i < n) {
			final int run = Math.min(n - i, 1 + random.nextInt(random.nextInt(4) == 0 ? 200 : 8));
			final int style = random.nextInt(4);
			final long repeated = value(type, style, random);
			for (int k = 0; k < run; k++, i++)
				set(out, type, i, style == 0 ? repeated : value(type, style, random));
		}
		return out;
	}

	/** Style 0 and 1: special and extreme values; 2: raw random bits; 3: small numbers. */
	private static long value(final DataType type, final int style, final SplittableRandom random) {
		final int bits = 8 * type.bytesPerElement();
		if (type == DataType.BOOL)
			return random.nextInt(2);
		if (style == 2)
			return random.nextLong();
		if (style == 3)
			return type.isFloat() ? floatBits(type, random.nextInt(-20, 20) / 4.0) : random.nextInt(-9, 10);
		if (type.isFloat())
			return special(type, random);
		final long[] extremes = { 0, -1, 1, 1L << (bits - 1), (1L << (bits - 1)) - 1 };
		return extremes[random.nextInt(extremes.length)];
	}

	private static long special(final DataType type, final SplittableRandom random) {
		switch (type) {
		case FLOAT16: {
			final long[] halves = { 0x7e00, 0x7c00, 0xfc00, 0x8000, 0x0001, 0x7bff, 0xfbff, 0x03ff, 0x0400, 0x7c01,
					0xfe00, 0x7fff };
			return halves[random.nextInt(halves.length)];
		}
		case FLOAT32: {
			final long[] floats = { 0x7fc00000, 0x7f800000, 0xff800000L, 0x80000000L, 1, 0x7f7fffff, 0xff7fffffL,
					0x00800000, 0x7fa00001, 0xffc00001L, 0x7f800001 };
			return floats[random.nextInt(floats.length)];
		}
		default: {
			final long[] doubles = { 0x7ff8000000000000L, 0x7ff0000000000000L, 0xfff0000000000000L,
					0x8000000000000000L, 1, 0x7fefffffffffffffL, 0xffefffffffffffffL, 0x0010000000000000L,
					0x7ff4000000000001L, 0xfff8000000000001L, 0x7ff0000000000001L };
			return doubles[random.nextInt(doubles.length)];
		}
		}
	}

	/** Stores raw bits as element i: halves through {@link Half#toFloat}, which is exact. */
	private static void set(final Object array, final DataType type, final int i, final long bits) {
		switch (type) {
		case BOOL:
		case UINT8:
		case INT8:
			((byte[]) array)[i] = (byte) bits;
			break;
		case UINT16:
		case INT16:
			((short[]) array)[i] = (short) bits;
			break;
		case UINT32:
		case INT32:
			((int[]) array)[i] = (int) bits;
			break;
		case UINT64:
		case INT64:
			((long[]) array)[i] = bits;
			break;
		case FLOAT16:
			((float[]) array)[i] = Half.toFloat((short) bits);
			break;
		case FLOAT32:
			((float[]) array)[i] = Float.intBitsToFloat((int) bits);
			break;
		case FLOAT64:
			((double[]) array)[i] = Double.longBitsToDouble(bits);
			break;
		default:
			throw new AssertionError(type);
		}
	}

	static long fillBits(final DataType type, final SplittableRandom random) {
		if (type == DataType.BOOL)
			return random.nextInt(2);
		final long bits = value(type, random.nextInt(4), random);
		final int width = 8 * type.bytesPerElement();
		if (type.isFloat() || type == DataType.UINT64 || type == DataType.INT64)
			return width == 64 ? bits : bits & ((1L << width) - 1);
		// integers: the value itself, sign-extended for signed types
		final long unsigned = bits & ((1L << width) - 1);
		return type.isUnsigned() ? unsigned : (unsigned << (64 - width)) >> (64 - width);
	}

	/** @return the Java value for {@link ArraySpec.Builder#fillValue} that stands for these bits exactly */
	static Object fillObject(final DataType type, final long bits) {
		switch (type) {
		case BOOL:
			return bits != 0;
		case UINT64:
			return new BigInteger(Long.toUnsignedString(bits));
		case FLOAT16:
			return Half.toFloat((short) bits);
		case FLOAT32:
			return Float.intBitsToFloat((int) bits);
		case FLOAT64:
			return Double.longBitsToDouble(bits);
		default:
			return bits;
		}
	}

	static boolean isNaN(final DataType type, final long bits) {
		switch (type) {
		case FLOAT16:
			return (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
		case FLOAT32:
			return Float.isNaN(Float.intBitsToFloat((int) bits));
		case FLOAT64:
			return Double.isNaN(Double.longBitsToDouble(bits));
		default:
			return false;
		}
	}

	/** @return the NaN that "NaN" in metadata stands for (what NumPy's float16/32/64 NaN holds) */
	static long canonicalNaN(final DataType type) {
		return type == DataType.FLOAT16 ? 0x7e00 : type == DataType.FLOAT32 ? 0x7fc00000 : 0x7ff8000000000000L;
	}

	private static long floatBits(final DataType type, final double value) {
		return type == DataType.FLOAT16 ? Half.fromFloat((float) value) & 0xffff
				: type == DataType.FLOAT32 ? Float.floatToRawIntBits((float) value) & 0xffffffffL
						: Double.doubleToRawLongBits(value);
	}
}
