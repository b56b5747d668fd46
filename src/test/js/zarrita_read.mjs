// Reads Zarr arrays (v2 or v3) with zarrita and dumps what it reads.
//
// Usage: node zarrita_read.mjs LIST OUT
//
// LIST is a JSON file: [{"root": "/abs/container", "path": "array/in/it", "name": "some-name"}, ...]. For each
// array, writes OUT/<name>.bin (the whole array, C order, little-endian, bool as 0/1 bytes) and prints one JSON
// line: name, dtype, shape, chunks, attributes; or name and error if zarrita cannot read it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import FileSystemStore from "@zarrita/storage/fs";
import { cOrderBytes, zarr } from "./common.mjs";

const [listFile, outDir] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(listFile, "utf8"));
mkdirSync(outDir, { recursive: true });
for (const e of entries) {
	try {
		const location = zarr.root(new FileSystemStore(e.root)).resolve(e.path);
		const array = await zarr.open(location, { kind: "array" });
		const chunk = await zarr.get(array);
		writeFileSync(join(outDir, `${e.name}.bin`), cOrderBytes(chunk));
		console.log(JSON.stringify({ name: e.name, dtype: array.dtype, shape: array.shape, chunks: array.chunks,
			attributes: array.attrs }));
	} catch (err) {
		console.log(JSON.stringify({ name: e.name, error: String(err && err.stack ? err.stack : err) }));
	}
}
