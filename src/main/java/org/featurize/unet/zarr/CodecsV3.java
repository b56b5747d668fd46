package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The codec chain of Zarr v3 array metadata: array-to-array codecs (transpose), one array-to-bytes codec (bytes,
 * or sharding_indexed with its own inner chain and index chain), then bytes-to-bytes codecs (blosc, zstd, gzip,
 * crc32c, and zlib as numcodecs.zlib). Parses it and writes it.
 */
final class CodecsV3 {

	/** A parsed chain. */
	static final class Chain {

		int[] transpose;

		ByteOrder byteOrder;

		Sharding sharding;

		Chain inner;

		final List<ByteCodec> bytesCodecs = new ArrayList<>();

		Compressor compressor = Compressor.none();

		ChunkPipeline pipeline;
	}

	private CodecsV3() {
		// static utility
	}

	static Chain parse(final JsonNode codecs, final DataType type, final int[] shape, final Path file,
			final String field) {
		if (codecs == null || !codecs.isArray())
			throw Json.mistyped(field, "an array of codecs", codecs, file);
		final Chain chain = new Chain();
		int stage = 0; // 0: array-to-array, 1: after the array-to-bytes codec
		int compressors = 0;
		for (final JsonNode codec : codecs) {
			final String name;
			final ObjectNode config;
			if (codec.isTextual()) {
				name = codec.textValue();
				config = JsonNodeFactory.instance.objectNode();
			} else {
				final ObjectNode o = Json.object(codec, field + "[]", file);
				name = Json.text(o, "name", file);
				config = o.has("configuration") ? Json.object(o.get("configuration"), name + ".configuration", file)
						: JsonNodeFactory.instance.objectNode();
			}
			final boolean arrayToArray = name.equals("transpose");
			final boolean arrayToBytes = name.equals("bytes") || name.equals("sharding_indexed");
			if ((arrayToArray && stage > 0) || (arrayToBytes && stage > 0)
					|| (!arrayToArray && !arrayToBytes && stage == 0 && isBytesToBytes(name)))
				throw new ZarrFormatException("Malformed metadata " + file + ": codec \"" + name + "\" out of place in "
						+ field + ", expected array-to-array codecs, one array-to-bytes codec (bytes or "
						+ "sharding_indexed), then bytes-to-bytes codecs");
			switch (name) {
			case "transpose": {
				final int[] order = transposeOrder(config, shape.length, file);
				chain.transpose = chain.transpose == null ? order : Transpose.compose(chain.transpose, order);
				break;
			}
			case "bytes": {
				final JsonNode endian = config.get("endian");
				if (endian == null && type.bytesPerElement() > 1)
					throw new ZarrFormatException("Malformed metadata " + file + ": the bytes codec of a " + type
							+ " array needs \"endian\": \"little\" or \"big\"");
				if (endian != null && !endian.asText().equals("little") && !endian.asText().equals("big"))
					throw new ZarrFormatException("Malformed metadata " + file + ": bytes codec endian is " + endian
							+ ", expected \"little\" or \"big\"");
				chain.byteOrder = endian != null && endian.asText().equals("big") ? ByteOrder.BIG_ENDIAN
						: ByteOrder.LITTLE_ENDIAN;
				stage = 1;
				break;
			}
			case "sharding_indexed":
				if (chain.transpose != null || field.contains("sharding"))
					throw new ZarrUnsupportedException("Unsupported codecs in " + file + ": sharding_indexed after a "
							+ "transpose or inside another sharding_indexed");
				parseSharding(chain, config, type, shape, file);
				stage = 1;
				break;
			case "blosc": {
				final String shuffleName = config.has("shuffle") ? config.get("shuffle").asText() : "noshuffle";
				final Shuffle shuffle = Shuffle.fromV3OrNull(shuffleName);
				if (shuffle == null)
					throw new ZarrFormatException("Malformed metadata " + file + ": blosc shuffle is \"" + shuffleName
							+ "\", expected noshuffle, shuffle or bitshuffle");
				final Compressor c = compressor(file, () -> Compressor.blosc(Json.text(config, "cname", file),
						Json.integer(Json.required(config, "clevel", file), "clevel", file), shuffle,
						config.has("blocksize") ? Json.integer(config.get("blocksize"), "blocksize", file) : 0));
				final int typesize = config.has("typesize") ? Json.integer(config.get("typesize"), "typesize", file)
						: type.bytesPerElement();
				chain.bytesCodecs.add(new ByteCodecs.BloscCodec(c, Math.max(1, typesize)));
				chain.compressor = c;
				compressors++;
				break;
			}
			case "zstd": {
				final int level = config.has("level") ? Json.integer(config.get("level"), "level", file) : 0;
				chain.compressor = compressor(file, () -> Compressor.zstd(level));
				chain.bytesCodecs.add(new ByteCodecs.ZstdCodec(level,
						config.has("checksum") && config.get("checksum").asBoolean()));
				compressors++;
				break;
			}
			case "gzip":
			case "zlib":
			case "numcodecs.zlib": {
				final int level = config.has("level") ? Json.integer(config.get("level"), "level", file) : 1;
				chain.compressor = compressor(file, () -> name.equals("gzip") ? Compressor.gzip(level)
						: Compressor.zlib(level));
				chain.bytesCodecs.add(ByteCodecs.of(chain.compressor, type.bytesPerElement()));
				compressors++;
				break;
			}
			case "crc32c":
				chain.bytesCodecs.add(new ByteCodecs.Crc32cCodec());
				break;
			default:
				throw new ZarrUnsupportedException("Unsupported codec \"" + name + "\" in " + file + " (" + field
						+ "): expected transpose, bytes, sharding_indexed, blosc, zstd, gzip, zlib or crc32c");
			}
		}
		if (stage == 0)
			throw new ZarrFormatException("Malformed metadata " + file + ": " + field
					+ " has no array-to-bytes codec, expected \"bytes\" or \"sharding_indexed\"");
		if (compressors > 1)
			chain.compressor = null; // not one Compressor
		if (chain.sharding == null)
			chain.pipeline = new ChunkPipeline(type, chain.byteOrder, shape, chain.transpose, chain.bytesCodecs);
		return chain;
	}

