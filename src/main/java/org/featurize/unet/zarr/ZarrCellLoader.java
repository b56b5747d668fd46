package org.featurize.unet.zarr;

import java.util.concurrent.atomic.AtomicLong;

import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.basictypeaccess.array.BooleanArray;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.DoubleArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.basictypeaccess.array.LongArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.type.NativeType;
import net.imglib2.type.logic.NativeBoolType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Loads one ImgLib2 cell from its Zarr chunk: cell index to chunk position (through {@link ZarrAxes}), chunk to
 * primitive array (C order, so already ImgLib2's flat order), edge cells cropped, and wrapped in the access that
 * the data type's ImgLib2 type uses.
 */
final class ZarrCellLoader {

	private final ZarrArray array;

	private final CellGrid grid;

	private final int[] zarrChunk;

	private final AtomicLong reads = new AtomicLong();

	ZarrCellLoader(final ZarrArray array, final CellGrid grid) {
		this.array = array;
		this.grid = grid;
		this.zarrChunk = array.chunkShape();
	}

	/** @return the ImgLib2 type of a Zarr data type (FLOAT16 is widened to FloatType) */
	static NativeType<?> type(final DataType type) {
		switch (type) {
		case BOOL:
			return new NativeBoolType();
		case UINT8:
			return new UnsignedByteType();
		case INT8:
			return new ByteType();
		case UINT16:
			return new UnsignedShortType();
		case INT16:
			return new ShortType();
		case UINT32:
			return new UnsignedIntType();
		case INT32:
			return new IntType();
		case UINT64:
			return new UnsignedLongType();
		case INT64:
			return new LongType();
		case FLOAT16:
		case FLOAT32:
			return new FloatType();
		case FLOAT64:
			return new DoubleType();
		default:
			throw new AssertionError(type);
		}
	}

	Cell<ArrayDataAccess<?>> load(final long index) {
		final int n = grid.numDimensions();
		final long[] min = new long[n];
		final int[] dims = new int[n];
		grid.getCellDimensions(index, min, dims);
		final long[] position = new long[n];
		grid.getCellGridPositionFlat(index, position);
		Object data = array.readChunk(ZarrAxes.toZarr(position));
		reads.incrementAndGet();
		final int[] zarrDims = ZarrAxes.toZarr(dims);
		if (!java.util.Arrays.equals(zarrDims, zarrChunk)) {
			final Object cropped = Elements.allocate(array.dataType(), (int) Boxes.size(dims));
			Boxes.copy(data, zarrChunk, new int[n], cropped, zarrDims, new int[n], zarrDims);
			data = cropped;
		}
		return new Cell<>(dims, min, wrap(data, array.dataType()));
	}

	/** @return how many chunks were read */
	long reads() {
		return reads.get();
	}

	/** @return the bytes a cell's data takes on the heap, for the cache's weigher */
	static int weight(final Cell<ArrayDataAccess<?>> cell) {
		final Object data = cell.getData().getCurrentStorageArray();
		final int length = java.lang.reflect.Array.getLength(data);
		final int bytes = data instanceof boolean[] || data instanceof byte[] ? 1
				: data instanceof short[] ? 2 : data instanceof int[] || data instanceof float[] ? 4 : 8;
		return 64 + length * bytes;
	}

	private static ArrayDataAccess<?> wrap(final Object data, final DataType type) {
		switch (type) {
		case BOOL: {
			final byte[] bytes = (byte[]) data;
			final boolean[] bools = new boolean[bytes.length];
			for (int i = 0; i < bytes.length; i++)
				bools[i] = bytes[i] != 0;
			return new BooleanArray(bools);
		}
		case UINT8:
		case INT8:
			return new ByteArray((byte[]) data);
		case UINT16:
		case INT16:
			return new ShortArray((short[]) data);
		case UINT32:
		case INT32:
			return new IntArray((int[]) data);
		case UINT64:
		case INT64:
			return new LongArray((long[]) data);
		case FLOAT16:
		case FLOAT32:
			return new FloatArray((float[]) data);
		case FLOAT64:
			return new DoubleArray((double[]) data);
		default:
			throw new AssertionError(type);
		}
	}
}
