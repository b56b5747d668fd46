package org.featurize.unet.zarr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.dataset.ContiguousDatasetImpl;
import io.jhdf.exceptions.HdfException;
import io.jhdf.exceptions.HdfFilterException;
import io.jhdf.exceptions.HdfInvalidPathException;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.message.DataLayout;

/**
 * HDF5 files read as arrays, read only, through jHDF (pure Java): BigDataViewer's XML/HDF5 (each view
 * {@code tT/sS/0/cells}, its levels {@code tT/sS/K/cells}; their int16 read as the uint16 that BigDataViewer stores
 * in them), Imaris' {@code .ims} ({@code DataSet/ResolutionLevel
 * K/TimePoint T/Channel C/Data}), ilastik's and any other file of numeric datasets. A dataset is an array in C
 * order as HDF5 keeps it (the same axis order as Zarr's): chunked datasets are read chunk by chunk (a missing chunk
 * holds the fill value), contiguous ones by bands of whole rows. Filters: deflate, shuffle, Fletcher-32, LZF, LZ4 and
 * bitshuffle; others are refused by name.
 * <p>
 * A path may name a dataset inside a file as if the file were a folder ({@code views.h5/t00000/s00/0/cells}): see
 * {@link #split}.
 */
public final class Hdf5Arrays
{
	private static final byte[] SIGNATURE = { ( byte ) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

	/** HDF5 filter ids that jHDF decodes: deflate, shuffle, Fletcher-32, LZF, LZ4, bitshuffle. */
	private static final Set< Integer > FILTERS = Set.of( 1, 2, 3, 32000, 32004, 32008 );

	/** Names of registered HDF5 filters jHDF does not decode, for messages. */
	private static final Map< Integer, String > FILTER_NAMES = Map.of( 4, "szip", 5, "nbit", 6, "scaleoffset", 307, "bzip2", 32001, "blosc",
			32013, "zfp", 32015, "zstd", 32017, "sz", 32026, "blosc2" );

	/** Contiguous datasets are read in bands of whole rows of about this many bytes. */
	private static final long BAND_BYTES = 16L << 20;

	/** BigDataViewer's views and their levels. */
	private static final Pattern BDV = Pattern.compile( "(t\\d+/s\\d+)/(\\d+)/cells" );

	/** Imaris' images and their levels. */
	private static final Pattern IMARIS = Pattern.compile( "DataSet/ResolutionLevel (\\d+)/(TimePoint \\d+/Channel \\d+)/Data" );

	/** Open files, by path, size and modification time (a file written again is opened again). */
	private static final Map< String, HdfFile > OPEN = new ConcurrentHashMap<>();

	private Hdf5Arrays()
	{
		// static utility
	}

	/** @return whether {@code path} is a regular file that starts with HDF5's signature (after a user block of 512, 1024, ... bytes) */
	public static boolean isHdf5( final Path path )
	{
		if ( !Files.isRegularFile( path ) )
			return false;
		try ( InputStream in = Files.newInputStream( path ) )
		{
			final byte[] head = new byte[ SIGNATURE.length ];
			long at = 0;
			for ( long offset = 0; offset <= 1L << 20; offset = offset == 0 ? 512 : 2 * offset )
			{
				in.skipNBytes( offset - at );
				if ( in.readNBytes( head, 0, head.length ) < head.length )
					return false;
				at = offset + head.length;
				if ( Arrays.equals( head, SIGNATURE ) )
					return true;
			}
			return false;
		}
		catch ( final IOException e )
		{
			return false;
		}
	}

	/**
	 * Splits a path that runs into an HDF5 file ({@code a/views.h5/t00000/s00/0/cells}) into the file and the path
	 * inside it; null where no part of the path (itself included) is an HDF5 file.
	 *
	 * @return {file, dataset path ("" for the file itself)} or null
	 */
	public static Object[] split( final Path path )
	{
		final Path absolute = path.toAbsolutePath().normalize();
		for ( Path p = absolute; p != null; p = p.getParent() )
		{
			if ( Files.isDirectory( p ) )
				return null;
			if ( Files.isRegularFile( p ) )
			{
				if ( !isHdf5( p ) )
					return null;
				final String inner = p.relativize( absolute ).toString().replace( '\\', '/' );
				return new Object[] { p, inner };
			}
		}
		return null;
	}

	static HdfFile file( final Path path )
	{
		final Path p = path.toAbsolutePath().normalize();
		final String key;
		try
		{
			key = p + "|" + Files.size( p ) + "|" + Files.getLastModifiedTime( p ).toMillis();
		}
		catch ( final IOException e )
		{
			throw new ZarrIOException( "Cannot read HDF5 file " + p + ": " + e.getMessage(), e );
		}
		return OPEN.computeIfAbsent( key, k -> {
			try
			{
				return new HdfFile( p );
			}
			catch ( final RuntimeException e )
			{
				throw new ZarrFormatException( "HDF5 file " + p + " cannot be read (damaged, or not HDF5): " + e.getMessage() );
			}
		} );
	}

	/**
	 * The metadata of dataset {@code dataset} ("" or "/": the file's one image) of HDF5 file {@code file}.
	 *
	 * @throws ZarrNotFoundException where there is no such dataset, or a group (its images named)
	 * @throws ZarrUnsupportedException for a type or filter not read here
	 */
	static ArrayMetadata open( final Path file, final String dataset )
	{
		try
		{
			return read( file, dataset );
		}
		catch ( final HdfException e )
		{
			throw damaged( file, e );
		}
	}

	/** A jHDF failure other than a missing path: the file's structure cannot be read. */
	private static ZarrFormatException damaged( final Path file, final HdfException e )
	{
		Throwable root = e;
		while ( root.getCause() != null && root.getCause() != root )
			root = root.getCause();
		return new ZarrFormatException( "HDF5 file " + file + " is damaged or cannot be read: " + e.getMessage()
				+ ( root != e ? " (" + root.getMessage() + ")" : "" ) );
	}

	private static ArrayMetadata read( final Path file, final String dataset )
	{
		final HdfFile hdf = file( file );
		final String path = dataset == null ? "" : dataset.replaceAll( "^/+|/+$", "" );
		final Node node;
		try
		{
			node = path.isEmpty() ? hdf : hdf.getByPath( path );
		}
		catch ( final HdfInvalidPathException e )
		{
			throw new ZarrNotFoundException( "No dataset \"" + path + "\" in HDF5 file " + file + ": it holds " + describe( images( hdf ) ) );
		}
		if ( node instanceof Group )
		{
			final List< String > images = images( ( Group ) node );
			if ( images.size() == 1 )
				return open( file, ( path.isEmpty() ? "" : path + "/" ) + images.get( 0 ) );
			throw new ZarrNotFoundException( "No array at " + ( path.isEmpty() ? "HDF5 file " + file : "\"" + path + "\" in HDF5 file " + file )
					+ ": it is a group, which holds " + describe( images ) + ": give one of them as the dataset (dataset=PATH; "
					+ "bin/featurize --dataset=PATH)" );
		}
		if ( !( node instanceof Dataset ) )
			throw new ZarrNotFoundException( "\"" + path + "\" in HDF5 file " + file + " is no dataset (" + node.getType() + ")" );
		final Dataset d = ( Dataset ) node;
		final String where = "HDF5 dataset \"" + path + "\" of " + file;
		if ( d.isCompound() || d.isVariableLength() || d.isScalar() )
			throw new ZarrUnsupportedException( where + " holds " + ( d.isCompound() ? "compound" : d.isScalar() ? "a scalar" : "variable-length" )
					+ " values: expected an array of numbers" );
		final Matcher view = BDV.matcher( path );
		final org.featurize.unet.zarr.DataType stored = type( d.getDataType(), where );
		// BigDataViewer writes its uint16 images as HDF5 int16 (the bits of the unsigned values)
		final org.featurize.unet.zarr.DataType type = stored == org.featurize.unet.zarr.DataType.INT16 && view.find() && view.end() == path.length()
				? org.featurize.unet.zarr.DataType.UINT16 : stored;
		try
		{
			for ( final PipelineFilterWithData f : d.getFilters() )
				if ( !FILTERS.contains( f.getId() ) )
					throw unsupportedFilter( where, f.getId(), f.getName() );
		}
		catch ( final HdfFilterException e )
		{
			// a filter jHDF has no decoder for: named in its message
			final Matcher m = Pattern.compile( "name='([^']*)' id=(\\d+)" ).matcher( String.valueOf( e.getMessage() ) );
			if ( m.find() )
				throw unsupportedFilter( where, Integer.parseInt( m.group( 2 ) ), m.group( 1 ) );
			throw new ZarrUnsupportedException( where + " uses an HDF5 filter that is not read here: " + e.getMessage() );
		}
		final int[] dims = d.getDimensions();
		final long[] shape = new long[ dims.length ];
		for ( int i = 0; i < dims.length; i++ )
			shape[ i ] = dims[ i ];
		final int[] chunks;
		if ( d instanceof ChunkedDataset && d.getDataLayout() == DataLayout.CHUNKED )
			chunks = ( ( ChunkedDataset ) d ).getChunkDimensions().clone();
		else
			chunks = bands( shape, type.bytesPerElement() );
		final ByteOrder order = d.getDataType() instanceof FixedPoint ? ( ( FixedPoint ) d.getDataType() ).getByteOrder()
				: ( ( FloatingPoint ) d.getDataType() ).getByteOrder();
		ArrayMetadata.checkShapes( shape, chunks, type, "chunks", where );
		final long fillBits = fillBits( d.getFillValue(), type );
		final ChunkPipeline pipeline = new ChunkPipeline( type, order, chunks, null, List.of() );
		return new ArrayMetadata( ArrayMetadata.HDF5, file, shape, chunks, type, order, 'C', Compressor.none(), fillBits,
				new ChunkKeys( false, "/", true ), pipeline, null, new Source( d, path, file, type, order, chunks, shape, fillBits ) );
	}

	private static ZarrUnsupportedException unsupportedFilter( final String where, final int id, final String name )
	{
		return new ZarrUnsupportedException( where + " is compressed with HDF5 filter " + FILTER_NAMES.getOrDefault( id, name ) + " (id " + id
				+ "), which is not read here (deflate/gzip, shuffle, Fletcher-32, LZF, LZ4 and bitshuffle are): write it again with one of "
				+ "those, or convert it to Zarr" );
	}

	/** Virtual chunks of a dataset stored contiguously: bands of whole rows of one plane, about {@link #BAND_BYTES} each. */
	private static int[] bands( final long[] shape, final int bytes )
	{
		final int n = shape.length;
		final int[] chunks = new int[ n ];
		Arrays.fill( chunks, 1 );
		if ( n == 0 )
			return chunks;
		chunks[ n - 1 ] = ( int ) Math.max( 1, Math.min( shape[ n - 1 ], Integer.MAX_VALUE / 16 ) );
		if ( n >= 2 )
		{
			final long rowBytes = Math.max( 1, chunks[ n - 1 ] * ( long ) bytes );
			chunks[ n - 2 ] = ( int ) Math.max( 1, Math.min( shape[ n - 2 ], BAND_BYTES / rowBytes ) );
		}
		return chunks;
	}

	private static org.featurize.unet.zarr.DataType type( final DataType t, final String where )
	{
		if ( t instanceof FixedPoint )
		{
			final FixedPoint f = ( FixedPoint ) t;
			switch ( f.getSize() )
			{
			case 1:
				return f.isSigned() ? org.featurize.unet.zarr.DataType.INT8 : org.featurize.unet.zarr.DataType.UINT8;
			case 2:
				return f.isSigned() ? org.featurize.unet.zarr.DataType.INT16 : org.featurize.unet.zarr.DataType.UINT16;
			case 4:
				return f.isSigned() ? org.featurize.unet.zarr.DataType.INT32 : org.featurize.unet.zarr.DataType.UINT32;
			case 8:
				return f.isSigned() ? org.featurize.unet.zarr.DataType.INT64 : org.featurize.unet.zarr.DataType.UINT64;
			default:
			}
		}
		else if ( t instanceof FloatingPoint )
		{
			switch ( t.getSize() )
			{
			case 2:
				return org.featurize.unet.zarr.DataType.FLOAT16;
			case 4:
				return org.featurize.unet.zarr.DataType.FLOAT32;
			case 8:
				return org.featurize.unet.zarr.DataType.FLOAT64;
			default:
			}
		}
		throw new ZarrUnsupportedException( where + " has HDF5 type " + t.getClass().getSimpleName() + " of " + t.getSize()
				+ " bytes: expected integers of 1, 2, 4 or 8 bytes or floats of 2, 4 or 8" );
	}

	/** The raw bits of the fill value (see {@link FillValue}): 0 where there is none. */
	private static long fillBits( final Object fill, final org.featurize.unet.zarr.DataType type )
	{
		if ( !( fill instanceof Number ) )
			return 0;
		final Number n = ( Number ) fill;
		switch ( type )
		{
		case FLOAT16:
			return Half.fromFloat( n.floatValue() ) & 0xffffL;
		case FLOAT32:
			return Float.floatToRawIntBits( n.floatValue() ) & 0xffffffffL;
		case FLOAT64:
			return Double.doubleToRawLongBits( n.doubleValue() );
		default:
			return n.longValue();
		}
	}

	/**
	 * The images of a group: its numeric datasets of 2 or more dimensions, in the order HDF5 lists them, except a
	 * BigDataViewer view's or an Imaris image's coarser levels, BigDataViewer's {@code resolutions} and
	 * {@code subdivisions} tables and Imaris' thumbnail. Paths are relative to the group.
	 */
	public static List< String > images( final Group group )
	{
		final List< String > all = new ArrayList<>();
		final String base = group.getPath().replaceAll( "^/+|/+$", "" );
		final String prefix = base.isEmpty() ? "" : base + "/";
		collect( group, prefix, all ); // whole paths, so that a view's levels are known as such below its group too
		final List< String > images = new ArrayList<>();
		for ( final String p : all )
		{
			final Matcher bdv = BDV.matcher( p ), ims = IMARIS.matcher( p );
			if ( bdv.find() && bdv.end() == p.length() && !bdv.group( 2 ).equals( "0" ) )
				continue;
			if ( ims.find() && ims.end() == p.length() && !ims.group( 1 ).equals( "0" ) )
				continue;
			if ( p.matches( "(.*/)?s\\d+/(resolutions|subdivisions)" ) || p.matches( "(.*/)?Thumbnail/Data" ) )
				continue;
			images.add( p.substring( prefix.length() ) );
		}
		return images;
	}

	/** The images (see {@link #images(Group)}) of HDF5 file {@code file}, below {@code group} ("" for all). */
	public static List< String > images( final Path file, final String group )
	{
		final HdfFile hdf = file( file );
		try
		{
			final Node node = group == null || group.isEmpty() ? hdf : hdf.getByPath( group );
			return node instanceof Group ? images( ( Group ) node ) : List.of();
		}
		catch ( final HdfInvalidPathException e )
		{
			return List.of(); // no such node: opening it says so
		}
		catch ( final HdfException e )
		{
			throw damaged( file, e );
		}
	}

	private static void collect( final Group group, final String prefix, final List< String > out )
	{
		for ( final Node child : group.getChildren().values() )
		{
			if ( child.isLink() )
				continue;
			final String p = prefix + child.getName();
			if ( child instanceof Group )
				collect( ( Group ) child, p + "/", out );
			else if ( child instanceof Dataset )
			{
				final Dataset d = ( Dataset ) child;
				if ( !d.isCompound() && !d.isVariableLength() && !d.isScalar() && d.getDimensions().length >= 2
						&& ( d.getDataType() instanceof FixedPoint || d.getDataType() instanceof FloatingPoint ) )
					out.add( p );
			}
		}
	}

	/**
	 * The levels of an image, finest first: a BigDataViewer view's {@code tT/sS/K/cells} and an Imaris image's
	 * {@code ResolutionLevel K} as long as they follow one another; the image alone for any other dataset.
	 */
	public static List< String > levels( final Path file, final String image )
	{
		try
		{
			return levels( file( file ), image );
		}
		catch ( final HdfException e )
		{
			throw damaged( file, e );
		}
	}

	private static List< String > levels( final HdfFile hdf, final String image )
	{
		final List< String > levels = new ArrayList<>();
		levels.add( image );
		final Matcher bdv = BDV.matcher( image ), ims = IMARIS.matcher( image );
		if ( bdv.find() && bdv.end() == image.length() && bdv.group( 2 ).equals( "0" ) )
			for ( int k = 1;; k++ )
			{
				final String level = image.substring( 0, bdv.start( 2 ) ) + k + "/cells";
				if ( !exists( hdf, level ) )
					break;
				levels.add( level );
			}
		else if ( ims.find() && ims.end() == image.length() && ims.group( 1 ).equals( "0" ) )
			for ( int k = 1;; k++ )
			{
				final String level = image.substring( 0, ims.start( 1 ) ) + k + image.substring( ims.end( 1 ) );
				if ( !exists( hdf, level ) )
					break;
				levels.add( level );
			}
		return levels;
	}

	private static boolean exists( final HdfFile hdf, final String path )
	{
		try
		{
			return hdf.getByPath( path ) instanceof Dataset;
		}
		catch ( final HdfInvalidPathException e )
		{
			return false;
		}
	}

	/** An image's name for outputs and messages: BigDataViewer's {@code tT/sS}, Imaris' {@code TimePoint T/Channel C}. */
	public static String name( final String image )
	{
		final Matcher bdv = BDV.matcher( image ), ims = IMARIS.matcher( image );
		if ( bdv.find() && bdv.end() == image.length() )
			return image.substring( 0, bdv.start() ) + bdv.group( 1 );
		if ( ims.find() && ims.end() == image.length() )
			return image.substring( 0, ims.start() ) + ims.group( 2 );
		return image;
	}

	private static String describe( final List< String > images )
	{
		if ( images.isEmpty() )
			return "no numeric dataset of 2 or more dimensions";
		final List< String > shown = images.subList( 0, Math.min( 12, images.size() ) );
		return "the dataset" + ( images.size() == 1 ? " " : "s " ) + String.join( ", ", shown )
				+ ( images.size() > 12 ? ", ... (" + images.size() + " in all)" : "" );
	}

	/** How one dataset's chunks are read. */
	static final class Source
	{
		private final Dataset dataset;

		private final String path, where;

		private final org.featurize.unet.zarr.DataType type;

		private final ByteOrder order;

		private final int[] chunks;

		private final long[] shape;

		private final long fillBits;

		Source( final Dataset dataset, final String path, final Path file, final org.featurize.unet.zarr.DataType type, final ByteOrder order,
				final int[] chunks, final long[] shape, final long fillBits )
		{
			this.dataset = dataset;
			this.path = path;
			this.where = "HDF5 dataset \"" + path + "\" of " + file;
			this.type = type;
			this.order = order;
			this.chunks = chunks;
			this.shape = shape;
			this.fillBits = fillBits;
		}

		String path()
		{
			return path;
		}

		/** The chunk at {@code grid} as a full chunk of {@link ArrayMetadata#chunkShape} (edges padded with the fill value). */
		Object read( final long[] grid )
		{
			final int n = chunks.length;
			int elements = 1;
			for ( final int c : chunks )
				elements *= c;
			try
			{
				if ( dataset instanceof ChunkedDataset && dataset.getDataLayout() == DataLayout.CHUNKED )
				{
					final int[] offset = new int[ n ];
					for ( int d = 0; d < n; d++ )
						offset[ d ] = ( int ) ( grid[ d ] * chunks[ d ] );
					final byte[] raw;
					synchronized ( dataset )
					{
						raw = ( ( ChunkedDataset ) dataset ).getDecompressedChunk( offset );
					}
					if ( raw.length != elements * type.bytesPerElement() )
						throw new ZarrChunkException( "Chunk at " + Arrays.toString( offset ) + " of " + where + " holds " + raw.length
								+ " bytes after its filters, expected " + elements * type.bytesPerElement() );
					return Elements.decode( raw, type, order );
				}
				return band( grid, elements );
			}
			catch ( final HdfException e )
			{
				if ( String.valueOf( e.getMessage() ).startsWith( "No chunk with offset" ) )
					return Elements.filled( type, fillBits, elements ); // never written: the fill value
				throw new ZarrChunkException( "Chunk " + Arrays.toString( grid ) + " of " + where + " cannot be read: " + e.getMessage(), e );
			}
			catch ( final RuntimeException e )
			{
				if ( e instanceof ZarrException )
					throw e;
				throw new ZarrChunkException( "Chunk " + Arrays.toString( grid ) + " of " + where + " cannot be read: " + e, e );
			}
		}

		/** A band of whole rows of a dataset stored contiguously (or compactly), padded to the full chunk. */
		private Object band( final long[] grid, final int elements )
		{
			if ( dataset.isEmpty() ) // declared, never written: the fill value
				return Elements.filled( type, fillBits, elements );
			final int n = chunks.length;
			final long[] offset = new long[ n ];
			final int[] size = new int[ n ];
			for ( int d = 0; d < n; d++ )
			{
				offset[ d ] = grid[ d ] * chunks[ d ];
				size[ d ] = ( int ) Math.min( chunks[ d ], shape[ d ] - offset[ d ] );
			}
			final int bytes = type.bytesPerElement();
			int got = bytes;
			for ( final int s : size )
				got *= s;
			if ( !( dataset instanceof ContiguousDatasetImpl ) )
				throw new ZarrUnsupportedException( where + " is stored with layout " + dataset.getDataLayout()
						+ ", which is not read here (chunked and contiguous are)" );
			final ByteBuffer b;
			synchronized ( dataset )
			{
				b = ( ( ContiguousDatasetImpl ) dataset ).getSliceDataBuffer( offset, size );
			}
			if ( b.remaining() != got )
				throw new ZarrChunkException( "Rows " + Arrays.toString( offset ) + " of " + where + ": " + b.remaining() + " bytes read, "
						+ got + " expected" );
			final byte[] raw = new byte[ elements * bytes ];
			b.get( raw, 0, got );
			final Object values = Elements.decode( raw, type, order );
			if ( got < raw.length )
			{
				// an edge band: rows past the dataset's end hold the fill value
				final Object fill = Elements.filled( type, fillBits, elements - got / bytes );
				System.arraycopy( fill, 0, values, got / bytes, elements - got / bytes );
			}
			return values;
		}
	}
}
