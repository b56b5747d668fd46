package org.featurize.unet.zarr;

/**
 * The one place that maps axes between Zarr and ImgLib2. Zarr lists axes in C (NumPy) order, slowest first:
 * {@code (t, z, y, x)}; ImgLib2 lists them fastest first: {@code (x, y, z, t)}. The mapping reverses the axes;
 * element order in memory is then the same (x fastest), so C-order chunks need no transpose.
 */
public final class ZarrAxes {

	private ZarrAxes() {
		// static utility
	}

	/**
	 * @param zarr a shape or position, Zarr order (slowest first)
	 * @return the same in ImgLib2 order (x first)
	 */
	public static long[] toImgLib2(final long[] zarr) {
		return reversed(zarr);
	}

	/**
	 * @param zarr a chunk shape, Zarr order (slowest first)
	 * @return the cell dimensions, ImgLib2 order (x first)
	 */
	public static int[] toImgLib2(final int[] zarr) {
		return reversed(zarr);
	}

	/**
	 * @param imgLib2 dimensions or a position, ImgLib2 order (x first)
	 * @return the same in Zarr order (slowest first)
	 */
	public static long[] toZarr(final long[] imgLib2) {
		return reversed(imgLib2);
	}

	/**
	 * @param imgLib2 cell dimensions, ImgLib2 order (x first)
	 * @return the chunk shape, Zarr order (slowest first)
	 */
	public static int[] toZarr(final int[] imgLib2) {
		return reversed(imgLib2);
	}

	/**
	 * @param zarrAxis an axis index in Zarr's order
	 * @param rank the number of axes
	 * @return the same axis's index in ImgLib2's order
	 */
	public static int toImgLib2Axis(final int zarrAxis, final int rank) {
		return checkAxis(zarrAxis, rank);
	}

	/**
	 * @param imgLib2Axis an axis index in ImgLib2's order
	 * @param rank the number of axes
	 * @return the same axis's index in Zarr's order
	 */
	public static int toZarrAxis(final int imgLib2Axis, final int rank) {
		return checkAxis(imgLib2Axis, rank);
	}

	/**
	 * @param <T> the value type
	 * @param values one value per axis (such as dimension names), in either order
	 * @return the values in the other order
	 */
	public static <T> T[] reorder(final T[] values) {
		final T[] out = values.clone();
		for (int i = 0; i < out.length; i++)
			out[i] = values[values.length - 1 - i];
		return out;
	}

	private static int checkAxis(final int axis, final int rank) {
		if (axis < 0 || axis >= rank)
			throw new IndexOutOfBoundsException("Axis " + axis + " of " + rank);
		return rank - 1 - axis;
	}

	private static long[] reversed(final long[] a) {
		final long[] out = new long[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = a[a.length - 1 - i];
		return out;
	}

	private static int[] reversed(final int[] a) {
		final int[] out = new int[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = a[a.length - 1 - i];
		return out;
	}
}
