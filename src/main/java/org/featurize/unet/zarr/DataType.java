package org.featurize.unet.zarr;

import java.nio.ByteOrder;

/**
 * The element types of a Zarr array, with their names in Zarr v2 ({@code "<f4"}) and v3 ({@code "float32"}).
 * <p>
 * Chunks are handed out as Java primitive arrays: {@code byte[]} for {@link #BOOL}, {@link #UINT8} and
 * {@link #INT8}, {@code short[]} for the 16-bit integers, {@code int[]}, {@code long[]}, {@code float[]} for
 * {@link #FLOAT32} and for {@link #FLOAT16} (decoded to float), and {@code double[]}. Unsigned values keep their
 * raw bits.
 */
public enum DataType {

	/** NumPy bool, one byte 0 or 1 */
	BOOL(1, "b1", "bool", byte[].class),
	/** unsigned 8 bit */
	UINT8(1, "u1", "uint8", byte[].class),
	/** signed 8 bit */
	INT8(1, "i1", "int8", byte[].class),
	/** unsigned 16 bit */
	UINT16(2, "u2", "uint16", short[].class),
	/** signed 16 bit */
	INT16(2, "i2", "int16", short[].class),
	/** unsigned 32 bit */
	UINT32(4, "u4", "uint32", int[].class),
	/** signed 32 bit */
	INT32(4, "i4", "int32", int[].class),
	/** unsigned 64 bit */
	UINT64(8, "u8", "uint64", long[].class),
	/** signed 64 bit */
	INT64(8, "i8", "int64", long[].class),
	/** IEEE half precision, decoded to float */
	FLOAT16(2, "f2", "float16", float[].class),
	/** IEEE single precision */
	FLOAT32(4, "f4", "float32", float[].class),
	/** IEEE double precision */
	FLOAT64(8, "f8", "float64", double[].class);

	private final int bytes;

	private final String v2Code;

	private final String v3Name;

	private final Class<?> arrayClass;

	DataType(final int bytes, final String v2Code, final String v3Name, final Class<?> arrayClass) {
		this.bytes = bytes;
		this.v2Code = v2Code;
		this.v3Name = v3Name;
		this.arrayClass = arrayClass;
	}

	/** @return the number of bytes one element takes in a stored chunk (2 for {@link #FLOAT16}) */
	public int bytesPerElement() {
		return bytes;
	}

	/** @return the Java array class that holds a decoded chunk, e.g. {@code float[].class} */
	public Class<?> javaArrayClass() {
		return arrayClass;
	}

	/** @return whether this is one of the floating point types */
	public boolean isFloat() {
		return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
	}

	/** @return whether this is an unsigned integer type */
	public boolean isUnsigned() {
		return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
	}

	/** @return the Zarr v3 name, e.g. {@code "float32"} */
	public String v3Name() {
		return v3Name;
	}

	/**
	 * @param order the byte order of stored chunks
	 * @return the Zarr v2 (NumPy) dtype, e.g. {@code "<f4"}, {@code ">u2"}, {@code "|u1"}
	 */
	public String v2Name(final ByteOrder order) {
		if (bytes == 1)
			return "|" + v2Code;
		return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + v2Code;
	}

	/**
	 * @param dtype a Zarr v2 dtype such as {@code "<f4"} or {@code "|b1"}
	 * @return its data type
	 * @throws ZarrUnsupportedException if the dtype is not one of the supported ones
	 */
	public static DataType fromV2(final String dtype) {
		final DataType type = parseV2OrNull(dtype);
		if (type == null)
			throw new ZarrUnsupportedException("Unsupported Zarr v2 dtype \"" + dtype + "\": expected one of "
					+ supportedV2());
		return type;
	}

	/**
	 * @param dtype a Zarr v2 dtype such as {@code "<f4"}
	 * @return the byte order it names; {@link ByteOrder#LITTLE_ENDIAN} for single-byte types
	 * @throws ZarrUnsupportedException if the dtype is not one of the supported ones
	 */
	public static ByteOrder byteOrderOfV2(final String dtype) {
		fromV2(dtype);
		return dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
	}

	/**
	 * @param name a Zarr v3 data type name such as {@code "float32"}
	 * @return its data type
	 * @throws ZarrUnsupportedException if the name is not one of the supported ones
	 */
	public static DataType fromV3(final String name) {
		final DataType type = parseV3OrNull(name);
		if (type == null)
			throw new ZarrUnsupportedException("Unsupported Zarr v3 data type \"" + name + "\": expected one of "
					+ supportedV3());
		return type;
	}

	static DataType parseV2OrNull(final String dtype) {
		if (dtype == null || dtype.length() != 3)
			return null;
		final char endian = dtype.charAt(0);
		if (endian != '<' && endian != '>' && endian != '|')
			return null;
		final String code = dtype.substring(1);
		for (final DataType t : values())
			if (t.v2Code.equals(code) && (endian != '|' || t.bytes == 1))
				return t;
		return null;
	}

	static DataType parseV3OrNull(final String name) {
		for (final DataType t : values())
			if (t.v3Name.equals(name))
				return t;
		return null;
	}

	static String supportedV2() {
		final StringBuilder sb = new StringBuilder();
		for (final DataType t : values())
			sb.append(sb.length() == 0 ? "" : ", ")
					.append(t.bytes == 1 ? "|" + t.v2Code : "<" + t.v2Code + " >" + t.v2Code);
		return sb.toString();
	}

	static String supportedV3() {
		final StringBuilder sb = new StringBuilder();
		for (final DataType t : values())
			sb.append(sb.length() == 0 ? "" : ", ").append(t.v3Name);
		return sb.toString();
	}
}
