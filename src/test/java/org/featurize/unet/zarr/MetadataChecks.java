package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The metadata damage property of {@link ZarrReaderPropertiesTest}: damages the metadata of an array (or its
 * attributes, or its parent group's metadata), then opens and reads it. The reader must refuse it with our exception
 * naming the file; or, where the damaged document still holds the same JSON, read everything back exactly; or
 * else read the array that the damaged (valid) document describes, every chunk and box of the size it declares. A
 * document that is no longer a JSON object with the right zarr_format must be refused.
 */
final class MetadataChecks {

	private MetadataChecks() {
		// static utility
	}

	static void damage(final Path root, final RandomArrays.ArrayCase c, final MetadataDamage damage, final Tally tally)
			throws IOException {
		final ZarrArray created = c.create(root, "a");
		final Written written = Written.write(created, c);
		final boolean v2 = c.spec.zarrFormat() == 2;
		final Path file = damage.target == MetadataDamage.Target.GROUP
				? root.resolve(v2 ? MetadataV2.GROUP : MetadataV3.FILE)
				: created.path().resolve(damage.target == MetadataDamage.Target.ATTRIBUTES && v2
						? MetadataV2.ATTRIBUTES : v2 ? MetadataV2.ARRAY : MetadataV3.FILE);
		final byte[] original = Files.readAllBytes(file);
		final byte[] damaged = damage.apply(original, c.spec.shape().length, c.spec.dataType().bytesPerElement());
		Files.write(file, damaged);
		final boolean sameJson = sameJson(original, damaged);
		if (damage.meantHarmless())
			assertTrue(sameJson, "whitespace between tokens must keep the document: " + damage);
		final boolean invalid = !file.getFileName().toString().equals(MetadataV2.ATTRIBUTES)
				&& !isNodeDocument(damaged, c.spec.zarrFormat());
		final Tally.Outcome outcome = damage.target == MetadataDamage.Target.GROUP
				? readDamagedGroup(root, c, written, file, sameJson)
				: readDamagedMetadata(root, c, written, file, sameJson);
		if (invalid)
			assertEquals(Tally.Outcome.REFUSED, outcome, () -> "not a JSON object with \"zarr_format\": "
					+ c.spec.zarrFormat() + ", yet read: " + new String(damaged, StandardCharsets.UTF_8));
		tally.metadata(damage.kind + (damage.target == MetadataDamage.Target.GROUP ? " (group)" : ""),
				outcome);
	}

	/**
	 * Opens and reads an array whose metadata was damaged: refused with our exception naming the file, or read back
	 * exactly when the document still holds the same JSON, or else read as the array the damaged document
	 * describes, every chunk and box of the size it declares.
	 */
	private static Tally.Outcome readDamagedMetadata(final Path root, final RandomArrays.ArrayCase c,
			final Written written, final Path file, final boolean sameJson) {
		final ZarrArray array;
		try {
			array = ZarrArray.open(root, "a");
		} catch (final ZarrException e) {
			assertFalse(sameJson, () -> "the same JSON, yet refused: " + e);
			ZarrReaderPropertiesTest.assertNames(e, file.toString());
			return Tally.Outcome.REFUSED;
		}
		if (sameJson) {
			ZarrReaderPropertiesTest.checkReadsBack(array, c, written);
			return Tally.Outcome.INTACT;
		}
		try {
			array.attributes();
			readSized(array, written);
			return Tally.Outcome.OTHER_ARRAY;
		} catch (final ZarrException e) {
			ZarrReaderPropertiesTest.assertNames(e, array.path().resolve("").toString() + "/");
			return Tally.Outcome.REFUSED;
		}
	}

	/**
	 * After damage to the parent group's metadata: the array reads back exactly (its own metadata is intact), and
	 * the group opens and lists the array, or is refused with our exception naming its file.
	 */
	private static Tally.Outcome readDamagedGroup(final Path root, final RandomArrays.ArrayCase c,
			final Written written, final Path file, final boolean sameJson) {
		ZarrReaderPropertiesTest.checkReadsBack(ZarrArray.open(root, "a"), c, written);
		try {
			final ZarrGroup group = ZarrGroup.open(root, "");
			assertEquals(List.of("a"), group.children());
			group.attributes();
			return sameJson ? Tally.Outcome.INTACT : Tally.Outcome.OTHER_ARRAY;
		} catch (final ZarrException e) {
			assertFalse(sameJson, () -> "the same JSON, yet refused: " + e);
			ZarrReaderPropertiesTest.assertNames(e, file.toString());
			return Tally.Outcome.REFUSED;
		}
	}

	/** @return whether the bytes are a JSON object whose zarr_format is the given integer */
	private static boolean isNodeDocument(final byte[] doc, final int format) {
		try {
			final JsonNode json = Json.MAPPER.readTree(doc);
			return json != null && json.isObject() && json.has("zarr_format")
					&& json.get("zarr_format").isIntegralNumber() && json.get("zarr_format").asLong() == format;
		} catch (final IOException e) {
			return false;
		}
	}

	/** Reads a few chunks, boxes and pixels, checking only their sizes: the metadata is not what was written. */
	private static void readSized(final ZarrArray array, final Written written) {
		final long[] shape = array.shape();
		final int rank = shape.length;
		final long[] grid = array.gridShape();
		final int elements = (int) Boxes.size(array.chunkShape());
		final Class<?> type = array.dataType().javaArrayClass();
		final List<long[]> positions = new ArrayList<>();
		if (Arrays.stream(grid).allMatch(g -> g > 0)) {
			positions.add(new long[rank]);
			positions.add(Arrays.stream(grid).map(g -> g - 1).toArray());
			for (int k = 0; k < written.chunks.length; k++) {
				final long[] p = written.position(k);
				if (p.length == rank && written.chunks[k] != null
						&& IntStream.range(0, rank).allMatch(d -> p[d] < grid[d]))
					positions.add(p);
			}
		}
		for (final long[] p : positions) {
			final Object chunk = array.readChunk(p);
			assertEquals(type, chunk.getClass(), "chunk " + Arrays.toString(p));
			assertEquals(elements, Array.getLength(chunk), "chunk " + Arrays.toString(p));
		}
		final int[] size = new int[rank];
		final long[] end = new long[rank];
		for (int d = 0; d < rank; d++) {
			size[d] = (int) Math.min(shape[d], 2);
			end[d] = shape[d] - size[d];
		}
		for (final long[] min : List.of(new long[rank], end)) {
			final Object box = array.readRegion(min, size);
			assertEquals(type, box.getClass());
			assertEquals(Boxes.size(size), Array.getLength(box));
		}
		if (rank > 0 && elements <= 1 << 22 && Arrays.stream(shape).allMatch(s -> s > 0)) {
			final RandomAccess<?> access = ZarrImages.<FloatType> openCached(array, 1 << 20).image().randomAccess();
			access.setPosition(ZarrAxes.toImgLib2(end));
			access.get();
		}
	}

	private static boolean sameJson(final byte[] a, final byte[] b) {
		try {
			final JsonNode x = Json.MAPPER.readTree(a);
			final JsonNode y = Json.MAPPER.readTree(b);
			return x != null && x.equals(y);
		} catch (final IOException e) {
			return false;
		}
	}
}
