package org.featurize.unet.zarr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One random corruption of a metadata document (.zarray, .zattrs, .zgroup or zarr.json): a byte-level accident
 * (truncation, a flipped bit, a changed, deleted or duplicated run of bytes, whitespace added between tokens) or a
 * change to the JSON (a key deleted or added, a value of the wrong type or an unknown name, a wrong zarr_format,
 * shapes and chunk shapes that are zero, negative, huge or overflow a Java array). Only the whitespace kind is
 * meant to be harmless.
 */
final class MetadataDamage {

	static final String[] KINDS = { "truncation", "bit flip", "byte change", "deletion", "duplication", "whitespace",
			"key deletion", "key addition", "wrong value", "field value", "unknown name", "huge shape" };

	private static final JsonNodeFactory F = JsonNodeFactory.instance;

	/** Fields worth aiming at: every one the readers look at. */
	private static final List<String> FIELDS = List.of("zarr_format", "node_type", "shape", "chunks", "chunk_shape",
			"dtype", "data_type", "compressor", "codecs", "filters", "fill_value", "order", "dimension_separator",
			"chunk_key_encoding", "chunk_grid", "configuration", "name", "endian", "cname", "clevel", "shuffle",
			"blocksize", "typesize", "level", "checksum", "index_codecs", "index_location", "separator", "id");

	private static final List<String> NAMES = List.of("<c8", "<U4", "|O", "float128", "complex64", "<f16", "int4",
			"bz2", "lz4", "snappy", "delta", "fixedscaleoffset", "vlen-utf8", "sharding_indexed", "transpose",
			"crc32c", "bytes", "blosc", "zstd", "zlib", "gzip", "numcodecs.zlib", "rectangular", "regular", "group",
			"array", "F", "C", "K", "big", "little", "middle", "start", "end", "noshuffle", "shuffle", "bitshuffle",
			"lz4hc", "blosclz", "v2", "default", ".", "/", "-", "", "NaN", "Infinity", "0x7fc00000", "0xzz");

	final String kind;

	final int where;

	final int what;

	/** Which document: the array's metadata, its attributes (v2 .zattrs), or the metadata of the parent group. */
	enum Target {
		ARRAY, ATTRIBUTES, GROUP
	}

	final Target target;

	MetadataDamage(final String kind, final int where, final int what, final Target target) {
		this.kind = kind;
		this.where = where;
		this.what = what;
		this.target = target;
	}

	/**
	 * @return a damage of any kind ("huge shape" four times as likely as each other kind), at a random place with
	 *         random values, of the array's metadata (8 in 10), its attributes or its parent group's metadata
	 */
	static MetadataDamage random(final SplittableRandom random) {
		final int[] weights = Arrays.stream(KINDS).mapToInt(k -> k.equals("huge shape") ? 4 : 1).toArray();
		final String kind = KINDS[RandomValues.weighted(random, weights)];
		final int where = RandomValues.nonNegativeInt(random);
		final int what = RandomValues.nonNegativeInt(random);
		final int target = random.nextInt(10);
		return new MetadataDamage(kind, where, what,
				target == 0 ? Target.ATTRIBUTES : target == 1 ? Target.GROUP : Target.ARRAY);
	}

	/** @return whether the damage leaves the document's meaning as it was */
	boolean meantHarmless() {
		return kind.equals("whitespace");
	}

	/**
	 * @param doc the document's bytes
	 * @param rank the array's number of axes
	 * @param bytes the bytes per element of its data type
	 * @return the damaged bytes
	 */
	byte[] apply(final byte[] doc, final int rank, final int bytes) {
		final int n = doc.length;
		switch (kind) {
		case "truncation":
			return Arrays.copyOf(doc, where % n);
		case "bit flip": {
			final byte[] out = doc.clone();
			out[where % n] ^= 1 << (what % 8);
			return out;
		}
		case "byte change": {
			final byte[] out = doc.clone();
			out[where % n] = (byte) (what % 256 == doc[where % n] ? what % 256 + 1 : what % 256);
			return out;
		}
		case "deletion": {
			final int at = where % n;
			final int length = Math.min(n - at, 1 + what % 16);
			final byte[] out = new byte[n - length];
			System.arraycopy(doc, 0, out, 0, at);
			System.arraycopy(doc, at + length, out, at, n - at - length);
			return out;
		}
		case "duplication": {
			final int at = where % n;
			final int length = Math.min(n - at, 1 + what % 16);
			final byte[] out = new byte[n + length];
			System.arraycopy(doc, 0, out, 0, at + length);
			System.arraycopy(doc, at, out, at + length, n - at);
			return out;
		}
		case "whitespace":
			return whitespace(doc);
		default:
			return json(doc, rank, bytes);
		}
	}

