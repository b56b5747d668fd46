package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Deterministic test values for every data type (extremes, NaN, infinities, signed zeros and subnormals first),
 * writing a whole array chunk by chunk, and bit-exact comparison of primitive arrays.
 */
final class Samples {

	private Samples() {
		// static utility
	}

	/**
	 * @return n values of the type's Java array class: special values (extremes, NaN, infinities, signed zero,
	 *         subnormals) first, then a compressible pattern (so that Blosc compresses rather than copies) with a
	 *         pseudo-random value at every seventh element
	 */
	static Object values(final DataType type, final int n, final long seed) {
		final SplittableRandom random = new SplittableRandom(seed);
		final Object out = Elements.allocate(type, n);
		for (int i = 0; i < n; i++) {
			final boolean noise = i % 7 == 3;
			final int pattern = i % 29;
			switch (type) {
			case BOOL:
				((byte[]) out)[i] = (byte) (noise ? random.nextInt(2) : pattern % 3 == 0 ? 1 : 0);
				break;
			case UINT8:
			case INT8:
				((byte[]) out)[i] = (byte) pick(i, noise, pattern, random, Byte.MIN_VALUE, Byte.MAX_VALUE);
				break;
			case UINT16:
			case INT16:
				((short[]) out)[i] = (short) pick(i, noise, pattern, random, Short.MIN_VALUE, Short.MAX_VALUE);
				break;
			case UINT32:
			case INT32:
				((int[]) out)[i] = (int) pick(i, noise, pattern, random, Integer.MIN_VALUE, Integer.MAX_VALUE);
				break;
			case UINT64:
			case INT64:
				((long[]) out)[i] = pick(i, noise, pattern, random, Long.MIN_VALUE, Long.MAX_VALUE);
				break;
			case FLOAT16: {
				final short[] special = { 0x7e00, 0x7c00, (short) 0xfc00, (short) 0x8000, 0x0001, 0x7bff,
						(short) 0xfbff, 0x03ff, 0x0400, 0x7c01, (short) 0xfe00 };
				((float[]) out)[i] = i < special.length ? Half.toFloat(special[i])
						: noise ? Half.toFloat((short) random.nextInt(1 << 16)) : pattern * 0.25f - 3;
				break;
			}
			case FLOAT32: {
				final float[] special = { Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f,
						Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL,
						Float.intBitsToFloat(0x7fa00001) };
				((float[]) out)[i] = i < special.length ? special[i]
						: noise ? (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-30, 30)))
								: pattern * 0.25f - 3;
				break;
			}
			case FLOAT64: {
				final double[] special = { Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0d,
						Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL,
						Double.longBitsToDouble(0x7ff4000000000001L) };
				((double[]) out)[i] = i < special.length ? special[i]
						: noise ? (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-300, 300))
								: pattern * 0.25 - 3;
				break;
			}
			default:
				throw new AssertionError(type);
			}
		}
		return out;
	}

	private static long pick(final int i, final boolean noise, final int pattern, final SplittableRandom random,
			final long min, final long max) {
		switch (i) {
		case 0:
			return min;
		case 1:
			return max;
		case 2:
			return 0;
		case 3:
			return -1;
		default:
			return noise ? random.nextLong() : pattern * 3 - 40;
		}
	}

	/**
	 * Writes a whole array, given in C order, chunk by chunk (edge chunks padded with the fill value), skipping the
	 * chunks for which skip is true.
	 */
	static void writeAll(final ZarrArray array, final Object full, final Predicate<long[]> skip) {
		final int[] chunk = array.chunkShape();
		final int[] shape = Arrays.stream(array.shape()).mapToInt(s -> (int) s).toArray();
		final long[] grid = array.gridShape();
		forEachGridPosition(grid, position -> {
			if (skip.test(position))
				return;
			final Object data = array.readChunk(position.clone()); // not written yet: all fill value
			final int[] offset = new int[chunk.length];
			final int[] size = new int[chunk.length];
			for (int d = 0; d < chunk.length; d++) {
				offset[d] = (int) (position[d] * chunk[d]);
				size[d] = Math.min(chunk[d], shape[d] - offset[d]);
			}
			Boxes.copy(full, shape, offset, data, chunk, new int[chunk.length], size);
			array.writeChunk(position.clone(), data);
		});
	}

	/** @return a copy of full with the boxes of the skipped chunks set to the fill value */
	static Object withFill(final ZarrArray array, final Object full, final Predicate<long[]> skip) {
		final int length = Array.getLength(full);
		final Object out = Elements.allocate(array.dataType(), length);
		System.arraycopy(full, 0, out, 0, length);
		final int[] chunk = array.chunkShape();
		final int[] shape = Arrays.stream(array.shape()).mapToInt(s -> (int) s).toArray();
		forEachGridPosition(array.gridShape(), position -> {
			if (!skip.test(position))
				return;
			final Object fill = array.readChunk(position.clone());
			final int[] offset = new int[chunk.length];
			final int[] size = new int[chunk.length];
			for (int d = 0; d < chunk.length; d++) {
				offset[d] = (int) (position[d] * chunk[d]);
				size[d] = Math.min(chunk[d], shape[d] - offset[d]);
			}
			Boxes.copy(fill, chunk, new int[chunk.length], out, shape, offset, size);
		});
		return out;
	}

	interface PositionConsumer {
		void accept(long[] position);
	}

	static void forEachGridPosition(final long[] grid, final PositionConsumer consumer) {
		for (final long g : grid)
			if (g == 0)
				return;
		final long[] position = new long[grid.length];
		while (true) {
			consumer.accept(position);
			int d = grid.length - 1;
			for (; d >= 0; d--) {
				if (++position[d] < grid[d])
					break;
				position[d] = 0;
			}
			if (d < 0)
				return;
		}
	}

	/** Asserts two primitive arrays hold the same bits (floats by raw bits), naming the first difference. */
	static void assertBitsEqual(final Object expected, final Object actual, final String context) {
		assertEquals(expected.getClass(), actual.getClass(), context + ": array type");
		final int n = Array.getLength(expected);
		assertEquals(n, Array.getLength(actual), context + ": number of elements");
		for (int i = 0; i < n; i++) {
			final long e = bits(expected, i);
			final long a = bits(actual, i);
			if (e != a)
				fail(context + ": element " + i + " differs, expected " + Array.get(expected, i) + " (bits "
						+ Long.toHexString(e) + "), got " + Array.get(actual, i) + " (bits " + Long.toHexString(a)
						+ ")");
		}
	}

	static long bits(final Object array, final int i) {
		if (array instanceof byte[])
			return ((byte[]) array)[i];
		if (array instanceof short[])
			return ((short[]) array)[i];
		if (array instanceof int[])
			return ((int[]) array)[i];
		if (array instanceof long[])
			return ((long[]) array)[i];
		if (array instanceof float[])
			return Float.floatToRawIntBits(((float[]) array)[i]);
		if (array instanceof double[])
			return Double.doubleToRawLongBits(((double[]) array)[i]);
		throw new IllegalArgumentException(String.valueOf(array));
	}
}