	private static boolean isBytesToBytes(final String name) {
		return List.of("blosc", "zstd", "gzip", "zlib", "numcodecs.zlib", "crc32c").contains(name);
	}

	private static int[] transposeOrder(final ObjectNode config, final int rank, final Path file) {
		final JsonNode order = Json.required(config, "order", file);
		if (order.isTextual() && order.textValue().equals("C"))
			return identity(rank);
		if (order.isTextual() && order.textValue().equals("F"))
			return Transpose.reversed(rank);
		final int[] permutation = Json.ints(config, "order", file);
		if (!Transpose.isPermutation(permutation, rank))
			throw new ZarrFormatException("Malformed metadata " + file + ": transpose order " + order
					+ " is not a permutation of " + rank + " axes");
		return permutation;
	}

	private static int[] identity(final int rank) {
		final int[] order = new int[rank];
		for (int i = 0; i < rank; i++)
			order[i] = i;
		return order;
	}

	private static void parseSharding(final Chain chain, final ObjectNode config, final DataType type,
			final int[] shardShape, final Path file) {
		final int[] inner = Json.ints(config, "chunk_shape", file);
		ArrayMetadata.checkShapes(toLongs(shardShape), inner, type, "sharding chunk_shape", file);
		for (int d = 0; d < inner.length; d++)
			if (shardShape[d] % inner[d] != 0)
				throw new ZarrFormatException("Malformed metadata " + file + ": shard shape " + toString(shardShape)
						+ " is not a multiple of the inner chunk shape " + toString(inner));
		final String location = config.has("index_location") ? config.get("index_location").asText() : "end";
		if (!location.equals("end") && !location.equals("start"))
			throw new ZarrFormatException("Malformed metadata " + file + ": index_location is \"" + location
					+ "\", expected \"end\" or \"start\"");
		chain.inner = parse(Json.required(config, "codecs", file), type, inner, file, "sharding codecs");
		final int[] perShard = new int[inner.length];
		for (int d = 0; d < inner.length; d++)
			perShard[d] = shardShape[d] / inner[d];
		final int[] indexShape = java.util.Arrays.copyOf(perShard, perShard.length + 1);
		indexShape[perShard.length] = 2;
		final Chain index = parse(Json.required(config, "index_codecs", file), DataType.UINT64, indexShape, file,
				"sharding index_codecs");
		int indexBytes = 8 * (int) Boxes.size(indexShape);
		for (final ByteCodec c : index.bytesCodecs) {
			if (!(c instanceof ByteCodecs.Crc32cCodec))
				throw new ZarrUnsupportedException("Unsupported index codec \"" + c.name() + "\" in " + file
						+ ": expected only bytes and crc32c in index_codecs");
			indexBytes += 4;
		}
		chain.sharding = new Sharding(shardShape, inner, index.pipeline, indexBytes, location.equals("end"));
		chain.byteOrder = chain.inner.byteOrder;
		chain.compressor = chain.inner.compressor;
		chain.transpose = chain.inner.transpose;
		chain.pipeline = chain.inner.pipeline;
	}

