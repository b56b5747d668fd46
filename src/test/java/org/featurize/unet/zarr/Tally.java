package org.featurize.unet.zarr;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what the property tests of {@link ZarrReaderPropertiesTest} ran and how each damaged read ended, and prints
 * it: per metadata damage, how often the reader refused it or read another valid array; per codec and chunk damage,
 * how often the reader detected it, read the data intact, or (where the format cannot tell) read other data of the
 * right size.
 */
final class Tally {

	/** How one read of damaged data ended. */
	enum Outcome {
		/** our exception, naming the file */
		REFUSED,
		/** exactly what was written */
		INTACT,
		/** metadata: the array the damaged (valid) document describes, every read of the declared size */
		OTHER_ARRAY,
		/** chunks: data of the right size that differs from what was written */
		WRONG
	}

	private long roundTrips;

	private long metadataCases;

	private long chunkCases;

	private long chunkReads;

	private long failures;

	private final Map<String, long[]> metadata = new TreeMap<>();

	private final Map<String, Map<String, long[]>> chunks = new TreeMap<>();

	synchronized void roundTrip() {
		roundTrips++;
	}

	synchronized void metadata(final String kind, final Outcome outcome) {
		metadataCases++;
		metadata.computeIfAbsent(kind, k -> new long[Outcome.values().length])[outcome.ordinal()]++;
	}

	synchronized void chunkCase() {
		chunkCases++;
	}

	synchronized void chunk(final String codec, final String kind, final Outcome outcome) {
		chunkReads++;
		chunks.computeIfAbsent(codec, k -> new TreeMap<>()).computeIfAbsent(kind,
				k -> new long[Outcome.values().length])[outcome.ordinal()]++;
	}

	synchronized void failed() {
		failures++;
	}

	synchronized String report() {
		final StringBuilder sb = new StringBuilder();
		sb.append("zarr metadata damage: refused / read as another valid array / intact (the same JSON)\n");
		metadata.forEach((kind, n) -> sb.append(String.format("  %-22s %5d / %5d / %5d%n", kind,
				n[Outcome.REFUSED.ordinal()], n[Outcome.OTHER_ARRAY.ordinal()], n[Outcome.INTACT.ordinal()])));
		sb.append("zarr chunk damage per codec: reads refused / intact / other data of the right size\n");
		sb.append(String.format("  %-24s", ""));
		for (final String kind : ChunkDamage.KINDS)
			sb.append(String.format(" %18s", kind));
		sb.append('\n');
		chunks.forEach((codec, kinds) -> {
			sb.append(String.format("  %-24s", codec));
			for (final String kind : ChunkDamage.KINDS) {
				final long[] n = kinds.get(kind);
				sb.append(String.format(" %18s", n == null ? "-"
						: n[Outcome.REFUSED.ordinal()] + "/" + n[Outcome.INTACT.ordinal()] + "/"
								+ n[Outcome.WRONG.ordinal()]));
			}
			sb.append('\n');
		});
		sb.append("zarr properties: ").append(roundTrips).append(" round trips, ").append(metadataCases)
				.append(" metadata corruptions, ").append(chunkCases).append(" chunk corruptions (").append(chunkReads)
				.append(" reads of damaged chunks), ");
		sb.append(failures == 0 ? "all raised our exception or read correctly"
				: failures + " failed (see the failures above)");
		return sb.toString();
	}
}
