package org.featurize.unet.zarr;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Random valid Zarr arrays for the property tests, each drawn from a {@link SplittableRandom}: v2 and v3, every data
 * type in both byte orders, orders C and F, both separators and chunk key encodings, every compressor at random
 * levels (Blosc with each inner compressor, shuffle and a few block sizes), and for v3 random transposes, crc32c,
 * Zstandard checksums and sharding with the index at either end; 1 to 4 axes with edge chunks (and now and then an
 * empty axis); fill values from raw bits (NaN payloads, infinities, signed zeros, integer extremes). The chunk data
 * comes from a seed, so a failing case is reproduced from its description.
 */
final class RandomArrays {

	/** Per rank: the largest size of an axis, and the most chunks along one. */
	private static final int[] MAX_SIZE = { 0, 600, 40, 14, 7 };

	private static final int[] MAX_GRID = { 0, 12, 6, 4, 3 };

	private RandomArrays() {
		// static utility
	}

	/** The shape of an array, its chunks and, when sharded, how many chunks a shard holds along each axis. */
	static final class Geometry {

		final long[] shape;

		final int[] chunks;

		final int[] chunksPerShard;

		Geometry(final long[] shape, final int[] chunks, final int[] chunksPerShard) {
			this.shape = shape;
			this.chunks = chunks;
			this.chunksPerShard = chunksPerShard;
		}
	}

	/** What to create and how to fill it. */
	static final class ArrayCase {

		final ArraySpec spec;

		/** v3: a transpose of the chunk axes put before "bytes" (order C in the spec), or null. */
		final int[] permutation;

		/** v3: a crc32c codec after the compressor. */
		final boolean crc32c;

		/** v3 with Zstandard: frames carry a checksum. */
		final boolean zstdChecksum;

		/** sharded v3: the index at the start of the shard. */
		final boolean indexAtStart;

		/** The fill value's bits, as a reader must see them. */
		final long fillBits;

		/** Seeds the chunk data and which chunks are written. */
		final long seed;

		ArrayCase(final ArraySpec spec, final int[] permutation, final boolean crc32c, final boolean zstdChecksum,
				final boolean indexAtStart, final long fillBits, final long seed) {
			this.spec = spec;
			this.permutation = permutation;
			this.crc32c = crc32c;
			this.zstdChecksum = zstdChecksum;
			this.indexAtStart = indexAtStart;
			this.fillBits = fillBits;
			this.seed = seed;
		}

		boolean sharded() {
			return spec.shardShape() != null;
		}

		int chunkElements() {
			return (int) Boxes.size(spec.chunks());
		}

		/** @return a short name of the codec chain, for the tables of what each codec detects */
		String codecLabel() {
			return Combos.tag(spec.compressor()).replaceAll("-(none|byte|bit)$", "")
					+ (zstdChecksum ? "+checksum" : "") + (crc32c ? "+crc32c" : "");
		}

		/** Creates the array, then edits its v3 codecs as this case says; returns it opened again. */
		ZarrArray create(final Path root, final String path) {
			final ZarrArray created = ZarrArray.create(root, path, spec);
			if (permutation == null && !crc32c && !zstdChecksum && !indexAtStart)
				return created;
			final Path file = created.path().resolve(MetadataV3.FILE);
			final ObjectNode json = Json.readObjectOrNull(file);
			ArrayNode codecs = (ArrayNode) json.get("codecs");
			if (sharded()) {
				final ObjectNode sharding = (ObjectNode) codecs.get(0).get("configuration");
				if (indexAtStart)
					sharding.put("index_location", "start");
				codecs = (ArrayNode) sharding.get("codecs");
			}
			if (permutation != null) {
				final ArrayNode order = codecs.insertObject(0).put("name", "transpose").putObject("configuration")
						.putArray("order");
				for (final int axis : permutation)
					order.add(axis);
			}
			if (zstdChecksum)
				for (final var codec : codecs)
					if (codec.get("name").asText().equals("zstd"))
						((ObjectNode) codec.get("configuration")).put("checksum", true);
			if (crc32c)
				codecs.addObject().put("name", "crc32c");
			Json.write(file, json);
			return ZarrArray.open(root, path);
		}

		@Override
		public String toString() {
			return "v" + spec.zarrFormat() + " " + spec.dataType().v2Name(spec.byteOrder()) + " shape "
					+ Arrays.toString(spec.shape()) + " chunks " + Arrays.toString(spec.chunks())
					+ (sharded() ? " shards " + Arrays.toString(spec.shardShape()) + (indexAtStart ? " index start" : "")
							: "")
					+ " order " + spec.order() + (permutation == null ? "" : " transpose " + Arrays.toString(permutation))
					+ " keys " + spec.chunkKeyEncoding() + spec.dimensionSeparator() + " " + spec.compressor()
					+ (zstdChecksum ? " checksum" : "") + (crc32c ? " crc32c" : "") + " fill 0x"
					+ Long.toHexString(fillBits) + " seed " + seed;
		}
	}

	/** @return an array of up to a few thousand elements in up to 81 chunks */
	static ArrayCase array(final SplittableRandom random) {
		return array(random, false);
	}

	/** @param small at most 8 chunks and a few hundred elements: for the corruption properties */
	static ArrayCase array(final SplittableRandom random, final boolean small) {
		final int format = random.nextBoolean() ? 2 : 3;
		final List<Combos.Dtype> dtypes = Combos.dtypes();
		final Combos.Dtype dtype = dtypes.get(random.nextInt(dtypes.size()));
		final Compressor compressor = compressor(random);
		final Geometry geometry = geometry(random, format == 3, small);
		final char order = random.nextBoolean() ? 'C' : 'F';
		final String separator = random.nextBoolean() ? "." : "/";
		final boolean v2Keys = random.nextBoolean();
		final int extras = random.nextInt(8);
		return make(format, dtype, compressor, geometry, order, separator, v2Keys, extras, random.nextLong());
	}

