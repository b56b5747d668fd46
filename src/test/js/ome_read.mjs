// Reads an OME-Zarr image (NGFF 0.4) with zarrita as a viewer would: the group's multiscales, then every level
// it lists.
//
// Usage: node ome_read.mjs ROOT OUT
//
// For each dataset of multiscales[0], writes OUT/level-<path>.bin (the whole array, C order, little-endian) and
// prints one JSON line: path, dtype, shape, chunks, and the axes' names; or path and error.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import FileSystemStore from "@zarrita/storage/fs";
import { cOrderBytes, zarr } from "./common.mjs";

const [root, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const group = await zarr.open(zarr.root(new FileSystemStore(root)), { kind: "group" });
const multiscale = group.attrs.multiscales[0];
for (const dataset of multiscale.datasets) {
	try {
		const array = await zarr.open(group.resolve(dataset.path), { kind: "array" });
		const all = await zarr.get(array);
		writeFileSync(join(outDir, `level-${dataset.path}.bin`), cOrderBytes(all));
		console.log(JSON.stringify({ path: dataset.path, dtype: array.dtype, shape: array.shape, chunks: array.chunks,
			axes: multiscale.axes.map((a) => a.name) }));
	} catch (err) {
		console.log(JSON.stringify({ path: dataset.path, error: String(err && err.stack ? err.stack : err) }));
	}
}
