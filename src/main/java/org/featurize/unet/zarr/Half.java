package org.featurize.unet.zarr;

/**
 * IEEE 754 half precision (binary16) to and from single precision, bit for bit as NumPy does it: widening is
 * exact, narrowing rounds to nearest, ties to even; NaN payloads keep their top bits.
 */
public final class Half {

	/** The mantissa bits a binary16 value stores. */
	public static final int MANTISSA_BITS = 10;

	private Half() {
		// static utility
	}

	/**
	 * @param half the 16 bits of a binary16 value
	 * @return the same value as a float (exact)
	 */
	public static float toFloat(final short half) {
		final int bits = half & 0xffff;
		final int sign = (bits & 0x8000) << 16;
		final int exponent = (bits >>> 10) & 0x1f;
		final int mantissa = bits & 0x3ff;
		if (exponent == 0x1f)
			return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
		if (exponent == 0) {
			// zero or subnormal: mantissa * 2^-24, exact in float
			final float value = mantissa * 0x1p-24f;
			return sign == 0 ? value : -value;
		}
		return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
	}

	/**
	 * @param value a float
	 * @return the 16 bits of the nearest binary16 value (ties to even; overflow to infinity)
	 */
	public static short fromFloat(final float value) {
		final int bits = Float.floatToRawIntBits(value);
		final int sign = (bits >>> 16) & 0x8000;
		final int abs = bits & 0x7fffffff;
		if (abs >= 0x7f800000) {
			if (abs == 0x7f800000)
				return (short) (sign | 0x7c00);
			final int payload = (abs >>> 13) & 0x3ff;
			return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload));
		}
		if (abs >= 0x477ff000) // 65520 and above round to infinity
			return (short) (sign | 0x7c00);
		if (abs >= 0x38800000) { // normal half: 2^-14 and above
			final int mantissa = abs & 0x7fffff;
			final int rounded = ((((abs >>> 23) - 112) << 10) | (mantissa >>> 13));
			// up when the rest is over half, or half with an odd last bit: no branch, as the rest is noise
			final int rest = mantissa & 0x1fff;
			return (short) (sign | (rounded + ((rest + 0xfff + (rounded & 1)) >>> 13)));
		}
		if (abs <= 0x33000000) // 2^-25 and below round to zero
			return (short) sign;
		// subnormal half: round(m * 2^(e - 126)) units of 2^-24
		final int exponent = abs >>> 23;
		final int mantissa = (abs & 0x7fffff) | 0x800000;
		final int shift = 126 - exponent;
		int rounded = mantissa >>> shift;
		final int rest = mantissa & ((1 << shift) - 1);
		final int halfway = 1 << (shift - 1);
		if (rest > halfway || (rest == halfway && (rounded & 1) == 1))
			rounded++;
		return (short) (sign | rounded);
	}

	static float[] toFloats(final short[] halves) {
		final float[] out = new float[halves.length];
		for (int i = 0; i < halves.length; i++)
			out[i] = toFloat(halves[i]);
		return out;
	}

	static short[] fromFloats(final float[] floats) {
		final short[] out = new short[floats.length];
		for (int i = 0; i < floats.length; i++)
			out[i] = fromFloat(floats[i]);
		return out;
	}
}