	/** @return a small array (as {@link #array(SplittableRandom, boolean)}) with at least one chunk: no empty axis */
	static ArrayCase chunkedArray(final SplittableRandom random) {
		while (true) {
			final ArrayCase c = array(random, true);
			if (Arrays.stream(c.spec.shape()).allMatch(s -> s > 0))
				return c;
		}
	}

	private static ArrayCase make(final int format, final Combos.Dtype dtype, final Compressor compressor,
			final Geometry g, final char order, final String separator, final boolean v2Keys, final int extras,
			final long seed) {
		final SplittableRandom random = new SplittableRandom(seed);
		final int rank = g.shape.length;
		final long fillBits = RandomValues.fillBits(dtype.type, random);
		int[] permutation = null;
		char chunkOrder = order;
		if (format == 3 && rank > 1 && (extras & 1) != 0) {
			permutation = permutation(rank, random);
			chunkOrder = 'C';
		}
		final ArraySpec.Builder b = ArraySpec.builder().shape(g.shape).chunks(g.chunks).dataType(dtype.type)
				.byteOrder(dtype.order).order(chunkOrder).compressor(compressor).zarrFormat(format)
				.dimensionSeparator(separator).fillValue(RandomValues.fillObject(dtype.type, fillBits))
				.attributes(attributes(random));
		if (format == 3) {
			b.chunkKeyEncoding(v2Keys ? "v2" : "default");
			if (g.chunksPerShard != null) {
				final int[] shards = new int[rank];
				for (int d = 0; d < rank; d++)
					shards[d] = g.chunks[d] * g.chunksPerShard[d];
				b.shardShape(shards);
			}
		}
		final boolean v3 = format == 3;
		// v2 metadata spells every NaN "NaN": its payload is lost
		final long expectedFill = !v3 && RandomValues.isNaN(dtype.type, fillBits) ? RandomValues.canonicalNaN(dtype.type)
				: fillBits;
		return new ArrayCase(b.build(), permutation, v3 && (extras & 2) != 0,
				v3 && (extras & 4) != 0 && compressor.kind() == Compressor.Kind.ZSTD,
				v3 && g.chunksPerShard != null && (extras & 4) != 0, expectedFill, seed);
	}

	/** @return none, Blosc, Zstandard, gzip or zlib at 2 : 8 : 2 : 2 : 2, at random levels */
	static Compressor compressor(final SplittableRandom random) {
		switch (RandomValues.weighted(random, 2, 8, 2, 2, 2)) {
		case 0:
			return Compressor.none();
		case 1: {
			final int[] blockSizes = { 0, 0, 0, 64, 256, 1000, 4096 };
			final Shuffle[] shuffles = Shuffle.values();
			return Compressor.blosc(Compressor.BLOSC_NAMES.get(random.nextInt(Compressor.BLOSC_NAMES.size())),
					random.nextInt(10), shuffles[random.nextInt(shuffles.length)],
					blockSizes[random.nextInt(blockSizes.length)]);
		}
		case 2:
			return Compressor.zstd(random.nextInt(-5, 20));
		case 3:
			return Compressor.gzip(random.nextInt(10));
		default:
			return Compressor.zlib(random.nextInt(10));
		}
	}

	/**
	 * @return 1 to 4 axes, each of a random size (now and then 0; for one axis of a large array now and then 1,000
	 *         to 60,000) in chunks of a random size up to two more than the axis, at most {@link #MAX_GRID} of them
	 *         along it (2 for small arrays); for v3, one array in three sharded, 1 to 3 chunks per shard per axis
	 */
	static Geometry geometry(final SplittableRandom random, final boolean v3, final boolean small) {
		final int rank = random.nextInt(1, 5);
		final int maxSize = small ? Math.max(3, MAX_SIZE[rank] / 3) : MAX_SIZE[rank];
		final int maxGrid = small ? 2 : MAX_GRID[rank];
		final long[] shape = new long[rank];
		final int[] chunks = new int[rank];
		final int[] perShard = new int[rank];
		for (int d = 0; d < rank; d++) {
			// now and then, one long axis: chunks of tens of kilobytes, many Blosc blocks, automatic block sizes
			final int size;
			switch (RandomValues.weighted(random, 1, 30, rank == 1 && !small ? 3 : 0)) {
			case 0:
				size = 0;
				break;
			case 1:
				size = random.nextInt(1, maxSize + 1);
				break;
			default:
				size = random.nextInt(1000, 60001);
			}
			final int minChunk = Math.max(1, (size + maxGrid - 1) / maxGrid);
			shape[d] = size;
			chunks[d] = random.nextInt(minChunk, Math.max(minChunk, size + 2) + 1);
			perShard[d] = random.nextInt(1, 4);
		}
		final boolean sharded = v3 && random.nextInt(3) == 0;
		return new Geometry(shape, chunks, sharded ? perShard : null);
	}

	private static int[] permutation(final int rank, final SplittableRandom random) {
		final int[] p = new int[rank];
		for (int i = 0; i < rank; i++)
			p[i] = i;
		for (int i = rank - 1; i > 0; i--) {
			final int j = random.nextInt(i + 1);
			final int t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
		return p;
	}

	private static Map<String, Object> attributes(final SplittableRandom random) {
		final Map<String, Object> attributes = new LinkedHashMap<>();
		attributes.put("description", "case " + random.nextInt(1000));
		attributes.put("scale", List.of(1.0, 0.5, random.nextInt(9)));
		return attributes;
	}

}
