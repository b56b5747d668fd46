package org.featurize.unet.zarr;

import java.math.BigDecimal;
import java.math.BigInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Fill values: parsed from metadata JSON or from a Java value into their bits (see
 * {@link Elements#filled(DataType, long, int)}), and written back. Floats accept numbers, "NaN", "Infinity",
 * "-Infinity" and (v3) hexadecimal raw bits such as "0x7fc00000"; null means 0.
 */
final class FillValue {

	private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

	private FillValue() {
		// static utility
	}

	/**
	 * @param node the fill_value of the metadata (may be null or a JSON null)
	 * @param where the metadata file, for messages
	 * @return the fill value's bits
	 * @throws ZarrFormatException if the value does not fit the data type
	 */
	static long parse(final JsonNode node, final DataType type, final Object where) {
		if (node == null || node.isNull())
			return 0;
		if (type == DataType.BOOL) {
			if (node.isBoolean())
				return node.booleanValue() ? 1 : 0;
			if (node.isIntegralNumber() && (node.longValue() == 0 || node.longValue() == 1))
				return node.longValue();
			throw bad(node, type, where, "true or false");
		}
		if (type.isFloat()) {
			if (node.isNumber())
				return floatBits(node.doubleValue(), type);
			if (node.isTextual()) {
				final String s = node.textValue();
				switch (s) {
				case "NaN":
					return floatBits(Double.NaN, type);
				case "Infinity":
					return floatBits(Double.POSITIVE_INFINITY, type);
				case "-Infinity":
					return floatBits(Double.NEGATIVE_INFINITY, type);
				default:
					if (s.startsWith("0x") && s.length() == 2 + 2 * type.bytesPerElement()) {
						try {
							return Long.parseUnsignedLong(s.substring(2), 16);
						} catch (final NumberFormatException e) {
							// reported below
						}
					}
				}
			}
			throw bad(node, type, where, "a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"0x\" and "
					+ 2 * type.bytesPerElement() + " hex digits");
		}
		final BigInteger value;
		if (node.isIntegralNumber())
			value = node.bigIntegerValue();
		else if (node.isNumber() && isIntegral(node.decimalValue()))
			value = node.decimalValue().toBigIntegerExact();
		else
			throw bad(node, type, where, "an integer in " + range(type));
		if (value.compareTo(min(type)) < 0 || value.compareTo(max(type)) > 0)
			throw bad(node, type, where, "an integer in " + range(type));
		return value.longValue();
	}

	/**
	 * @param value a Boolean, a Number or null (0)
	 * @return the fill value's bits
	 * @throws IllegalArgumentException if the value does not fit the data type
	 */
	static long fromObject(final Object value, final DataType type) {
		if (value == null)
			return 0;
		if (type == DataType.BOOL && value instanceof Boolean)
			return ((Boolean) value) ? 1 : 0;
		if (!(value instanceof Number))
			throw new IllegalArgumentException("Fill value " + value + " does not fit data type " + type);
		// a Float keeps its exact bits (NaN payloads, signalling NaNs), which widening to double need not
		if (type == DataType.FLOAT32 && value instanceof Float)
			return Float.floatToRawIntBits((Float) value) & 0xffffffffL;
		if (type == DataType.FLOAT16 && value instanceof Float)
			return Half.fromFloat((Float) value) & 0xffffL;
		if (type.isFloat())
			return floatBits(((Number) value).doubleValue(), type);
		final BigDecimal decimal = value instanceof BigInteger ? new BigDecimal((BigInteger) value)
				: value instanceof BigDecimal ? (BigDecimal) value
						: (value instanceof Double || value instanceof Float)
								? BigDecimal.valueOf(((Number) value).doubleValue())
								: BigDecimal.valueOf(((Number) value).longValue());
		if (!isIntegral(decimal))
			throw new IllegalArgumentException("Fill value " + value + " is not an integer, data type " + type);
		final BigInteger integer = decimal.toBigIntegerExact();
		if (integer.compareTo(min(type)) < 0 || integer.compareTo(max(type)) > 0)
			throw new IllegalArgumentException("Fill value " + value + " is outside " + range(type) + " of " + type);
		return integer.longValue();
	}

	/**
	 * @param format 2 or 3: v3 writes NaN payloads other than the usual one as hexadecimal bits
	 * @return the JSON for the metadata
	 */
	static JsonNode toJson(final long bits, final DataType type, final int format) {
		final JsonNodeFactory json = JsonNodeFactory.instance;
		if (type == DataType.BOOL)
			return BooleanNode.valueOf(bits != 0);
		if (type == DataType.UINT64)
			return json.numberNode(new BigInteger(Long.toUnsignedString(bits)));
		if (!type.isFloat())
			return json.numberNode(bits);
		final double value = type == DataType.FLOAT64 ? Double.longBitsToDouble(bits)
				: type == DataType.FLOAT32 ? Float.intBitsToFloat((int) bits) : Half.toFloat((short) bits);
		if (Double.isNaN(value)) {
			if (format == 3 && bits != floatBits(Double.NaN, type))
				return TextNode.valueOf(String.format("0x%0" + 2 * type.bytesPerElement() + "x",
						type == DataType.FLOAT64 ? bits : bits & ((1L << 8 * type.bytesPerElement()) - 1)));
			return TextNode.valueOf("NaN");
		}
		if (Double.isInfinite(value))
			return TextNode.valueOf(value > 0 ? "Infinity" : "-Infinity");
		return DoubleNode.valueOf(value);
	}

	/** @return the bits of a float of the given type nearest to value */
	static long floatBits(final double value, final DataType type) {
		switch (type) {
		case FLOAT16:
			return Half.fromFloat((float) value) & 0xffffL;
		case FLOAT32:
			return Float.floatToRawIntBits((float) value) & 0xffffffffL;
		case FLOAT64:
			return Double.doubleToRawLongBits(value);
		default:
			throw new AssertionError(type);
		}
	}

	private static boolean isIntegral(final BigDecimal d) {
		return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
	}

	private static BigInteger min(final DataType type) {
		return type.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(8 * type.bytesPerElement() - 1).negate();
	}

	private static BigInteger max(final DataType type) {
		if (type == DataType.UINT64)
			return UINT64_MAX;
		return BigInteger.ONE.shiftLeft(8 * type.bytesPerElement() - (type.isUnsigned() ? 0 : 1))
				.subtract(BigInteger.ONE);
	}

	private static String range(final DataType type) {
		return "[" + min(type) + ", " + max(type) + "]";
	}

	private static ZarrFormatException bad(final JsonNode node, final DataType type, final Object where,
			final String expected) {
		return new ZarrFormatException("Invalid fill_value " + node + " in " + where + ": expected " + expected
				+ " for data type " + type);
	}
}