	/** Inserts whitespace before the first structural character at or after the position, outside strings. */
	private byte[] whitespace(final byte[] doc) {
		final int from = where % doc.length;
		boolean inString = false;
		int at = doc.length;
		for (int i = 0; i < doc.length; i++) {
			final char ch = (char) doc[i];
			if (inString) {
				if (ch == '\\')
					i++;
				else if (ch == '"')
					inString = false;
				continue;
			}
			if (ch == '"')
				inString = true;
			else if (i >= from && ",:{}[]".indexOf(ch) >= 0) {
				at = i;
				break;
			}
		}
		final byte[] space = new byte[] { ' ', '\n', '\t', '\r', ' ' };
		final byte[] ws = Arrays.copyOf(space, 1 + what % space.length);
		final byte[] out = new byte[doc.length + ws.length];
		System.arraycopy(doc, 0, out, 0, at);
		System.arraycopy(ws, 0, out, at, ws.length);
		System.arraycopy(doc, at, out, at + ws.length, doc.length - at);
		return out;
	}

	private byte[] json(final byte[] doc, final int rank, final int bytes) {
		final JsonNode root;
		try {
			root = Json.MAPPER.readTree(doc);
		} catch (final IOException e) {
			throw new UncheckedIOException(e); // the documents our writer makes are JSON
		}
		final List<Slot> slots = new ArrayList<>();
		collect(root, slots);
		if (slots.isEmpty()) // an empty .zattrs: give it something wrong
			((ObjectNode) root).set("x", F.arrayNode());
		else
			switch (kind) {
			case "key deletion": {
				final List<Slot> keys = slots.stream().filter(s -> s.key != null).toList();
				final Slot s = keys.get(where % keys.size());
				((ObjectNode) s.parent).remove(s.key);
				break;
			}
			case "key addition": {
				final List<Slot> objects = slots.stream().filter(s -> s.value.isObject()).toList();
				final ObjectNode target = objects.isEmpty() ? (ObjectNode) root
						: (ObjectNode) objects.get(where % objects.size()).value;
				final String[] keys = { "zarr_format", "foo", "storage_transformers", "must_understand", "filters",
						"compressor", "dimension_separator", "codecs", "shape", "consolidated_metadata" };
				target.set(keys[what % keys.length], value(what / keys.length));
				break;
			}
			case "wrong value":
				slots.get(where % slots.size()).replace(value(what));
				break;
			case "field value": {
				final List<Slot> fields = slots.stream().filter(s -> s.key != null && FIELDS.contains(s.key))
						.toList();
				final List<Slot> targets = fields.isEmpty() ? slots : fields;
				targets.get(where % targets.size()).replace(value(what));
				break;
			}
			case "unknown name": {
				final List<Slot> texts = slots.stream().filter(s -> s.value.isTextual()).toList();
				if (!texts.isEmpty())
					texts.get(where % texts.size()).replace(F.textNode(NAMES.get(what % NAMES.size())));
				break;
			}
			case "huge shape": {
				final List<Slot> shapes = slots.stream().filter(s -> s.key != null && s.value.isArray()
						&& (s.key.equals("shape") || s.key.equals("chunks") || s.key.equals("chunk_shape"))).toList();
				if (!shapes.isEmpty())
					shapes.get(where % shapes.size()).replace(hugeShape(what, rank, bytes));
				break;
			}
			default:
				throw new AssertionError(kind);
			}
		try {
			return Json.MAPPER.writeValueAsBytes(root);
		} catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** A place in the JSON tree: a field of an object or an element of an array. */
	private static final class Slot {

		final ContainerNode<?> parent;

		final String key;

		final int index;

		final JsonNode value;

		Slot(final ContainerNode<?> parent, final String key, final int index, final JsonNode value) {
			this.parent = parent;
			this.key = key;
			this.index = index;
			this.value = value;
		}

		void replace(final JsonNode replacement) {
			if (key != null)
				((ObjectNode) parent).set(key, replacement);
			else
				((ArrayNode) parent).set(index, replacement);
		}
	}

	private static void collect(final JsonNode node, final List<Slot> slots) {
		if (node.isObject())
			for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
				final Map.Entry<String, JsonNode> e = it.next();
				slots.add(new Slot((ObjectNode) node, e.getKey(), -1, e.getValue()));
				collect(e.getValue(), slots);
			}
		else if (node.isArray())
			for (int i = 0; i < node.size(); i++) {
				slots.add(new Slot((ArrayNode) node, null, i, node.get(i)));
				collect(node.get(i), slots);
			}
	}

