package org.featurize.unet.zarr;

/**
 * Axis permutations of chunks held as raw bytes: the v3 {@code transpose} codec, and v2's {@code "order": "F"}
 * (the reversed permutation). Works on bytes, before the byte order is applied, so one loop serves all types.
 */
final class Transpose {

	private Transpose() {
		// static utility
	}

	/** @return the permutation of v2's Fortran order: axes reversed */
	static int[] reversed(final int rank) {
		final int[] order = new int[rank];
		for (int i = 0; i < rank; i++)
			order[i] = rank - 1 - i;
		return order;
	}

	/** @return whether order is 0, 1, ..., n-1 */
	static boolean isIdentity(final int[] order) {
		for (int i = 0; i < order.length; i++)
			if (order[i] != i)
				return false;
		return true;
	}

	/** @return whether order holds each of 0 .. rank-1 exactly once */
	static boolean isPermutation(final int[] order, final int rank) {
		if (order.length != rank)
			return false;
		final boolean[] seen = new boolean[rank];
		for (final int a : order) {
			if (a < 0 || a >= rank || seen[a])
				return false;
			seen[a] = true;
		}
		return true;
	}

	/**
	 * Composes two transposes applied one after the other (first, then second) into one.
	 */
	static int[] compose(final int[] first, final int[] second) {
		final int[] out = new int[first.length];
		for (int i = 0; i < out.length; i++)
			out[i] = first[second[i]];
		return out;
	}

	/** @return the shape after encoding: {@code encoded[i] = decoded[order[i]]} */
	static int[] encodedShape(final int[] decodedShape, final int[] order) {
		final int[] out = new int[order.length];
		for (int i = 0; i < order.length; i++)
			out[i] = decodedShape[order[i]];
		return out;
	}

	/**
	 * @param encoded elements in C order of the encoded (permuted) shape
	 * @return the elements in C order of the decoded shape
	 */
	static byte[] decode(final byte[] encoded, final int[] decodedShape, final int[] order, final int bytes) {
		final byte[] out = new byte[encoded.length];
		permute(encoded, out, decodedShape, order, bytes, true);
		return out;
	}

	/**
	 * @param decoded elements in C order of the decoded shape
	 * @return the elements in C order of the encoded (permuted) shape
	 */
	static byte[] encode(final byte[] decoded, final int[] decodedShape, final int[] order, final int bytes) {
		final byte[] out = new byte[decoded.length];
		permute(decoded, out, decodedShape, order, bytes, false);
		return out;
	}

	private static void permute(final byte[] src, final byte[] dst, final int[] shape, final int[] order,
			final int bytes, final boolean decode) {
		final int n = shape.length;
		if (src.length == 0)
			return;
		if (n == 0) {
			System.arraycopy(src, 0, dst, 0, src.length);
			return;
		}
		// stride (in elements) of each decoded axis within the encoded layout
		final int[] encodedShape = encodedShape(shape, order);
		final long[] stride = new long[n];
		long step = 1;
		for (int i = n - 1; i >= 0; i--) {
			stride[order[i]] = step;
			step *= encodedShape[i];
		}
		final int last = n - 1;
		final int inner = shape[last];
		final int innerStride = (int) stride[last] * bytes;
		final int[] index = new int[n];
		int linear = 0; // decoded position, in bytes
		int permuted = 0; // encoded position, in bytes
		while (true) {
			int p = permuted;
			if (decode)
				for (int x = 0; x < inner; x++, p += innerStride)
					for (int b = 0; b < bytes; b++)
						dst[linear++] = src[p + b];
			else
				for (int x = 0; x < inner; x++, p += innerStride)
					for (int b = 0; b < bytes; b++)
						dst[p + b] = src[linear++];
			int d = last - 1;
			for (; d >= 0; d--) {
				if (++index[d] < shape[d]) {
					permuted += (int) stride[d] * bytes;
					break;
				}
				permuted -= (int) stride[d] * bytes * (shape[d] - 1);
				index[d] = 0;
			}
			if (d < 0)
				return;
		}
	}
}
