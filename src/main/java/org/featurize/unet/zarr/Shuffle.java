package org.featurize.unet.zarr;

/**
 * The shuffle filter inside a Blosc compressor: none, byte shuffle or bit shuffle.
 */
public enum Shuffle {

	/** no shuffle */
	NONE(0, "noshuffle"),
	/** byte shuffle: the bytes of each element grouped by significance */
	BYTE(1, "shuffle"),
	/** bit shuffle: the bits of each element grouped by significance */
	BIT(2, "bitshuffle");

	private final int v2Code;

	private final String v3Name;

	Shuffle(final int v2Code, final String v3Name) {
		this.v2Code = v2Code;
		this.v3Name = v3Name;
	}

	/** @return the number numcodecs writes in v2 metadata: 0, 1 or 2 */
	public int v2Code() {
		return v2Code;
	}

	/** @return the name the v3 blosc codec uses: "noshuffle", "shuffle" or "bitshuffle" */
	public String v3Name() {
		return v3Name;
	}

	static Shuffle fromV2OrNull(final int code) {
		for (final Shuffle s : values())
			if (s.v2Code == code)
				return s;
		return null;
	}

	static Shuffle fromV3OrNull(final String name) {
		for (final Shuffle s : values())
			if (s.v3Name.equals(name))
				return s;
		return null;
	}
}
