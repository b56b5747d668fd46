package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * N5 dataset metadata ({@code attributes.json} with {@code dimensions}, {@code blockSize}, {@code dataType} and
 * {@code compression}), read as an array of {@link ArrayMetadata}: what BigStitcher, BigDataViewer's N5 export,
 * Labkit, Paintera and n5-spark write. N5 lists axes fastest first (x, y, z); here they are reversed into Zarr's
 * order (z, y, x), so that a block's elements, which N5 stores with the first axis fastest, are C order of the
 * reversed shape. Compressions: raw, gzip (and its zlib form), zstd, blosc and lz4 (lz4-java's block stream);
 * bzip2 and xz are refused. Read only: this project writes Zarr.
 */
final class MetadataN5 {

	static final String FILE = "attributes.json";

	/** The keys of a dataset's attributes.json that describe the dataset, not its user attributes. */
	static final Set<String> DATASET_KEYS = Set.of("dimensions", "blockSize", "dataType", "compression",
			"compressionType");

	private static final List<String> TYPES = List.of("uint8", "uint16", "uint32", "uint64", "int8", "int16",
			"int32", "int64", "float32", "float64");

	private MetadataN5() {
		// static utility
	}

	/** @return whether the attributes.json document describes a dataset (it has dimensions) */
	static boolean isDataset(final ObjectNode json) {
		return json != null && json.has("dimensions");
	}

	static ArrayMetadata parse(final ObjectNode json, final Path file) {
		final long[] dimensions = Json.longs(json, "dimensions", file);
		final int[] blockSize = Json.ints(json, "blockSize", file);
		final String typeName = Json.text(json, "dataType", file);
		final DataType type = TYPES.contains(typeName) ? DataType.parseV3OrNull(typeName) : null;
		if (type == null)
			throw new ZarrUnsupportedException("Unsupported N5 dataType \"" + typeName + "\" in " + file
					+ ": expected one of " + String.join(", ", TYPES));
		final int n = dimensions.length;
		final long[] shape = new long[n];
		final int[] chunks = new int[n];
		for (int d = 0; d < n; d++) {
			shape[d] = dimensions[n - 1 - d];
			chunks[d] = d < blockSize.length ? blockSize[blockSize.length - 1 - d] : -1;
		}
		ArrayMetadata.checkShapes(shape, blockSize.length == n ? chunks : blockSize, type, "blockSize", file);
		final Compressor compressor = compressor(json, file);
		final List<ByteCodec> codecs = new ArrayList<>();
		final ByteCodec codec = codec(json, compressor, type, file);
		if (codec != null)
			codecs.add(codec);
		final ChunkPipeline pipeline = new ChunkPipeline(type, ByteOrder.BIG_ENDIAN, chunks, null, codecs);
		return new ArrayMetadata(ArrayMetadata.N5, file, shape, chunks, type, ByteOrder.BIG_ENDIAN, 'C', compressor,
				0, new ChunkKeys(false, "/", true), pipeline, null);
	}

	/** The compression's description: "compression" (N5 1.0 on) or the older "compressionType". */
	private static ObjectNode compression(final ObjectNode json, final Path file) {
		final JsonNode node = json.get("compression");
		if (node != null && !node.isNull())
			return Json.object(node, "compression", file);
		final ObjectNode old = json.objectNode();
		old.put("type", json.has("compressionType") ? Json.text(json, "compressionType", file) : "raw");
		return old;
	}

	private static Compressor compressor(final ObjectNode json, final Path file) {
		final ObjectNode c = compression(json, file);
		final String kind = Json.text(c, "type", file);
		try {
			switch (kind) {
			case "raw":
				return Compressor.none();
			case "gzip": {
				final int level = level(c, "level", -1, file);
				final boolean zlib = c.has("useZlib") && c.get("useZlib").asBoolean();
				final int l = level < 0 ? 6 : level;
				return zlib ? Compressor.zlib(l) : Compressor.gzip(l);
			}
			case "zstd":
			case "zstandard":
				return Compressor.zstd(level(c, "level", 3, file));
			case "blosc": {
				final int shuffle = level(c, "shuffle", 1, file);
				final Shuffle s = Shuffle.fromV2OrNull(shuffle);
				if (s == null)
					throw new ZarrFormatException("Malformed metadata " + file + ": blosc shuffle is " + shuffle
							+ ", expected 0, 1 or 2");
				return Compressor.blosc(c.has("cname") ? Json.text(c, "cname", file) : "blosclz",
						level(c, "clevel", 6, file), s, level(c, "blocksize", 0, file));
			}
			case "lz4":
				return Compressor.none(); // the codec is N5's own (codec below)
			case "bzip2":
			case "xz":
				throw new ZarrUnsupportedException("Unsupported N5 compression \"" + kind + "\" in " + file
						+ ": expected raw, gzip, zstd, blosc or lz4; save the dataset again with one of them (BigStitcher's "
						+ "resave, or Fiji's File > Save As > HDF5/N5/Zarr/OME-NGFF)");
			default:
				throw new ZarrUnsupportedException("Unsupported N5 compression \"" + kind + "\" in " + file
						+ ": expected raw, gzip, zstd, blosc or lz4");
			}
		} catch (final IllegalArgumentException e) {
			throw new ZarrFormatException("Malformed metadata " + file + ": " + e.getMessage(), e);
		}
	}

	private static ByteCodec codec(final ObjectNode json, final Compressor compressor, final DataType type,
			final Path file) {
		final String kind = Json.text(compression(json, file), "type", file);
		if (kind.equals("lz4"))
			return new N5Blocks.Lz4StreamCodec();
		return ByteCodecs.of(compressor, type.bytesPerElement());
	}

	private static int level(final ObjectNode c, final String field, final int otherwise, final Path file) {
		return c.has(field) && !c.get(field).isNull() ? Json.integer(c.get(field), field, file) : otherwise;
	}

	/** @return whether the folder holds an N5 node (an attributes.json; the root's names the N5 version) */
	static boolean isNode(final Path dir) {
		return Files.isRegularFile(dir.resolve(FILE));
	}

	/**
	 * @param dir an N5 group
	 * @param limit how many to list at most
	 * @return the paths, relative to dir, of the datasets below it (up to six levels down: BigDataViewer's
	 *         setupN/timepointN/sN), sorted; a dataset's own folders (its blocks) are not entered, so that a container
	 *         of millions of blocks is listed in as many steps as it has groups and datasets
	 */
	static List<String> datasetsBelow(final Path dir, final int limit) {
		final List<String> found = new ArrayList<>();
		try {
			Files.walkFileTree(dir, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 6,
					new java.nio.file.SimpleFileVisitor<Path>() {
						@Override
						public java.nio.file.FileVisitResult preVisitDirectory(final Path d,
								final java.nio.file.attribute.BasicFileAttributes attributes) {
							if (d.equals(dir))
								return java.nio.file.FileVisitResult.CONTINUE;
							if (isNode(d) && isDataset(Json.readObjectOrNull(d.resolve(FILE)))) {
								found.add(dir.relativize(d).toString().replace('\\', '/'));
								return java.nio.file.FileVisitResult.SKIP_SUBTREE;
							}
							return java.nio.file.FileVisitResult.CONTINUE;
						}

						@Override
						public java.nio.file.FileVisitResult visitFileFailed(final Path file, final IOException e) {
							return java.nio.file.FileVisitResult.CONTINUE;
						}
					});
		} catch (final IOException | ZarrException e) {
			return List.of();
		}
		return found.stream().sorted(MetadataN5::natural).limit(limit).collect(Collectors.toList());
	}

	/** s2 before s10, setup2 before setup10. */
	private static int natural(final String a, final String b) {
		int i = 0, j = 0;
		while (i < a.length() && j < b.length()) {
			final char x = a.charAt(i), y = b.charAt(j);
			if (Character.isDigit(x) && Character.isDigit(y)) {
				int ei = i, ej = j;
				while (ei < a.length() && Character.isDigit(a.charAt(ei)))
					ei++;
				while (ej < b.length() && Character.isDigit(b.charAt(ej)))
					ej++;
				final int c = new java.math.BigInteger(a.substring(i, ei)).compareTo(
						new java.math.BigInteger(b.substring(j, ej)));
				if (c != 0)
					return c;
				i = ei;
				j = ej;
			} else {
				if (x != y)
					return Character.compare(x, y);
				i++;
				j++;
			}
		}
		return Integer.compare(a.length() - i, b.length() - j);
	}
}
