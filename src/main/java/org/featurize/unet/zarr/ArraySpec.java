package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create a Zarr array, built with {@link #builder()}. Shapes are in Zarr's (C, NumPy) axis
 * order. Required: {@code shape}, {@code chunks}, {@code dataType}. Defaults: little-endian, order C, no
 * compressor, Zarr v2, fill value 0, separator "." (v2) or "/" (v3 default keys), no attributes, no overwrite.
 * <p>
 * For v3, {@code shardShape} stores chunks inside shards (sharding_indexed): {@code chunks} is then the inner
 * chunk shape, the unit of reading and writing, and must divide the shard shape.
 */
public final class ArraySpec {

	private final long[] shape;

	private final int[] chunks;

	private final DataType dataType;

	private final ByteOrder byteOrder;

	private final char order;

	private final Compressor compressor;

	private final int zarrFormat;

	private final Object fillValue;

	private final long fillBits;

	private final String separator;

	private final String chunkKeyEncoding;

	private final Map<String, Object> attributes;

	private final boolean overwrite;

	private final int[] shardShape;

	private final String[] dimensionNames;

	private ArraySpec(final Builder b) {
		if (b.shape == null || b.chunks == null || b.dataType == null)
			throw new IllegalArgumentException("An array spec needs shape, chunks and dataType");
		shape = b.shape.clone();
		chunks = b.chunks.clone();
		dataType = b.dataType;
		byteOrder = b.byteOrder;
		order = b.order;
		compressor = b.compressor;
		zarrFormat = b.zarrFormat;
		fillValue = b.fillValue;
		chunkKeyEncoding = b.chunkKeyEncoding;
		separator = b.separator != null ? b.separator
				: zarrFormat == 3 && chunkKeyEncoding.equals("default") ? "/" : ".";
		attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
		overwrite = b.overwrite;
		shardShape = b.shardShape == null ? null : b.shardShape.clone();
		dimensionNames = b.dimensionNames == null ? null : b.dimensionNames.clone();
		try {
			ArrayMetadata.checkShapes(shape, chunks, dataType, "chunks", "the array spec");
		} catch (final ZarrException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
		if (order != 'C' && order != 'F')
			throw new IllegalArgumentException("order must be 'C' or 'F', got '" + order + "'");
		if (zarrFormat != 2 && zarrFormat != 3)
			throw new IllegalArgumentException("zarrFormat must be 2 or 3, got " + zarrFormat);
		if (!separator.equals(".") && !separator.equals("/"))
			throw new IllegalArgumentException("dimensionSeparator must be \".\" or \"/\", got \"" + separator + "\"");
		if (!chunkKeyEncoding.equals("default") && !chunkKeyEncoding.equals("v2"))
			throw new IllegalArgumentException("chunkKeyEncoding must be \"default\" or \"v2\", got \""
					+ chunkKeyEncoding + "\"");
		if (zarrFormat == 3 && compressor.kind() == Compressor.Kind.LZ4)
			throw new IllegalArgumentException(compressor + " is a Zarr v2 compressor (numcodecs); a v3 array takes "
					+ "blosc, zstd, gzip or zlib");
		if (zarrFormat == 2 && (shardShape != null || dimensionNames != null || !chunkKeyEncoding.equals("default")))
			throw new IllegalArgumentException("shardShape, dimensionNames and chunkKeyEncoding are for Zarr v3 only");
		if (shardShape != null) {
			if (shardShape.length != chunks.length)
				throw new IllegalArgumentException("shardShape " + Arrays.toString(shardShape)
						+ " and chunks " + Arrays.toString(chunks) + " differ in rank");
			for (int d = 0; d < chunks.length; d++)
				if (shardShape[d] <= 0 || shardShape[d] % chunks[d] != 0)
					throw new IllegalArgumentException("shardShape " + Arrays.toString(shardShape)
							+ " must be a positive multiple of chunks " + Arrays.toString(chunks));
		}
		if (dimensionNames != null && dimensionNames.length != shape.length)
			throw new IllegalArgumentException(dimensionNames.length + " dimensionNames for " + shape.length + " axes");
		fillBits = FillValue.fromObject(fillValue, dataType);
	}

	/** @return a new builder */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the shape, Zarr axis order */
	public long[] shape() {
		return shape.clone();
	}

	/** @return the chunk shape (inner chunks when sharded), Zarr axis order */
	public int[] chunks() {
		return chunks.clone();
	}

	/** @return the element type */
	public DataType dataType() {
		return dataType;
	}

	/** @return the byte order of stored elements */
	public ByteOrder byteOrder() {
		return byteOrder;
	}

	/** @return 'C' or 'F': the element order inside stored chunks */
	public char order() {
		return order;
	}

	/** @return how chunks are compressed */
	public Compressor compressor() {
		return compressor;
	}

	/** @return 2 or 3 */
	public int zarrFormat() {
		return zarrFormat;
	}

	/** @return the fill value as given: a Number, a Boolean, or null (0) */
	public Object fillValue() {
		return fillValue;
	}

	long fillBits() {
		return fillBits;
	}

	/** @return "." or "/" */
	public String dimensionSeparator() {
		return separator;
	}

	/** @return "default" or "v2" (v3 only) */
	public String chunkKeyEncoding() {
		return chunkKeyEncoding;
	}

	/** @return the attributes (unmodifiable) */
	public Map<String, Object> attributes() {
		return attributes;
	}

	/** @return whether an existing array or group at the path is replaced */
	public boolean overwrite() {
		return overwrite;
	}

	/** @return the shard shape, or null if not sharded */
	public int[] shardShape() {
		return shardShape == null ? null : shardShape.clone();
	}

	/** @return the v3 dimension names, or null */
	public String[] dimensionNames() {
		return dimensionNames == null ? null : dimensionNames.clone();
	}

	/** Builds an {@link ArraySpec}; every setter returns the builder. */
	public static final class Builder {

		private long[] shape;

		private int[] chunks;

		private DataType dataType;

		private ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;

		private char order = 'C';

		private Compressor compressor = Compressor.none();

		private int zarrFormat = 2;

		private Object fillValue = 0;

		private String separator;

		private String chunkKeyEncoding = "default";

		private final Map<String, Object> attributes = new LinkedHashMap<>();

		private boolean overwrite;

		private int[] shardShape;

		private String[] dimensionNames;

		private Builder() {
		}

		/**
		 * @param shape the array shape, Zarr axis order, sizes >= 0
		 * @return this builder
		 */
		public Builder shape(final long... shape) {
			this.shape = shape.clone();
			return this;
		}

		/**
		 * @param chunks the chunk shape (inner chunk shape when sharded), Zarr axis order, sizes >= 1
		 * @return this builder
		 */
		public Builder chunks(final int... chunks) {
			this.chunks = chunks.clone();
			return this;
		}

		/**
		 * @param dataType the element type
		 * @return this builder
		 */
		public Builder dataType(final DataType dataType) {
			this.dataType = Objects.requireNonNull(dataType);
			return this;
		}

		/**
		 * @param byteOrder the byte order of stored elements (little-endian by default)
		 * @return this builder
		 */
		public Builder byteOrder(final ByteOrder byteOrder) {
			this.byteOrder = Objects.requireNonNull(byteOrder);
			return this;
		}

		/**
		 * @param order 'C' (last axis fastest) or 'F' (first axis fastest) inside stored chunks
		 * @return this builder
		 */
		public Builder order(final char order) {
			this.order = order;
			return this;
		}

		/**
		 * @param compressor how chunks are compressed ({@link Compressor#none()} by default)
		 * @return this builder
		 */
		public Builder compressor(final Compressor compressor) {
			this.compressor = Objects.requireNonNull(compressor);
			return this;
		}

		/**
		 * @param zarrFormat 2 or 3
		 * @return this builder
		 */
		public Builder zarrFormat(final int zarrFormat) {
			this.zarrFormat = zarrFormat;
			return this;
		}

		/**
		 * @param fillValue a Number (Double.NaN and infinities included), a Boolean, or null
		 * @return this builder
		 */
		public Builder fillValue(final Object fillValue) {
			this.fillValue = fillValue;
			return this;
		}

		/**
		 * @param separator "." or "/" between the grid indices of chunk keys
		 * @return this builder
		 */
		public Builder dimensionSeparator(final String separator) {
			this.separator = separator;
			return this;
		}

		/**
		 * @param name v3 only: "default" (keys "c/0/1") or "v2" (keys "0.1")
		 * @return this builder
		 */
		public Builder chunkKeyEncoding(final String name) {
			this.chunkKeyEncoding = Objects.requireNonNull(name);
			return this;
		}

		/**
		 * @param attributes JSON-compatible attributes (replacing any set before)
		 * @return this builder
		 */
		public Builder attributes(final Map<String, ?> attributes) {
			this.attributes.clear();
			this.attributes.putAll(attributes);
			return this;
		}

		/**
		 * @param overwrite whether to delete an existing array or group at the path first, with everything under it
		 * @return this builder
		 */
		public Builder overwrite(final boolean overwrite) {
			this.overwrite = overwrite;
			return this;
		}

		/**
		 * @param shardShape v3 only: the shard shape, a multiple of the chunk shape
		 * @return this builder
		 */
		public Builder shardShape(final int... shardShape) {
			this.shardShape = shardShape == null ? null : shardShape.clone();
			return this;
		}

		/**
		 * @param names v3 only: one name per axis
		 * @return this builder
		 */
		public Builder dimensionNames(final String... names) {
			this.dimensionNames = names == null ? null : names.clone();
			return this;
		}

		/**
		 * @return the spec
		 * @throws IllegalArgumentException if the settings contradict each other
		 */
		public ArraySpec build() {
			return new ArraySpec(this);
		}
	}
}
