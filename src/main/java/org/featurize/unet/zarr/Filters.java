package org.featurize.unet.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The filters of a Zarr v2 array ({@code .zarray}'s {@code filters}): numcodecs' element-wise steps that run before
 * the compressor when a chunk is written and after it when it is read, on the chunk's elements in the order they are
 * stored. Each is a {@link ByteCodec} whose encoded size follows from its decoded size, so that the compressor's
 * output is checked against an exact size. They compute as NumPy does in numcodecs 0.11: {@code delta} (differences
 * of neighbours, summed back in the encoded type), {@code fixedscaleoffset} ({@code round((x - offset) * scale)},
 * read as {@code x / scale + offset}), {@code astype} and {@code quantize} (read as a cast of the stored type),
 * {@code bitround} (read as stored) and {@code shuffle} (bytes grouped by their place in an element). Integer casts
 * and sums wrap as NumPy's do; a float cast to an integer loses its fraction.
 */
final class Filters {

	private Filters() {
		// static utility
	}

	/** The filter ids this reads. */
	static final List<String> SUPPORTED = List.of("delta", "fixedscaleoffset", "astype", "quantize", "bitround",
			"shuffle");

	/**
	 * @param filters the {@code filters} value: null, an empty list, or a list of numcodecs configurations
	 * @param type the array's element type
	 * @param order the array's byte order
	 * @param file the metadata file, for messages
	 * @return the filters in the order they encode
	 */
	static List<ByteCodec> parse(final JsonNode filters, final DataType type, final ByteOrder order, final Path file) {
		if (filters == null || filters.isNull())
			return List.of();
		if (!filters.isArray())
			throw Json.mistyped("filters", "null or a list of objects", filters, file);
		final List<ByteCodec> out = new ArrayList<>();
		final Element array = new Element(type, order);
		for (final JsonNode f : filters) {
			final ObjectNode config = Json.object(f, "filter", file);
			final String id = Json.text(config, "id", file);
			try {
				out.add(filter(id, config, array, file));
			} catch (final IllegalArgumentException e) {
				throw new ZarrFormatException("Malformed metadata " + file + ": filter " + id + ": " + e.getMessage(), e);
			}
		}
		return out;
	}

	private static ByteCodec filter(final String id, final ObjectNode config, final Element array, final Path file) {
		switch (id) {
		case "delta": {
			final Element dtype = Element.parse(config, "dtype", array, file);
			return new Delta(dtype, Element.parse(config, "astype", dtype, file));
		}
		case "fixedscaleoffset": {
			final Element dtype = Element.parse(config, "dtype", array, file);
			return new FixedScaleOffset(dtype, Element.parse(config, "astype", dtype, file), number(config, "scale", file),
					number(config, "offset", file));
		}
		case "astype": {
			final Element decoded = Element.parse(config, "decode_dtype", array, file);
			return new AsType(decoded, Element.parse(config, "encode_dtype", decoded, file), "astype");
		}
		case "quantize": {
			final Element dtype = Element.parse(config, "dtype", array, file);
			final JsonNode digits = Json.required(config, "digits", file);
			return new Quantize(dtype, Element.parse(config, "astype", dtype, file), Json.integer(digits, "digits", file));
		}
		case "bitround":
			return new BitRound(array, Json.integer(Json.required(config, "keepbits", file), "keepbits", file));
		case "shuffle": {
			final int size = config.has("elementsize") ? Json.integer(config.get("elementsize"), "elementsize", file)
					: 4;
			if (size < 1)
				throw new IllegalArgumentException("elementsize is " + size + ", expected 1 or more");
			return new ByteShuffle(size);
		}
		default:
			throw new ZarrUnsupportedException("Unsupported filter \"" + id + "\" in " + file + ": expected "
					+ String.join(", ", SUPPORTED) + ", or no filters (null)");
		}
	}

	private static double number(final ObjectNode config, final String field, final Path file) {
		final JsonNode n = Json.required(config, field, file);
		if (!n.isNumber())
			throw Json.mistyped(field, "a number", n, file);
		return n.doubleValue();
	}

	/** A numeric element type with its byte order, as a filter's dtype names it ({@code "<i4"}). */
	record Element(DataType type, ByteOrder order) {

		static Element parse(final ObjectNode config, final String field, final Element otherwise, final Path file) {
			final JsonNode node = config.get(field);
			if (node == null || node.isNull())
				return otherwise;
			final DataType type = node.isTextual() ? DataType.parseV2OrNull(node.textValue()) : null;
			if (type == null || type == DataType.BOOL)
				throw new ZarrUnsupportedException("Unsupported " + field + " " + node + " of a filter in " + file
						+ ": expected a numeric NumPy dtype such as \"<i4\" or \"<f8\"");
			return new Element(type, node.textValue().charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		}

		int size() {
			return type.bytesPerElement();
		}

		ByteBuffer wrap(final byte[] bytes) {
			return ByteBuffer.wrap(bytes).order(order);
		}

		/** @return element {@code i} as an integer (an unsigned 64 bit one as its bits); floats lose their fraction */
		long getLong(final ByteBuffer b, final int i) {
			switch (type) {
			case UINT8:
				return b.get(i) & 0xffL;
			case INT8:
				return b.get(i);
			case UINT16:
				return b.getShort(i * 2) & 0xffffL;
			case INT16:
				return b.getShort(i * 2);
			case UINT32:
				return b.getInt(i * 4) & 0xffffffffL;
			case INT32:
				return b.getInt(i * 4);
			case UINT64:
			case INT64:
				return b.getLong(i * 8);
			default:
				return (long) getDouble(b, i);
			}
		}

		/** @return element {@code i} as a double (an unsigned 64 bit integer by its value) */
		double getDouble(final ByteBuffer b, final int i) {
			switch (type) {
			case FLOAT16:
				return Half.toFloat(b.getShort(i * 2));
			case FLOAT32:
				return b.getFloat(i * 4);
			case FLOAT64:
				return b.getDouble(i * 8);
			case UINT64: {
				final long v = b.getLong(i * 8);
				return v >= 0 ? v : (v >>> 1 | (v & 1)) * 2.0;
			}
			default:
				return getLong(b, i);
			}
		}

		/** Stores an integer: wrapped to an integer type, rounded to a float type. */
		void putLong(final ByteBuffer b, final int i, final long v) {
			switch (type) {
			case FLOAT16:
				b.putShort(i * 2, Half.fromFloat(v));
				break;
			case FLOAT32:
				b.putFloat(i * 4, v);
				break;
			case FLOAT64:
				b.putDouble(i * 8, v);
				break;
			case UINT8:
			case INT8:
				b.put(i, (byte) v);
				break;
			case UINT16:
			case INT16:
				b.putShort(i * 2, (short) v);
				break;
			case UINT32:
			case INT32:
				b.putInt(i * 4, (int) v);
				break;
			default:
				b.putLong(i * 8, v);
			}
		}

		/** Stores a double: rounded to a float type; to an integer type without its fraction, then wrapped. */
		void putDouble(final ByteBuffer b, final int i, final double v) {
			switch (type) {
			case FLOAT16:
				b.putShort(i * 2, Half.fromFloat((float) v));
				break;
			case FLOAT32:
				b.putFloat(i * 4, (float) v);
				break;
			case FLOAT64:
				b.putDouble(i * 8, v);
				break;
			case UINT64:
				putLong(b, i, v >= 0x1p63 ? (long) (v - 0x1p63) ^ Long.MIN_VALUE : (long) v);
				break;
			default:
				putLong(b, i, (long) v);
			}
		}

		/** Rounds to this float type's precision (the type NumPy computes in for an array of it and a Python float). */
		double round(final double v) {
			switch (type) {
			case FLOAT16:
				return Half.toFloat(Half.fromFloat((float) v));
			case FLOAT32:
				return (float) v;
			default:
				return v;
			}
		}
	}

	/** A filter that maps each element of one type to an element of another (or the same) type. */
	private abstract static class ElementFilter implements ByteCodec {

		final Element decoded;

		final Element encoded;

		private final String name;

		ElementFilter(final Element decoded, final Element encoded, final String name) {
			this.decoded = decoded;
			this.encoded = encoded;
			this.name = name;
		}

		@Override
		public String name() {
			return name;
		}

		@Override
		public long encodedLength(final long decodedLength) {
			return decodedLength / decoded.size() * encoded.size();
		}

		@Override
		public byte[] encode(final byte[] bytes) {
			final int n = bytes.length / decoded.size();
			final byte[] out = new byte[n * encoded.size()];
			encode(decoded.wrap(bytes), encoded.wrap(out), n);
			return out;
		}

		@Override
		public byte[] decode(final byte[] bytes, final long limit, final boolean exact, final Object where) {
			if (bytes.length % encoded.size() != 0)
				throw new ZarrChunkException("Corrupt chunk " + where + ": " + bytes.length + " bytes for the " + name
						+ " filter, not a whole number of " + encoded.size() + " byte elements");
			final int n = bytes.length / encoded.size();
			final long size = (long) n * decoded.size();
			if (exact ? size != limit : size > limit)
				throw new ZarrChunkException("Corrupt chunk " + where + ": the " + name + " filter reads " + n
						+ " elements (" + size + " bytes), expected " + (exact ? "" : "at most ") + limit + " bytes");
			final byte[] out = new byte[(int) size];
			decode(encoded.wrap(bytes), decoded.wrap(out), n);
			return out;
		}

		abstract void encode(ByteBuffer in, ByteBuffer out, int n);

		abstract void decode(ByteBuffer in, ByteBuffer out, int n);
	}

	/** numcodecs' Delta: the first element, then each one's difference from the one before. */
	private static final class Delta extends ElementFilter {

		Delta(final Element dtype, final Element astype) {
			super(dtype, astype, "delta");
		}

		@Override
		void encode(final ByteBuffer in, final ByteBuffer out, final int n) {
			if (decoded.type.isFloat()) {
				double before = 0;
				for (int i = 0; i < n; i++) {
					final double v = decoded.getDouble(in, i);
					encoded.putDouble(out, i, i == 0 ? v : decoded.round(v - before));
					before = v;
				}
			} else {
				long before = 0;
				for (int i = 0; i < n; i++) {
					final long v = decoded.getLong(in, i);
					encoded.putLong(out, i, v - before);
					before = v;
				}
			}
		}

		@Override
		void decode(final ByteBuffer in, final ByteBuffer out, final int n) {
			// NumPy sums in the stored type (integers wrap, and so do their sums cast to the decoded type)
			if (encoded.type.isFloat()) {
				double sum = 0;
				for (int i = 0; i < n; i++) {
					sum = encoded.round(sum + encoded.getDouble(in, i));
					decoded.putDouble(out, i, sum);
				}
			} else {
				long sum = 0;
				for (int i = 0; i < n; i++) {
					sum += encoded.getLong(in, i);
					decoded.putLong(out, i, sum);
				}
			}
		}
	}

	/** numcodecs' FixedScaleOffset: {@code round((x - offset) * scale)} stored, {@code x / scale + offset} read. */
	private static final class FixedScaleOffset extends ElementFilter {

		private final double scale;

		private final double offset;

		FixedScaleOffset(final Element dtype, final Element astype, final double scale, final double offset) {
			super(dtype, astype, "fixedscaleoffset");
			this.scale = scale;
			this.offset = offset;
		}

		@Override
		void encode(final ByteBuffer in, final ByteBuffer out, final int n) {
			// an array of floats with a Python float computes in the array's type; one of integers in float64
			final Element math = decoded.type.isFloat() ? decoded : new Element(DataType.FLOAT64, decoded.order);
			final double s = math.round(scale), o = math.round(offset);
			for (int i = 0; i < n; i++)
				encoded.putDouble(out, i, math.round(Math.rint(math.round(math.round(decoded.getDouble(in, i) - o) * s))));
		}

		@Override
		void decode(final ByteBuffer in, final ByteBuffer out, final int n) {
			final Element math = encoded.type.isFloat() ? encoded : new Element(DataType.FLOAT64, encoded.order);
			final double s = math.round(scale), o = math.round(offset);
			for (int i = 0; i < n; i++)
				decoded.putDouble(out, i, math.round(math.round(encoded.getDouble(in, i) / s) + o));
		}
	}

	/** numcodecs' AsType: the elements cast to another type, and back. */
	private static class AsType extends ElementFilter {

		AsType(final Element decoded, final Element encoded, final String name) {
			super(decoded, encoded, name);
		}

		static void cast(final Element from, final ByteBuffer in, final Element to, final ByteBuffer out, final int n) {
			if (from.type.isFloat())
				for (int i = 0; i < n; i++)
					to.putDouble(out, i, from.getDouble(in, i));
			else
				for (int i = 0; i < n; i++)
					to.putLong(out, i, from.getLong(in, i));
		}

		@Override
		void encode(final ByteBuffer in, final ByteBuffer out, final int n) {
			cast(decoded, in, encoded, out, n);
		}

		@Override
		void decode(final ByteBuffer in, final ByteBuffer out, final int n) {
			cast(encoded, in, decoded, out, n);
		}
	}

	/** numcodecs' Quantize: values rounded to a power of two near 10^-digits when stored; read as stored. */
	private static final class Quantize extends AsType {

		private final double scale;

		Quantize(final Element dtype, final Element astype, final int digits) {
			super(dtype, astype, "quantize");
			if (!dtype.type.isFloat())
				throw new IllegalArgumentException("dtype " + dtype.type.v3Name() + ", expected a float type");
			final double exp = Math.log(Math.pow(10, -digits)) / Math.log(10); // as Python's math.log(x, 10)
			final int e = (int) (exp < 0 ? Math.floor(exp) : Math.ceil(exp));
			scale = Math.pow(2, Math.ceil(Math.log(Math.pow(10, -e)) / Math.log(2)));
		}

		@Override
		void encode(final ByteBuffer in, final ByteBuffer out, final int n) {
			final double s = decoded.round(scale);
			for (int i = 0; i < n; i++)
				encoded.putDouble(out, i, decoded.round(decoded.round(Math.rint(decoded.round(decoded.getDouble(in, i) * s))) / s));
		}
	}

	/** numcodecs' BitRound: the mantissa rounded to {@code keepbits} bits (to nearest, ties to even) when stored. */
	private static final class BitRound extends ElementFilter {

		private final int maskbits;

		BitRound(final Element array, final int keepbits) {
			super(array, array, "bitround");
			if (!array.type.isFloat())
				throw new IllegalArgumentException("the array's dtype is " + array.type.v3Name() + ", expected a float type");
			final int bits = array.type == DataType.FLOAT16 ? 10 : array.type == DataType.FLOAT32 ? 23 : 52;
			if (keepbits < 0 || keepbits > bits)
				throw new IllegalArgumentException("keepbits is " + keepbits + ", expected 0 to " + bits + " for "
						+ array.type.v3Name());
			maskbits = bits - keepbits;
		}

		@Override
		void encode(final ByteBuffer in, final ByteBuffer out, final int n) {
			final int size = decoded.size();
			for (int i = 0; i < n; i++) {
				long v = size == 2 ? in.getShort(i * 2) : size == 4 ? in.getInt(i * 4) : in.getLong(i * 8);
				if (maskbits > 0) {
					v += ((v >> maskbits) & 1) + (1L << (maskbits - 1)) - 1;
					v = (v >> maskbits) << maskbits;
				}
				if (size == 2)
					out.putShort(i * 2, (short) v);
				else if (size == 4)
					out.putInt(i * 4, (int) v);
				else
					out.putLong(i * 8, v);
			}
		}

		@Override
		void decode(final ByteBuffer in, final ByteBuffer out, final int n) {
			out.put(0, in, 0, n * decoded.size());
		}
	}

	/** numcodecs' Shuffle: byte {@code b} of element {@code i} stored at {@code b * count + i}. */
	private static final class ByteShuffle implements ByteCodec {

		private final int size;

		ByteShuffle(final int size) {
			this.size = size;
		}

		@Override
		public String name() {
			return "shuffle";
		}

		@Override
		public long encodedLength(final long decodedLength) {
			return decodedLength;
		}

		@Override
		public byte[] encode(final byte[] bytes) {
			final int count = bytes.length / size;
			final byte[] out = new byte[bytes.length];
			for (int i = 0; i < count; i++)
				for (int b = 0; b < size; b++)
					out[b * count + i] = bytes[i * size + b];
			return out;
		}

		@Override
		public byte[] decode(final byte[] bytes, final long limit, final boolean exact, final Object where) {
			if (bytes.length % size != 0 || (exact ? bytes.length != limit : bytes.length > limit))
				throw new ZarrChunkException("Corrupt chunk " + where + ": " + bytes.length + " bytes for the shuffle filter"
						+ " of " + size + " byte elements, expected " + (exact ? "" : "at most ") + limit);
			final int count = bytes.length / size;
			final byte[] out = new byte[bytes.length];
			for (int i = 0; i < count; i++)
				for (int b = 0; b < size; b++)
					out[i * size + b] = bytes[b * count + i];
			return out;
		}
	}
}
