package org.featurize.unet.zarr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hierarchy of a Zarr container on disk: resolving node paths, telling arrays from groups in v2 and v3,
 * creating parent groups, and clearing a node that is to be overwritten.
 */
final class Nodes {

	enum Kind {
		NONE, ARRAY_V2, GROUP_V2, ARRAY_V3, GROUP_V3;

		boolean isArray() {
			return this == ARRAY_V2 || this == ARRAY_V3;
		}
	}

	private Nodes() {
		// static utility
	}

	/** @return the node path without leading or trailing slashes; "" for the root */
	static String normalize(final String path) {
		if (path == null)
			return "";
		final StringBuilder sb = new StringBuilder();
		for (final String part : path.split("/")) {
			if (part.isEmpty())
				continue;
			if (part.equals(".") || part.equals(".."))
				throw new IllegalArgumentException("Zarr node path \"" + path + "\" must not contain \".\" or \"..\"");
			sb.append(sb.length() == 0 ? "" : "/").append(part);
		}
		return sb.toString();
	}

	static Path resolve(final Path root, final String normalized) {
		return normalized.isEmpty() ? root : root.resolve(normalized);
	}

	/** @throws ZarrNotFoundException unless root is an existing folder */
	static void requireFolder(final Path root, final Path dir) {
		if (!Files.exists(root))
			throw new ZarrNotFoundException("No Zarr container at " + root + ": the path does not exist");
		if (!Files.isDirectory(root))
			throw new ZarrNotFoundException("No Zarr container at " + root + ": expected a folder, found a file");
		if (!Files.isDirectory(dir))
			throw new ZarrNotFoundException("No Zarr node at " + dir + ": the folder does not exist");
	}

	/**
	 * @return what the folder holds, from its metadata
	 * @throws ZarrFormatException if a zarr.json or .zgroup there is not a JSON object of its Zarr version (a
	 *         .zarray is parsed when the array is opened)
	 */
	static Kind kindOf(final Path dir) {
		final ObjectNode v3 = Json.readObjectOrNull(dir.resolve(MetadataV3.FILE));
		if (v3 != null) {
			Json.checkFormat(v3, 3, dir.resolve(MetadataV3.FILE));
			final JsonNode type = v3.get("node_type");
			if (type != null && type.asText().equals("array"))
				return Kind.ARRAY_V3;
			if (type != null && type.asText().equals("group"))
				return Kind.GROUP_V3;
			throw new ZarrFormatException("Malformed metadata " + dir.resolve(MetadataV3.FILE) + ": node_type is "
					+ type + ", expected \"array\" or \"group\"");
		}
		if (Files.exists(dir.resolve(MetadataV2.ARRAY)))
			return Kind.ARRAY_V2;
		final ObjectNode group = Json.readObjectOrNull(dir.resolve(MetadataV2.GROUP));
		if (group == null)
			return Kind.NONE;
		Json.checkFormat(group, 2, dir.resolve(MetadataV2.GROUP));
		return Kind.GROUP_V2;
	}

	/**
	 * Makes sure the folder of a new node can be used: parent groups are created where missing, no parent is an
	 * array, and an existing node is refused or, with overwrite, deleted with everything under it.
	 */
	static void prepare(final Path root, final String normalized, final int format, final boolean overwrite) {
		final Path dir = resolve(root, normalized);
		final Kind existing = Files.isDirectory(dir) ? kindOf(dir) : Kind.NONE;
		if (existing != Kind.NONE) {
			if (!overwrite)
				throw new ZarrExistsException("A Zarr " + (existing.isArray() ? "array" : "group")
						+ " already exists at " + dir + ": expected none (set overwrite to replace it)");
			deleteTree(dir);
		}
		Path parent = root;
		final String[] parts = normalized.isEmpty() ? new String[0] : normalized.split("/");
		for (int i = 0; i < parts.length; i++) {
			final Kind kind = Files.isDirectory(parent) ? kindOf(parent) : Kind.NONE;
			if (kind.isArray())
				throw new ZarrExistsException("Cannot create a node at " + dir + ": " + parent
						+ " is a Zarr array, expected a group or nothing");
			if (kind == Kind.NONE)
				writeGroup(parent, format, null);
			parent = parent.resolve(parts[i]);
		}
	}

	static void writeGroup(final Path dir, final int format, final java.util.Map<String, ?> attributes) {
		if (format == 3) {
			Json.write(dir.resolve(MetadataV3.FILE), MetadataV3.groupJson(attributes));
			return;
		}
		Json.write(dir.resolve(MetadataV2.GROUP), JsonNodeFactory.instance.objectNode().put("zarr_format", 2));
		if (attributes != null && !attributes.isEmpty())
			Json.write(dir.resolve(MetadataV2.ATTRIBUTES), Json.fromMap(attributes, dir));
	}

	/** @return the names of the child folders that hold a Zarr node, sorted */
	static List<String> children(final Path dir) {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.filter(Files::isDirectory).filter(p -> kindOf(p) != Kind.NONE)
					.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		} catch (final IOException e) {
			throw FileStore.io("Cannot list " + dir, e);
		}
	}

	private static void deleteTree(final Path dir) {
		try (Stream<Path> walk = Files.walk(dir)) {
			for (final Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList()))
				if (!p.equals(dir))
					Files.delete(p);
		} catch (final IOException e) {
			throw FileStore.io("Cannot delete the existing node " + dir, e);
		}
	}
}
