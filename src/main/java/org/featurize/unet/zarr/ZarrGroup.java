package org.featurize.unet.zarr;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Zarr group (v2 {@code .zgroup} or v3 {@code zarr.json} with {@code "node_type": "group"}): its attributes and
 * the names of its child arrays and groups.
 */
public final class ZarrGroup {

	private final Path root;

	private final String groupPath;

	private final Path dir;

	private final int format;

	private ZarrGroup(final Path root, final String groupPath, final int format) {
		this.root = root;
		this.groupPath = groupPath;
		this.dir = Nodes.resolve(root, groupPath);
		this.format = format;
	}

	/**
	 * Creates a group, and its parent groups where missing.
	 *
	 * @param root the folder of the Zarr container (created if missing)
	 * @param path the group within it; "" or "/" for the root itself
	 * @param zarrFormat 2 or 3
	 * @param attributes JSON-compatible attributes, or null
	 * @return the group
	 * @throws ZarrExistsException if an array or group already exists there
	 */
	public static ZarrGroup create(final Path root, final String path, final int zarrFormat,
			final Map<String, ?> attributes) {
		if (zarrFormat != 2 && zarrFormat != 3)
			throw new IllegalArgumentException("zarrFormat must be 2 or 3, got " + zarrFormat);
		final String normalized = Nodes.normalize(path);
		Nodes.prepare(root, normalized, zarrFormat, false);
		Nodes.writeGroup(Nodes.resolve(root, normalized), zarrFormat, attributes);
		return new ZarrGroup(root, normalized, zarrFormat);
	}

	/**
	 * @param root the folder of the Zarr container
	 * @param path the group within it; "" or "/" for the root itself
	 * @return the group
	 * @throws ZarrNotFoundException if there is no group there
	 */
	public static ZarrGroup open(final Path root, final String path) {
		final String normalized = Nodes.normalize(path);
		final Path dir = Nodes.resolve(root, normalized);
		Nodes.requireFolder(root, dir);
		final Nodes.Kind kind = Nodes.kindOf(dir);
		switch (kind) {
		case GROUP_V2:
			return new ZarrGroup(root, normalized, 2);
		case GROUP_V3:
			return new ZarrGroup(root, normalized, 3);
		case ARRAY_V2:
		case ARRAY_V3:
			throw new ZarrNotFoundException("No Zarr group at " + dir + ": found an array ("
					+ dir.resolve(kind == Nodes.Kind.ARRAY_V3 ? MetadataV3.FILE : MetadataV2.ARRAY) + "), expected "
					+ MetadataV2.GROUP + " or " + MetadataV3.FILE + " of a group");
		default:
			throw new ZarrNotFoundException("No Zarr group at " + dir + ": the folder is not Zarr, expected "
					+ MetadataV2.GROUP + " or " + MetadataV3.FILE + " of a group");
		}
	}

	/** @return 2 or 3 */
	public int zarrFormat() {
		return format;
	}

	/** @return the group's folder */
	public Path path() {
		return dir;
	}

	/** @return the folder of the container */
	public Path root() {
		return root;
	}

	/** @return the group's path within the container, "" for the root */
	public String groupPath() {
		return groupPath;
	}

	/** @return the names of the child arrays and groups, sorted */
	public List<String> children() {
		return Nodes.children(dir);
	}

	/**
	 * @return the attributes, read from disk now (a new mutable map)
	 * @throws ZarrFormatException if they are not a JSON object, naming the file
	 */
	public Map<String, Object> attributes() {
		return Json.attributes(dir, format);
	}

	/**
	 * Replaces all attributes, atomically.
	 *
	 * @param attributes JSON-compatible values
	 */
	public synchronized void writeAttributes(final Map<String, ?> attributes) {
		if (format == 2) {
			Json.write(dir.resolve(MetadataV2.ATTRIBUTES), Json.fromMap(attributes, dir));
			return;
		}
		final Path file = dir.resolve(MetadataV3.FILE);
		final ObjectNode json = Json.readObjectOrNull(file);
		if (json == null)
			throw new ZarrNotFoundException("No Zarr group at " + dir + ": " + file + " has disappeared");
		json.set("attributes", Json.fromMap(attributes, file));
		Json.write(file, json);
	}

	@Override
	public String toString() {
		return "ZarrGroup[v" + format + " " + dir + "]";
	}
}
