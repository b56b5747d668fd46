package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading and writing the JSON documents of Zarr (.zarray, .zgroup, .zattrs, zarr.json) with Jackson, and
 * typed access to their fields with messages that name the file.
 */
final class Json {

	/** Thread-safe once configured. Accepts NaN and Infinity as bare tokens (Python's json writes them). */
	/**
	 * Reads NaN and Infinity as Python writes them; writes pure ASCII (non-ASCII characters as \\u escapes),
	 * since Python's zarr 2 decodes metadata and attributes as ASCII.
	 */
	static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
			.enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();

	private Json() {
		// static utility
	}

	/**
	 * @return the JSON object in the file, or null if there is no such file
	 * @throws ZarrFormatException if the file is not a JSON object
	 */
	static ObjectNode readObjectOrNull(final Path file) {
		final byte[] bytes = FileStore.readOrNull(file);
		if (bytes == null)
			return null;
		final JsonNode node;
		try {
			node = MAPPER.readTree(bytes);
		} catch (final JsonProcessingException e) {
			throw new ZarrFormatException("Malformed JSON in " + file + ": "
					+ e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[")
					+ (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
							+ e.getLocation().getColumnNr()), e);
		} catch (final IOException e) {
			throw FileStore.io("Cannot read " + file, e);
		}
		if (node == null || !node.isObject())
			throw new ZarrFormatException("Malformed metadata " + file + ": expected a JSON object, got "
					+ (node == null || node.isMissingNode() ? "an empty file" : node.getNodeType()));
		return (ObjectNode) node;
	}

	/** Writes a JSON object atomically, indented. */
	static void write(final Path file, final JsonNode node) {
		final String text;
		try {
			text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
		} catch (final JsonProcessingException e) {
			throw new ZarrFormatException("Cannot write JSON for " + file + ": " + e.getOriginalMessage(), e);
		}
		FileStore.writeAtomic(file, (text + "\n").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @param node a JSON object, or null or a JSON null for none
	 * @param field the field that holds it, for messages
	 * @param where the file, for messages
	 * @return a mutable copy of the object as Java maps, lists, strings, numbers and booleans
	 * @throws ZarrFormatException if the node is not an object
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> toMap(final JsonNode node, final String field, final Object where) {
		if (node == null || node.isNull())
			return new LinkedHashMap<>();
		return MAPPER.convertValue(object(node, field, where), LinkedHashMap.class);
	}

	/**
	 * @return the attributes of a node: the "attributes" object of its zarr.json (v3), or its .zattrs file (v2),
	 *         empty where there are none
	 * @throws ZarrNotFoundException if the zarr.json of a v3 node has disappeared
	 * @throws ZarrFormatException if the attributes are not a JSON object
	 */
	static Map<String, Object> attributes(final Path dir, final int format) {
		if (format == 2)
			return toMap(readObjectOrNull(dir.resolve(MetadataV2.ATTRIBUTES)), "attributes",
					dir.resolve(MetadataV2.ATTRIBUTES));
		final Path file = dir.resolve(MetadataV3.FILE);
		final ObjectNode json = readObjectOrNull(file);
		if (json == null)
			throw new ZarrNotFoundException("No Zarr node at " + dir + ": " + file + " has disappeared");
		return toMap(json.get("attributes"), "attributes", file);
	}

	/** @return the JSON object for a Java map */
	static ObjectNode fromMap(final Map<String, ?> map, final Object where) {
		try {
			return MAPPER.valueToTree(map == null ? Map.of() : map);
		} catch (final IllegalArgumentException e) {
			throw new ZarrFormatException("Attributes for " + where + " cannot be written as JSON: " + e.getMessage(),
					e);
		}
	}

	/**
	 * @throws ZarrFormatException unless the document's zarr_format is exactly the integer given (2^32 + 2 is not
	 *         2)
	 */
	static void checkFormat(final ObjectNode json, final int format, final Object where) {
		final JsonNode value = required(json, "zarr_format", where);
		if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() != format)
			throw new ZarrFormatException("Malformed metadata " + where + ": zarr_format is " + value + ", expected "
					+ format);
	}

	static JsonNode required(final ObjectNode node, final String field, final Object where) {
		final JsonNode value = node.get(field);
		if (value == null)
			throw new ZarrFormatException("Malformed metadata " + where + ": missing field \"" + field + "\"");
		return value;
	}

	static String text(final ObjectNode node, final String field, final Object where) {
		final JsonNode value = required(node, field, where);
		if (!value.isTextual())
			throw mistyped(field, "a string", value, where);
		return value.textValue();
	}

	static int integer(final JsonNode value, final String field, final Object where) {
		if (!value.isIntegralNumber() || !value.canConvertToInt())
			throw mistyped(field, "an integer", value, where);
		return value.intValue();
	}

	static long[] longs(final ObjectNode node, final String field, final Object where) {
		final JsonNode value = required(node, field, where);
		if (!value.isArray())
			throw mistyped(field, "an array of integers", value, where);
		final long[] out = new long[value.size()];
		for (int i = 0; i < out.length; i++) {
			final JsonNode v = value.get(i);
			if (!v.isIntegralNumber() || !v.canConvertToLong())
				throw mistyped(field, "an array of integers", value, where);
			out[i] = v.longValue();
		}
		return out;
	}

	static int[] ints(final ObjectNode node, final String field, final Object where) {
		final long[] values = longs(node, field, where);
		final int[] out = new int[values.length];
		for (int i = 0; i < out.length; i++) {
			if (values[i] != (int) values[i])
				throw mistyped(field, "an array of 32 bit integers", node.get(field), where);
			out[i] = (int) values[i];
		}
		return out;
	}

	static ObjectNode object(final JsonNode value, final String field, final Object where) {
		if (value == null || !value.isObject())
			throw mistyped(field, "a JSON object", value, where);
		return (ObjectNode) value;
	}

	static ZarrFormatException mistyped(final String field, final String expected, final JsonNode value,
			final Object where) {
		return new ZarrFormatException("Malformed metadata " + where + ": field \"" + field + "\" must be " + expected
				+ ", got " + value);
	}
}
