// Writes Zarr v3 arrays with zarrita for the Java tests to read.
//
// Usage: node zarrita_write.mjs OUT
//
// One array per combination of data type (all but float16, which needs Float16Array: not in Node 20) x byte
// order (bytes codec little or big) x order (no transpose, or transpose [1, 0]) x compressor (none, blosc with 5
// compressors x 3 shuffles, zstd, gzip, numcodecs.zlib); shape (25, 37), chunks (10, 16); fill values cycle
// through NaN, Infinity, -Infinity, numbers and integer extremes; chunk c/0/2 is deleted so that it reads as
// the fill value. Also 3D arrays with every transpose order. Writes OUT/arrays/<name>/, OUT/expected/<name>.bin
// (what zarrita reads back: C order, little-endian, bool as 0/1 bytes) and OUT/manifest.json.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import FileSystemStore from "@zarrita/storage/fs";
import { cOrderBytes, zarr } from "./common.mjs";

const SHAPE = [25, 37];
const CHUNKS = [10, 16];
const out = process.argv[2];
mkdirSync(join(out, "expected"), { recursive: true });

const TYPES = ["bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32",
	"float64"];
const ARRAYS = { bool: Uint8Array, uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
	uint32: Uint32Array, int32: Int32Array, uint64: BigUint64Array, int64: BigInt64Array, float32: Float32Array,
	float64: Float64Array };

// numcodecs' Blosc takes the v3 shuffle names without error but compresses without shuffling (it expects
// numbers); the metadata still names them, and Blosc's header says what was really done, so readers decode right.
function compressors() {
	const list = [["none", null]];
	for (const cname of ["lz4", "lz4hc", "zstd", "zlib", "blosclz"])
		for (const [shuffle, code] of [["noshuffle", "none"], ["shuffle", "byte"], ["bitshuffle", "bit"]])
			list.push([`blosc-${cname}-${code}`, { name: "blosc", configuration: { cname, clevel: 5, shuffle,
				blocksize: 0 } }]);
	list.push(["zstd", { name: "zstd", configuration: { level: 3, checksum: false } }]);
	list.push(["gzip", { name: "gzip", configuration: { level: 5 } }]);
	list.push(["zlib", { name: "numcodecs.zlib", configuration: { level: 5 } }]);
	return list;
}

// a small deterministic generator (xorshift32)
function generator(seed) {
	let x = (seed * 2654435761) >>> 0 || 1;
	return () => {
		x ^= x << 13; x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5; x >>>= 0;
		return x;
	};
}

function values(type, n, seed) {
	const next = generator(seed + 1);
	const data = new ARRAYS[type](n);
	const bits = type === "bool" ? 1 : 8 * data.BYTES_PER_ELEMENT;
	const signed = type.startsWith("int");
	for (let i = 0; i < n; i++) {
		const noise = i % 7 === 3;
		const pattern = i % 29;
		if (type === "bool") data[i] = noise ? next() & 1 : pattern % 3 === 0 ? 1 : 0;
		else if (type.startsWith("float")) data[i] = noise ? ((next() / 2 ** 32) - 0.5) * 10 ** ((next() % 60) - 30)
			: pattern * 0.25 - 3;
		else if (bits === 64) data[i] = noise ? (BigInt(next()) << 32n) | BigInt(next()) : BigInt(pattern * 3 - 40);
		else data[i] = noise ? next() : pattern * 3 - 40;
	}
	if (type.startsWith("float")) data.set([NaN, Infinity, -Infinity, -0], 0);
	else if (type !== "bool") {
		const big = bits === 64;
		const min = signed ? -(2n ** BigInt(bits - 1)) : 0n;
		const max = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
		data[0] = big ? min : Number(min);
		data[1] = big ? max : Number(max);
	}
	return data;
}

// zarrita writes fill values with JSON.stringify: Numbers only, so 64 bit extremes stop at 2^53 - 1
function fill(type, i) {
	if (type === "bool") return [false, true][i % 2];
	if (type.startsWith("float")) return [NaN, Infinity, -Infinity, 0, 1.5, -2.25][i % 6];
	const bits = Math.min(8 * ARRAYS[type].BYTES_PER_ELEMENT, 53);
	const signed = type.startsWith("int");
	return [0, 42, signed ? -(2 ** (bits - 1)) : 2 ** bits - 1][i % 3];
}

const manifest = [];
const store = new FileSystemStore(join(out, "arrays"));
let i = 0;
for (const type of TYPES)
	for (const endian of type === "bool" || ARRAYS[type].BYTES_PER_ELEMENT === 1 ? ["little"] : ["little", "big"])
		for (const order of ["C", "F"])
			for (const [ctag, compressor] of compressors()) {
				const tag = `${endian === "big" ? "b" : "l"}-${type}`;
				const name = `v3-zarrita-${tag}-${order}-${ctag}-${i}`;
				const codecs = [];
				if (order === "F") codecs.push({ name: "transpose", configuration: { order: [1, 0] } });
				codecs.push({ name: "bytes", configuration: { endian } });
				if (compressor) {
					const c = structuredClone(compressor);
					if (c.name === "blosc") c.configuration.typesize = ARRAYS[type].BYTES_PER_ELEMENT;
					codecs.push(c);
				}
				const fillValue = fill(type, i);
				const location = zarr.root(store).resolve(name);
				const array = await zarr.create(location, { shape: SHAPE, chunkShape: CHUNKS, dtype: type, codecs,
					fillValue, attributes: { combination: i } });
				const data = values(type, SHAPE[0] * SHAPE[1], i);
				const typed = type === "bool" ? new zarr.BoolArray(data.buffer) : data;
				await zarr.set(array, null, { data: typed, shape: SHAPE, stride: [SHAPE[1], 1] });
				rmSync(join(out, "arrays", name, "c", "0", "2"));
				const reopened = await zarr.open.v3(location, { kind: "array" });
				writeFileSync(join(out, "expected", `${name}.bin`), cOrderBytes(await zarr.get(reopened)));
				manifest.push({ name, dtype: type, endian, order, compressor: ctag, fill_value: String(fillValue),
					shape: SHAPE });
				i++;
			}

// 3D arrays with every transpose order but the identity, shape (5, 6, 7), chunks (2, 3, 4)
for (const type of ["float32", "int16"])
	for (const order of [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) {
		const shape = [5, 6, 7];
		const name = `v3-zarrita-3d-${type}-T${order.join("")}-${i}`;
		const location = zarr.root(store).resolve(name);
		const array = await zarr.create(location, { shape, chunkShape: [2, 3, 4], dtype: type, fillValue: -1,
			codecs: [{ name: "transpose", configuration: { order } },
				{ name: "bytes", configuration: { endian: "big" } }, { name: "gzip", configuration: { level: 1 } }],
			attributes: { combination: i } });
		const data = values(type, 5 * 6 * 7, i);
		await zarr.set(array, null, { data, shape, stride: [42, 7, 1] });
		rmSync(join(out, "arrays", name, "c", "0", "1", "1"));
		const reopened = await zarr.open.v3(location, { kind: "array" });
		writeFileSync(join(out, "expected", `${name}.bin`), cOrderBytes(await zarr.get(reopened)));
		manifest.push({ name, dtype: type, endian: "big", order: `T${order.join("")}`, compressor: "gzip",
			fill_value: "-1", shape });
		i++;
	}
writeFileSync(join(out, "manifest.json"), JSON.stringify({ arrays: manifest }, null, 1));
