package org.featurize.unet.zarr;

/**
 * Chunk key encodings: v2 and v3's "v2" join the grid position with the separator ("0.1.2", or "0" for no axes);
 * v3's "default" puts "c" first ("c/0/1/2", or "c"); N5 joins it reversed, fastest axis first ("2/1/0").
 */
final class ChunkKeys {

	final boolean prefixed;

	final String separator;

	final boolean reversed;

	ChunkKeys(final boolean prefixed, final String separator) {
		this(prefixed, separator, false);
	}

	ChunkKeys(final boolean prefixed, final String separator, final boolean reversed) {
		this.prefixed = prefixed;
		this.separator = separator;
		this.reversed = reversed;
	}

	/** @return the key of the chunk (or shard) at a grid position, relative to the array's folder */
	String key(final long[] gridPosition) {
		final StringBuilder sb = new StringBuilder(prefixed ? "c" : "");
		for (int d = 0; d < gridPosition.length; d++) {
			if (d > 0 || prefixed)
				sb.append(separator);
			sb.append(gridPosition[reversed ? gridPosition.length - 1 - d : d]);
		}
		if (sb.length() == 0)
			sb.append('0');
		return sb.toString();
	}
}
