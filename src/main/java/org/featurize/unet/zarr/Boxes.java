package org.featurize.unet.zarr;

/**
 * Copies a box of elements between two primitive arrays that hold n-dimensional blocks in C order (last axis
 * fastest), one contiguous row at a time with {@link System#arraycopy}.
 */
final class Boxes {

	private Boxes() {
		// static utility
	}

	/**
	 * Copies the box of the given size at srcOffset in src (of shape srcShape) to dstOffset in dst (of shape
	 * dstShape). All arrays are in the same axis order, src and dst are arrays of the same primitive type.
	 */
	static void copy(final Object src, final int[] srcShape, final int[] srcOffset, final Object dst,
			final int[] dstShape, final int[] dstOffset, final int[] size) {
		final int n = size.length;
		for (final int s : size)
			if (s == 0)
				return;
		if (n == 0) {
			System.arraycopy(src, 0, dst, 0, 1);
			return;
		}
		final long[] srcStride = strides(srcShape);
		final long[] dstStride = strides(dstShape);
		long srcPos = 0;
		long dstPos = 0;
		for (int d = 0; d < n; d++) {
			srcPos += srcOffset[d] * srcStride[d];
			dstPos += dstOffset[d] * dstStride[d];
		}
		final int last = n - 1;
		final int row = size[last];
		final int[] index = new int[n];
		while (true) {
			System.arraycopy(src, (int) srcPos, dst, (int) dstPos, row);
			int d = last - 1;
			for (; d >= 0; d--) {
				if (++index[d] < size[d]) {
					srcPos += srcStride[d];
					dstPos += dstStride[d];
					break;
				}
				srcPos -= srcStride[d] * (size[d] - 1);
				dstPos -= dstStride[d] * (size[d] - 1);
				index[d] = 0;
			}
			if (d < 0)
				return;
		}
	}

	/** @return the C-order strides (in elements) of a block of the given shape */
	static long[] strides(final int[] shape) {
		final long[] stride = new long[shape.length];
		long step = 1;
		for (int d = shape.length - 1; d >= 0; d--) {
			stride[d] = step;
			step *= shape[d];
		}
		return stride;
	}

	/** @return the number of elements of a block of the given shape */
	static long size(final int[] shape) {
		long n = 1;
		for (final int s : shape)
			n *= s;
		return n;
	}
}