	private interface CompressorMaker {
		Compressor make();
	}

	private static Compressor compressor(final Path file, final CompressorMaker maker) {
		try {
			return maker.make();
		} catch (final ZarrUnsupportedException e) {
			throw new ZarrUnsupportedException(e.getMessage() + " (in " + file + ")", e);
		} catch (final IllegalArgumentException e) {
			throw new ZarrFormatException("Malformed metadata " + file + ": " + e.getMessage(), e);
		}
	}

	/** @return the codecs of a chunk: transpose if order F, bytes, then the compressor */
	static ArrayNode toJson(final DataType type, final java.nio.ByteOrder byteOrder, final char order,
			final Compressor compressor, final int rank) {
		final JsonNodeFactory f = JsonNodeFactory.instance;
		final ArrayNode codecs = f.arrayNode();
		if (order == 'F') {
			final ObjectNode transpose = codecs.addObject().put("name", "transpose");
			final ArrayNode axes = transpose.putObject("configuration").putArray("order");
			for (final int a : Transpose.reversed(rank))
				axes.add(a);
		}
		codecs.addObject().put("name", "bytes").putObject("configuration").put("endian",
				byteOrder == ByteOrder.BIG_ENDIAN ? "big" : "little");
		final ObjectNode c;
		switch (compressor.kind()) {
		case NONE:
			return codecs;
		case BLOSC:
			c = codecs.addObject().put("name", "blosc").putObject("configuration");
			c.put("cname", compressor.bloscName()).put("clevel", compressor.level())
					.put("shuffle", compressor.shuffle().v3Name()).put("typesize", type.bytesPerElement())
					.put("blocksize", compressor.blocksize());
			return codecs;
		case ZSTD:
			codecs.addObject().put("name", "zstd").putObject("configuration").put("level", compressor.level())
					.put("checksum", false);
			return codecs;
		case GZIP:
			codecs.addObject().put("name", "gzip").putObject("configuration").put("level", compressor.level());
			return codecs;
		case ZLIB:
			codecs.addObject().put("name", "numcodecs.zlib").putObject("configuration").put("level",
					compressor.level());
			return codecs;
		default:
			throw new AssertionError(compressor);
		}
	}

	/** @return the codecs of a shard index: little-endian bytes, then crc32c */
	static ArrayNode indexCodecsJson() {
		final ArrayNode codecs = JsonNodeFactory.instance.arrayNode();
		codecs.addObject().put("name", "bytes").putObject("configuration").put("endian", "little");
		codecs.addObject().put("name", "crc32c");
		return codecs;
	}

	static long[] toLongs(final int[] a) {
		final long[] out = new long[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = a[i];
		return out;
	}

	private static String toString(final int[] a) {
		return java.util.Arrays.toString(a);
	}
}
