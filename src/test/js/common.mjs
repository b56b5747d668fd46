// Shared by the zarrita scripts: the zarrita setup and dumping a chunk's values as raw bytes in C order.
import * as zarr from "zarrita";

// zarrita decodes gzip and zlib itself but cannot encode them: numcodecs' codecs can.
zarr.registry.set("gzip", () => import("numcodecs/gzip").then((m) => m.default));
zarr.registry.set("numcodecs.zlib", () => import("numcodecs/zlib").then((m) => m.default));
zarr.registry.set("zlib", () => import("numcodecs/zlib").then((m) => m.default));

export { zarr };

/**
 * The values of {data, shape, stride} (zarrita keeps an array's native order, F for transposed arrays) as raw
 * bytes in C order, in the machine's byte order (little-endian); bool as 0/1 bytes.
 */
export function cOrderBytes({ data, shape, stride }) {
	const bytes = data.BYTES_PER_ELEMENT;
	const src = new Uint8Array(data.buffer, data.byteOffset, data.length * bytes);
	const n = shape.reduce((a, b) => a * b, 1);
	const out = new Uint8Array(n * bytes);
	if (n === 0) return out;
	const index = new Array(shape.length).fill(0);
	for (let i = 0; i < n; i++) {
		let offset = 0;
		for (let d = 0; d < shape.length; d++) offset += index[d] * stride[d];
		out.set(src.subarray(offset * bytes, (offset + 1) * bytes), i * bytes);
		for (let d = shape.length - 1; d >= 0; d--) {
			if (++index[d] < shape[d]) break;
			index[d] = 0;
		}
	}
	return out;
}