	/** @return values of every JSON type, extremes of every integer width, names that mean something else */
	static JsonNode value(final int choice) {
		final BigInteger two63 = BigInteger.ONE.shiftLeft(63);
		final JsonNode[] pool = { F.nullNode(), F.booleanNode(true), F.booleanNode(false), F.numberNode(0),
				F.numberNode(-1), F.numberNode(1), F.numberNode(2), F.numberNode(3), F.numberNode(1.5),
				F.numberNode(-0.0), F.numberNode(1e300), F.numberNode(Integer.MAX_VALUE),
				F.numberNode(1L << 31), F.numberNode(-(1L << 31) - 1), F.numberNode((1L << 53) + 1),
				F.numberNode(1L << 62), F.numberNode(Long.MAX_VALUE), F.numberNode(Long.MIN_VALUE),
				F.numberNode((1L << 32) + 2), F.numberNode((1L << 32) + 3), F.numberNode(2.0), F.numberNode(3.0),
				F.numberNode(two63), F.numberNode(two63.shiftLeft(1).negate()), F.numberNode(Double.NaN),
				F.textNode(""), F.textNode("x"), F.textNode("NaN"), F.textNode("0x7fc00000"), F.textNode("<c8"),
				F.textNode("bz2"), F.textNode("sharding_indexed"), F.arrayNode(), F.arrayNode().add(0),
				F.arrayNode().add(-1), F.arrayNode().add(1).add(2).add(3).add(4).add(5),
				F.arrayNode().add(1L << 62), F.arrayNode().add("a"), F.arrayNode().add(F.arrayNode().add(1)),
				F.objectNode(), F.objectNode().put("name", "x"), F.objectNode().put("id", "delta"),
				F.arrayNode().add(F.objectNode().put("id", "delta")), F.objectNode().put("must_understand", true),
				F.objectNode().put("name", "bytes"), F.objectNode().put("id", "blosc") };
		return pool[choice % pool.length];
	}

	/**
	 * @return a shape of the given rank (or one off) that is zero, negative, beyond long or int, or so large that a
	 *         chunk of it overflows a Java array or nearly fills one
	 */
	static JsonNode hugeShape(final int choice, final int rank, final int bytes) {
		final ArrayNode a = F.arrayNode();
		final int r = Math.max(1, rank);
		switch (choice % 16) {
		case 0:
			return fill(a, r, 1L << 62);
		case 1:
			return fill(a.add(1L << 62), r - 1, 3);
		case 2:
			return fill(a, r, Long.MAX_VALUE);
		case 3:
			return fill(a.add(BigInteger.ONE.shiftLeft(63)), r - 1, 1);
		case 4:
			return fill(a, r, 65536);
		case 5:
			return fill(a.add(46341).add(46341), r - 2, 1);
		case 6:
			return fill(a.add(Integer.MAX_VALUE), r - 1, 1);
		case 7: // a chunk of just under 2 GB, the most a Java array holds
			return fill(a.add((Integer.MAX_VALUE - 8) / bytes), r - 1, 1);
		case 8: // large but sane: 16 M elements
			return fill(a.add(1 << 24), r - 1, 1);
		case 9:
			return fill(a, r, 0);
		case 10:
			return fill(a, r, -1);
		case 11:
			return a;
		case 12:
			return fill(a, r + 1, 2);
		case 13:
			return fill(a, r - 1, 2);
		case 14:
			return fill(a.add(1L << 31), r - 1, 1);
		default:
			return fill(a.add(Long.MIN_VALUE), r - 1, 1);
		}
	}

	private static ArrayNode fill(final ArrayNode a, final int count, final long value) {
		for (int i = 0; i < count; i++)
			a.add(value);
		return a;
	}

	@Override
	public String toString() {
		return kind + " (" + where + ", " + what + ") of the " + target.name().toLowerCase() + " metadata";
	}
}
