package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups, parent groups made on demand, children, and attributes of groups and arrays in v2 and v3. */
class ZarrGroupTest {

	@TempDir
	Path root;

	@Test
	void groupsAndAttributesInBothVersions() {
		for (final int format : new int[] { 2, 3 }) {
			final Path container = root.resolve("v" + format);
			final ZarrGroup top = ZarrGroup.create(container, "/", format, Map.of("name", "top"));
			final ArraySpec spec = ArraySpec.builder().shape(3, 4).chunks(2, 2).dataType(DataType.FLOAT64)
					.zarrFormat(format).attributes(Map.of("unit", "um", "scale", List.of(0.5, 0.25))).build();
			final ZarrArray array = ZarrArray.create(container, "a/b/c", spec);
			assertEquals(List.of("a"), top.children());
			final ZarrGroup a = ZarrGroup.open(container, "a");
			assertEquals(format, a.zarrFormat());
			assertEquals(List.of("b"), a.children());
			assertEquals(List.of("c"), ZarrGroup.open(container, "a/b/").children());
			assertEquals(Map.of("name", "top"), ZarrGroup.open(container, "").attributes());
			assertEquals(Map.of(), a.attributes());
			assertEquals("um", array.attributes().get("unit"));
			assertEquals(List.of(0.5, 0.25), array.attributes().get("scale"));

			array.writeAttributes(Map.of("unit", "nm", "nested", Map.of("n", 3, "nan", "NaN")));
			final ZarrArray reopened = ZarrArray.open(container, "a/b/c");
			assertEquals(Map.of("unit", "nm", "nested", Map.of("n", 3, "nan", "NaN")), reopened.attributes());
			assertEquals(DataType.FLOAT64, reopened.dataType(), "writing attributes keeps the metadata");
			a.writeAttributes(Map.of("k", true));
			assertEquals(Map.of("k", true), ZarrGroup.open(container, "a").attributes());
			assertTrue(Files.exists(container.resolve(format == 2 ? "a/b/.zgroup" : "a/b/zarr.json")));
		}
	}

	@Test
	void arrayAtTheRootOfAContainer() {
		final ZarrArray array = ZarrArray.create(root.resolve("solo"), "", ArraySpec.builder().shape(5).chunks(5)
				.dataType(DataType.INT8).fillValue(-1).build());
		assertEquals("", array.arrayPath());
		assertEquals(root.resolve("solo"), array.path());
		assertEquals(-1L, ZarrArray.open(root.resolve("solo"), "/").fillValue());
	}

	@Test
	void nonAsciiAttributesAreWrittenAsAsciiEscapesThatPythonsZarrCanDecode() throws Exception {
		final ZarrArray array = ZarrArray.create(root.resolve("ascii"), "", ArraySpec.builder().shape(2).chunks(2)
				.dataType(DataType.UINT8).zarrFormat(2).attributes(Map.of("input", "/data/in put \u00e9\u4e2d.zarr")).build());
		for (final byte b : Files.readAllBytes(array.path().resolve(".zattrs")))
			assertTrue(b >= 0, "every byte is ASCII");
		assertEquals("/data/in put \u00e9\u4e2d.zarr", ZarrArray.open(root.resolve("ascii"), "").attributes().get("input"));
	}

	@Test
	void openingAnArrayAsAGroupNamesItsMetadataFile() {
		for (final int format : new int[] { 2, 3 }) {
			final Path container = root.resolve("array-v" + format);
			ZarrArray.create(container, "a", ArraySpec.builder().shape(3).chunks(3).dataType(DataType.UINT8)
					.zarrFormat(format).build());
			final Path file = container.resolve("a").resolve(format == 2 ? MetadataV2.ARRAY : MetadataV3.FILE);
			final ZarrNotFoundException e = assertThrows(ZarrNotFoundException.class,
					() -> ZarrGroup.open(container, "a"));
			assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
		}
	}
}
