package org.featurize.unet.zarr;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Zarr v3 array metadata ({@code zarr.json} with {@code "node_type": "array"}): parsed into
 * {@link ArrayMetadata}, and written from an {@link ArraySpec}. Regular chunk grids, both chunk key encodings,
 * the codecs of {@link CodecsV3}; extensions that must be understood are refused.
 */
final class MetadataV3 {

	static final String FILE = "zarr.json";

	private static final Set<String> KNOWN = Set.of("zarr_format", "node_type", "shape", "data_type", "chunk_grid",
			"chunk_key_encoding", "fill_value", "codecs", "attributes", "dimension_names", "storage_transformers");

	private MetadataV3() {
		// static utility
	}

	static ArrayMetadata parse(final ObjectNode json, final Path file) {
		checkNode(json, "array", file);
		for (final Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
			final Map.Entry<String, JsonNode> e = it.next();
			if (!KNOWN.contains(e.getKey()) && !(e.getValue().isObject()
					&& e.getValue().has("must_understand") && !e.getValue().get("must_understand").asBoolean(true)))
				throw new ZarrUnsupportedException("Unsupported extension \"" + e.getKey() + "\" in " + file
						+ ": expected only the fields of Zarr v3 core, or extensions with \"must_understand\": false");
		}
		final long[] shape = Json.longs(json, "shape", file);
		final JsonNode dataType = Json.required(json, "data_type", file);
		final DataType type = dataType.isTextual() ? DataType.parseV3OrNull(dataType.textValue()) : null;
		if (type == null)
			throw new ZarrUnsupportedException("Unsupported data_type " + dataType + " in " + file
					+ ": expected one of " + DataType.supportedV3());
		final ObjectNode grid = Json.object(Json.required(json, "chunk_grid", file), "chunk_grid", file);
		final String gridName = Json.text(grid, "name", file);
		if (!gridName.equals("regular"))
			throw new ZarrUnsupportedException("Unsupported chunk_grid \"" + gridName + "\" in " + file
					+ ": expected \"regular\"");
		final ObjectNode gridConfig = Json.object(Json.required(grid, "configuration", file),
				"chunk_grid.configuration", file);
		final int[] chunks = Json.ints(gridConfig, "chunk_shape", file);
		ArrayMetadata.checkShapes(shape, chunks, type, "chunk_shape", file);
		final ChunkKeys keys = keys(Json.required(json, "chunk_key_encoding", file), file);
		final long fill = FillValue.parse(json.get("fill_value"), type, file);
		final JsonNode transformers = json.get("storage_transformers");
		if (transformers != null && !(transformers.isArray() && transformers.size() == 0))
			throw new ZarrUnsupportedException("Unsupported storage_transformers " + transformers + " in " + file
					+ ": expected none");
		final CodecsV3.Chain chain = CodecsV3.parse(Json.required(json, "codecs", file), type, chunks, file, "codecs");
		final int[] unit = chain.sharding == null ? chunks : chain.inner.pipeline.shape;
		final int[] transpose = chain.transpose;
		final char order = transpose != null && unit.length > 1
				&& java.util.Arrays.equals(transpose, Transpose.reversed(unit.length)) ? 'F' : 'C';
		return new ArrayMetadata(3, file, shape, unit, type, chain.byteOrder, order, chain.compressor, fill, keys,
				chain.pipeline, chain.sharding);
	}

	/**
	 * @throws ZarrFormatException unless the document is a v3 node of the expected type
	 */
	static void checkNode(final ObjectNode json, final String nodeType, final Path file) {
		Json.checkFormat(json, 3, file);
		final String type = Json.text(json, "node_type", file);
		if (!type.equals(nodeType))
			throw new ZarrNotFoundException("No Zarr " + nodeType + " at " + file.getParent() + ": " + file
					+ " describes a node of type \"" + type + "\", expected \"" + nodeType + "\"");
	}

	private static ChunkKeys keys(final JsonNode node, final Path file) {
		final ObjectNode encoding = Json.object(node, "chunk_key_encoding", file);
		final String name = Json.text(encoding, "name", file);
		if (!name.equals("default") && !name.equals("v2"))
			throw new ZarrUnsupportedException("Unsupported chunk_key_encoding \"" + name + "\" in " + file
					+ ": expected \"default\" or \"v2\"");
		String separator = name.equals("default") ? "/" : ".";
		final JsonNode config = encoding.get("configuration");
		if (config != null && config.has("separator")) {
			separator = config.get("separator").asText();
			if (!separator.equals(".") && !separator.equals("/"))
				throw new ZarrFormatException("Malformed metadata " + file + ": chunk key separator is "
						+ config.get("separator") + ", expected \".\" or \"/\"");
		}
		return new ChunkKeys(name.equals("default"), separator);
	}

	/** @return the zarr.json document of an array for a spec */
	static ObjectNode toJson(final ArraySpec spec) {
		final JsonNodeFactory f = JsonNodeFactory.instance;
		final ObjectNode json = f.objectNode();
		json.put("zarr_format", 3);
		json.put("node_type", "array");
		final ArrayNode shape = json.putArray("shape");
		for (final long s : spec.shape())
			shape.add(s);
		json.put("data_type", spec.dataType().v3Name());
		final int[] shards = spec.shardShape();
		final ArrayNode gridShape = json.putObject("chunk_grid").put("name", "regular").putObject("configuration")
				.putArray("chunk_shape");
		for (final int c : shards != null ? shards : spec.chunks())
			gridShape.add(c);
		json.putObject("chunk_key_encoding").put("name", spec.chunkKeyEncoding()).putObject("configuration")
				.put("separator", spec.dimensionSeparator());
		json.set("fill_value", FillValue.toJson(spec.fillBits(), spec.dataType(), 3));
		final ArrayNode chunkCodecs = CodecsV3.toJson(spec.dataType(), spec.byteOrder(), spec.order(),
				spec.compressor(), spec.shape().length);
		if (shards == null)
			json.set("codecs", chunkCodecs);
		else {
			final ObjectNode sharding = json.putArray("codecs").addObject().put("name", "sharding_indexed")
					.putObject("configuration");
			final ArrayNode inner = sharding.putArray("chunk_shape");
			for (final int c : spec.chunks())
				inner.add(c);
			sharding.set("codecs", chunkCodecs);
			sharding.set("index_codecs", CodecsV3.indexCodecsJson());
			sharding.put("index_location", "end");
		}
		json.set("attributes", Json.fromMap(spec.attributes(), "the new array"));
		if (spec.dimensionNames() != null) {
			final ArrayNode names = json.putArray("dimension_names");
			for (final String n : spec.dimensionNames())
				names.add(n);
		}
		return json;
	}

	/** @return the zarr.json document of a group */
	static ObjectNode groupJson(final Map<String, ?> attributes) {
		final ObjectNode json = JsonNodeFactory.instance.objectNode();
		json.put("zarr_format", 3);
		json.put("node_type", "group");
		json.set("attributes", Json.fromMap(attributes, "the new group"));
		return json;
	}
}
