package org.featurize.unet.zarr;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Zarr v2 array metadata ({@code .zarray}): parsed into {@link ArrayMetadata}, and written from an
 * {@link ArraySpec}. Compressors: blosc, zstd, gzip, zlib, lz4; filters: those of {@link Filters} (read, and
 * written through when chunks are written into such an array; arrays this creates have none).
 */
final class MetadataV2 {

	static final String ARRAY = ".zarray";

	static final String GROUP = ".zgroup";

	static final String ATTRIBUTES = ".zattrs";

	private MetadataV2() {
		// static utility
	}

	static ArrayMetadata parse(final ObjectNode json, final Path file) {
		Json.checkFormat(json, 2, file);
		final long[] shape = Json.longs(json, "shape", file);
		final int[] chunks = Json.ints(json, "chunks", file);
		final JsonNode dtypeNode = Json.required(json, "dtype", file);
		if (!dtypeNode.isTextual())
			throw new ZarrUnsupportedException("Unsupported dtype " + dtypeNode + " in " + file
					+ ": expected one of " + DataType.supportedV2());
		final String dtype = dtypeNode.textValue();
		final DataType type = DataType.parseV2OrNull(dtype);
		if (type == null)
			throw new ZarrUnsupportedException("Unsupported dtype \"" + dtype + "\" in " + file + ": expected one of "
					+ DataType.supportedV2());
		final ByteOrder byteOrder = dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		ArrayMetadata.checkShapes(shape, chunks, type, "chunks", file);
		final String order = Json.text(json, "order", file);
		if (!order.equals("C") && !order.equals("F"))
			throw new ZarrFormatException("Malformed metadata " + file + ": order is \"" + order
					+ "\", expected \"C\" or \"F\"");
		final long fill = FillValue.parse(json.get("fill_value"), type, file);
		final List<ByteCodec> filters = Filters.parse(json.get("filters"), type, byteOrder, file);
		final Compressor compressor = compressor(json.get("compressor"), type, file);
		String separator = ".";
		final JsonNode sep = json.get("dimension_separator");
		if (sep != null && !sep.isNull()) {
			separator = sep.asText();
			if (!sep.isTextual() || !(separator.equals(".") || separator.equals("/")))
				throw new ZarrFormatException("Malformed metadata " + file + ": dimension_separator is " + sep
						+ ", expected \".\" or \"/\"");
		}
		final ByteCodec codec = ByteCodecs.of(compressor, type.bytesPerElement());
		final List<ByteCodec> codecs = new ArrayList<>(filters);
		if (codec != null)
			codecs.add(codec);
		final ChunkPipeline pipeline = new ChunkPipeline(type, byteOrder, chunks,
				order.equals("F") ? Transpose.reversed(chunks.length) : null, codecs);
		return new ArrayMetadata(2, file, shape, chunks, type, byteOrder, order.charAt(0), compressor, fill,
				new ChunkKeys(false, separator), pipeline, null);
	}

	private static Compressor compressor(final JsonNode node, final DataType type, final Path file) {
		if (node == null || node.isNull())
			return Compressor.none();
		final ObjectNode config = Json.object(node, "compressor", file);
		final String id = Json.text(config, "id", file);
		try {
			switch (id) {
			case "blosc": {
				int shuffle = config.has("shuffle") ? Json.integer(config.get("shuffle"), "shuffle", file) : 1;
				if (shuffle == -1) // numcodecs AUTOSHUFFLE
					shuffle = type.bytesPerElement() == 1 ? 2 : 1;
				final Shuffle s = Shuffle.fromV2OrNull(shuffle);
				if (s == null)
					throw new ZarrFormatException("Malformed metadata " + file + ": blosc shuffle is " + shuffle
							+ ", expected -1, 0, 1 or 2");
				return Compressor.blosc(Json.text(config, "cname", file),
						Json.integer(Json.required(config, "clevel", file), "clevel", file), s,
						config.has("blocksize") ? Json.integer(config.get("blocksize"), "blocksize", file) : 0);
			}
			case "zstd":
				return Compressor.zstd(config.has("level") ? Json.integer(config.get("level"), "level", file) : 1);
			case "gzip":
				return Compressor.gzip(config.has("level") ? Json.integer(config.get("level"), "level", file) : 1);
			case "zlib":
				return Compressor.zlib(config.has("level") ? Json.integer(config.get("level"), "level", file) : 1);
			case "lz4":
				return Compressor.lz4(config.has("acceleration")
						? Json.integer(config.get("acceleration"), "acceleration", file) : 1);
			default:
				throw new ZarrUnsupportedException("Unsupported compressor \"" + id + "\" in " + file
						+ ": expected blosc, zstd, gzip, zlib, lz4 or null");
			}
		} catch (final ZarrUnsupportedException e) {
			if (e.getMessage().contains(file.toString()))
				throw e;
			throw new ZarrUnsupportedException(e.getMessage() + " (in " + file + ")", e);
		} catch (final IllegalArgumentException e) {
			throw new ZarrFormatException("Malformed metadata " + file + ": " + e.getMessage(), e);
		}
	}

	/** @return the .zarray document for a spec (without attributes, which go to .zattrs) */
	static ObjectNode toJson(final ArraySpec spec) {
		final JsonNodeFactory f = JsonNodeFactory.instance;
		final ObjectNode json = f.objectNode();
		final ObjectNode compressor = compressorJson(spec.compressor());
		final var chunks = json.putArray("chunks");
		for (final int c : spec.chunks())
			chunks.add(c);
		if (compressor == null)
			json.putNull("compressor");
		else
			json.set("compressor", compressor);
		json.put("dimension_separator", spec.dimensionSeparator());
		json.put("dtype", spec.dataType().v2Name(spec.byteOrder()));
		json.set("fill_value", FillValue.toJson(spec.fillBits(), spec.dataType(), 2));
		json.putNull("filters");
		json.put("order", String.valueOf(spec.order()));
		final var shape = json.putArray("shape");
		for (final long s : spec.shape())
			shape.add(s);
		json.put("zarr_format", 2);
		return json;
	}

	private static ObjectNode compressorJson(final Compressor c) {
		final ObjectNode json = JsonNodeFactory.instance.objectNode();
		switch (c.kind()) {
		case NONE:
			return null;
		case BLOSC:
			// no "typesize": zarr 2.13 refuses it
			json.put("blocksize", c.blocksize());
			json.put("clevel", c.level());
			json.put("cname", c.bloscName());
			json.put("id", "blosc");
			json.put("shuffle", c.shuffle().v2Code());
			return json;
		case LZ4:
			json.put("acceleration", c.level());
			json.put("id", "lz4");
			return json;
		default:
			json.put("id", c.kind().name().toLowerCase());
			json.put("level", c.level());
			return json;
		}
	}
}
