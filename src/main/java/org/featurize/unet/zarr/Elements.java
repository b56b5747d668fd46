package org.featurize.unet.zarr;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Converts between the raw bytes of a chunk and Java primitive arrays, in bulk through {@link ByteBuffer} views;
 * allocates and fills chunks.
 */
final class Elements {

	private Elements() {
		// static utility
	}

	/**
	 * @param raw the elements as stored, {@code length * bytesPerElement} bytes (may be returned as is for
	 *        single-byte types)
	 * @return a new primitive array of the type's Java array class
	 */
	static Object decode(final byte[] raw, final DataType type, final ByteOrder order) {
		final ByteBuffer buffer = ByteBuffer.wrap(raw).order(order);
		final int n = raw.length / type.bytesPerElement();
		switch (type) {
		case BOOL:
		case UINT8:
		case INT8:
			return raw;
		case UINT16:
		case INT16: {
			final short[] out = new short[n];
			buffer.asShortBuffer().get(out);
			return out;
		}
		case FLOAT16: {
			final short[] halves = new short[n];
			buffer.asShortBuffer().get(halves);
			return Half.toFloats(halves);
		}
		case UINT32:
		case INT32: {
			final int[] out = new int[n];
			buffer.asIntBuffer().get(out);
			return out;
		}
		case UINT64:
		case INT64: {
			final long[] out = new long[n];
			buffer.asLongBuffer().get(out);
			return out;
		}
		case FLOAT32: {
			final float[] out = new float[n];
			buffer.asFloatBuffer().get(out);
			return out;
		}
		case FLOAT64: {
			final double[] out = new double[n];
			buffer.asDoubleBuffer().get(out);
			return out;
		}
		default:
			throw new AssertionError(type);
		}
	}

	/**
	 * @param data a primitive array of the type's Java array class
	 * @return a new byte array with the elements in the given byte order
	 */
	static byte[] encode(final Object data, final DataType type, final ByteOrder order) {
		final int n = Array.getLength(data);
		if (type.bytesPerElement() == 1)
			return ((byte[]) data).clone();
		final byte[] raw = new byte[n * type.bytesPerElement()];
		final ByteBuffer buffer = ByteBuffer.wrap(raw).order(order);
		switch (type) {
		case UINT16:
		case INT16:
			buffer.asShortBuffer().put((short[]) data);
			break;
		case FLOAT16:
			buffer.asShortBuffer().put(Half.fromFloats((float[]) data));
			break;
		case UINT32:
		case INT32:
			buffer.asIntBuffer().put((int[]) data);
			break;
		case UINT64:
		case INT64:
			buffer.asLongBuffer().put((long[]) data);
			break;
		case FLOAT32:
			buffer.asFloatBuffer().put((float[]) data);
			break;
		case FLOAT64:
			buffer.asDoubleBuffer().put((double[]) data);
			break;
		default:
			throw new AssertionError(type);
		}
		return raw;
	}

	/**
	 * @param fillBits the fill value's bits as stored: for {@link DataType#FLOAT16} the 16 half bits, for
	 *        {@link DataType#FLOAT32} the float bits, for {@link DataType#FLOAT64} the double bits, else the
	 *        integer value (raw two's complement bits for unsigned types)
	 * @return a new array of n elements, all the fill value
	 */
	static Object filled(final DataType type, final long fillBits, final int n) {
		switch (type) {
		case BOOL:
		case UINT8:
		case INT8: {
			final byte[] a = new byte[n];
			if (fillBits != 0)
				Arrays.fill(a, (byte) fillBits);
			return a;
		}
		case UINT16:
		case INT16: {
			final short[] a = new short[n];
			if (fillBits != 0)
				Arrays.fill(a, (short) fillBits);
			return a;
		}
		case UINT32:
		case INT32: {
			final int[] a = new int[n];
			if (fillBits != 0)
				Arrays.fill(a, (int) fillBits);
			return a;
		}
		case UINT64:
		case INT64: {
			final long[] a = new long[n];
			if (fillBits != 0)
				Arrays.fill(a, fillBits);
			return a;
		}
		case FLOAT16: {
			final float[] a = new float[n];
			if (fillBits != 0)
				Arrays.fill(a, Half.toFloat((short) fillBits));
			return a;
		}
		case FLOAT32: {
			final float[] a = new float[n];
			if (fillBits != 0)
				Arrays.fill(a, Float.intBitsToFloat((int) fillBits));
			return a;
		}
		case FLOAT64: {
			final double[] a = new double[n];
			if (fillBits != 0)
				Arrays.fill(a, Double.longBitsToDouble(fillBits));
			return a;
		}
		default:
			throw new AssertionError(type);
		}
	}

	/** @return a new zeroed array of the type's Java array class */
	static Object allocate(final DataType type, final int n) {
		return Array.newInstance(type.javaArrayClass().getComponentType(), n);
	}

	/**
	 * Checks that data is an array of the type's Java array class with n elements (0 or 1 for bool).
	 *
	 * @throws IllegalArgumentException naming what was expected and what was given
	 */
	static void check(final Object data, final DataType type, final long n, final String what) {
		if (data == null || data.getClass() != type.javaArrayClass())
			throw new IllegalArgumentException(what + ": expected a " + type.javaArrayClass().getSimpleName()
					+ " for data type " + type + ", got " + (data == null ? "null" : data.getClass().getSimpleName()));
		final int length = Array.getLength(data);
		if (length != n)
			throw new IllegalArgumentException(what + ": expected " + n + " elements, got " + length);
		if (type == DataType.BOOL)
			for (int i = 0; i < length; i++)
				if ((((byte[]) data)[i] & 0xfe) != 0)
					throw new IllegalArgumentException(what + ": element " + i + " of a bool chunk is "
							+ ((byte[]) data)[i] + ", expected 0 or 1");
	}
}
