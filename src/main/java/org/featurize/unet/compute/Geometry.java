package org.featurize.unet.compute;

import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.FeaturizeException;

/**
 * The three geometries of a run, chosen each for its own purpose: the <em>compute tile</em> (what goes through the
 * model, with its <em>halo</em> of context), and the <em>output chunk</em> (what readers fetch; the lazy image's
 * cells). The input's chunks are not among them: they are read through a cache and cropped to what a tile needs.
 * <p>
 * {@link #choose} is a pure function of the plane, the model's figures, the output's value size, the threads, the
 * cores and the memory, so that every front end (the command, {@code bin/featurize}, Spark, the Java API) makes
 * the same choice for the same work:
 * <ul>
 * <li><b>Chunk</b>: the whole plane when its features fit {@link #CHUNK_BYTES} uncompressed (the seed's layout);
 * otherwise squares whose side is the largest power of two that fits, clipped to the plane. {@code chunk=} chooses
 * another side.</li>
 * <li><b>Tile</b>: among the tiles that nest with the chunks (the whole plane when the chunk is the plane, the plane
 * split evenly, the chunk, its halves and quarters, and multiples of a chunk) whose forward passes stay within
 * {@link #REGION_PIXELS}, the one whose passes cost the fewest pixels in all (halo included); on a tie the larger.
 * {@code tile=} chooses another, refused with the figures when its chunks in flight cannot fit the Java heap or its
 * activations half the machine's memory.</li>
 * <li><b>Workers</b>: the threads given, or one per core for tiles up to 512 x 512 and fewer for larger ones
 * ({@link #defaultWorkers}), fewer still where the chunks in flight would not fit the heap.</li>
 * </ul>
 * Only where even one worker's chunks in flight do not fit the heap does the choice depend on the machine: the next
 * cheapest tile is taken, then the default chunk is halved, until they fit. So the same plane, model and output type
 * get the same tile and chunks on any machine with the heap for one worker (bin/featurize's default 1 GB holds one
 * worker with 1024 x 1024 tiles and 64 MiB chunks), and the Spark driver writes what bin/featurize writes.
 */
public final class Geometry
{
	/** The largest default output chunk, uncompressed: 64 MiB. */
	public static final long CHUNK_BYTES = 64L << 20;

	/**
	 * libtorch's native memory per pixel of a forward pass, per feature channel: 32 bytes, so 512 bytes per pixel
	 * for the shipped 16-channel UNet. Measured with {@code bench.ActivationMemory} (the growth of the peak resident
	 * memory between square passes of 256 to 2048 pixels: 508, 522, 376, 287, 247 and 243 bytes per pixel; the
	 * largest is taken).
	 */
	public static final long ACTIVATION_BYTES_PER_PIXEL_PER_CHANNEL = 32;

	/**
	 * The largest forward pass of a default tile, in pixels: 2^21, 1448 x 1448, about 1 GB of activations for the
	 * shipped model (a 1024 x 1024 tile with a halo of up to 212 pixels). The number of passes at once is the workers'
	 * ({@link #defaultWorkers}), so the activations in flight stay about those of one 512 x 512 pass per core, or of one
	 * such pass where that is more.
	 */
	public static final long REGION_PIXELS = 1L << 21;

	/**
	 * Resident memory a run takes besides the Java heap, the forward passes' activations and the input's codec
	 * buffers: the JVM itself, libtorch's, Blosc's and Zstandard's libraries, the model's weights and thread stacks.
	 * 256 MB: measured, {@code bin/featurize} on one 256 x 256 plane peaks at 300 MB resident, of which 127 MB are its
	 * two passes' activations and the rest (173 MB) the runtime and the little heap it uses.
	 */
	public static final long RUNTIME_BYTES = 256L << 20;

	/** The tile area in pixels up to which the default is one worker per core: 512 x 512. */
	public static final long TILE_PIXELS_PER_WORKER = 512L * 512;

	/** What a choice is made from. Required: the plane, the model's channels, size multiple and halo. */
	public static final class Inputs
	{
		long width, height;

		int channels = -1, multiple = -1, modelHalo = -1, valueBytes = 4, cores = 1, margin = 0;

		Integer tile, chunk, halo, threads;

		long maxHeap = Long.MAX_VALUE, physicalMemory = Long.MAX_VALUE;

		public Inputs plane( final long width, final long height )
		{
			this.width = width;
			this.height = height;
			return this;
		}

		/** The model's feature channels, size multiple, and the halo it needs by default. */
		public Inputs model( final int channels, final int multiple, final int halo )
		{
			this.channels = channels;
			this.multiple = multiple;
			this.modelHalo = halo;
			return this;
		}

		/** Bytes per stored value: 4 (float32) or 2 (float16). */
		public Inputs valueBytes( final int bytes )
		{
			this.valueBytes = bytes;
			return this;
		}

		/** The tile side asked for, or null for the default. */
		public Inputs tile( final Integer side )
		{
			this.tile = side;
			return this;
		}

		/** The chunk side asked for, or null for the default. */
		public Inputs chunk( final Integer side )
		{
			this.chunk = side;
			return this;
		}

		/** The halo asked for, or null for the model's. */
		public Inputs halo( final Integer pixels )
		{
			this.halo = pixels;
			return this;
		}

		/** How far beyond the plane's edges the model sees it mirrored ({@link FeatureOptions#margin}); 0 by default. */
		public Inputs margin( final int pixels )
		{
			this.margin = pixels;
			return this;
		}

		/** The worker threads asked for, or null for the default. */
		public Inputs threads( final Integer threads )
		{
			this.threads = threads;
			return this;
		}

		public Inputs cores( final int cores )
		{
			this.cores = cores;
			return this;
		}

		/** The Java heap's maximum and the machine's physical memory, in bytes. */
		public Inputs memory( final long maxHeap, final long physicalMemory )
		{
			this.maxHeap = maxHeap;
			this.physicalMemory = physicalMemory;
			return this;
		}
	}

	public static Inputs inputs()
	{
		return new Inputs();
	}

	private final long width, height;

	private final int tileWidth, tileHeight, halo, chunkWidth, chunkHeight, workers, multiple, channels, valueBytes, margin;

	private final long regionPixels, heapBytes, activationBytes;

	private Geometry( final Inputs in, final int tileWidth, final int tileHeight, final int halo, final int chunkWidth, final int chunkHeight,
			final int workers )
	{
		this.width = in.width;
		this.height = in.height;
		this.tileWidth = tileWidth;
		this.tileHeight = tileHeight;
		this.halo = halo;
		this.chunkWidth = chunkWidth;
		this.chunkHeight = chunkHeight;
		this.workers = workers;
		this.multiple = in.multiple;
		this.channels = in.channels;
		this.valueBytes = in.valueBytes;
		this.margin = in.margin;
		this.regionPixels = largestRegion( in.width, tileWidth, halo, in.multiple, in.margin )
				* largestRegion( in.height, tileHeight, halo, in.multiple, in.margin );
		this.activationBytes = workers * regionPixels * ACTIVATION_BYTES_PER_PIXEL_PER_CHANNEL * in.channels;
		final long chunkValues = 4L * in.channels * chunkWidth * chunkHeight;
		final boolean assembled = tileWidth != chunkWidth || tileHeight != chunkHeight;
		final long tileValues = 4L * in.channels * tileWidth * tileHeight;
		// per worker: the region's input and the model's output for it, the chunk's values (assembled from tiles, with
		// up to two tiles kept for the chunks that share them), and up to five chunks' worth queued or being encoded
		final long worker = 4L * regionPixels * ( 1 + in.channels ) + chunkValues + ( assembled ? chunkValues + 2 * tileValues : 0 );
		this.heapBytes = workers * ( worker + 5 * chunkValues );
	}

	/**
	 * Chooses the tile, halo, chunk and workers; refuses, with the figures, an explicit tile or chunk that cannot fit.
	 */
	public static Geometry choose( final Inputs in )
	{
		if ( in.width < 1 || in.height < 1 )
			throw new FeaturizeException( String.format( "Plane size must be positive, got %d x %d", in.width, in.height ) );
		if ( in.channels < 1 || in.multiple < 1 || in.modelHalo < 0 )
			throw new IllegalArgumentException( "The model's channels, size multiple and halo are required" );
		if ( in.tile != null && in.tile < 1 )
			throw new FeaturizeException( "tile must be a positive number of pixels, got " + in.tile );
		if ( in.chunk != null && in.chunk < 1 )
			throw new FeaturizeException( "chunk must be a positive number of pixels, got " + in.chunk );
		if ( in.halo != null && in.halo < 0 )
			throw new FeaturizeException( "halo must be zero or a positive number of pixels, got " + in.halo );
		final int halo = in.halo != null ? in.halo : in.modelHalo;
		int chunkSide = in.chunk != null ? in.chunk : defaultChunkSide( in );
		while ( true )
		{
			final int cw = clip( chunkSide, in.width ), ch = clip( chunkSide, in.height );
			if ( in.tile != null )
			{
				final Geometry g = fitted( in, clip( in.tile, in.width ), clip( in.tile, in.height ), halo, cw, ch );
				if ( g.fitsHeap( in ) && g.activationBytes <= in.physicalMemory / 2 )
					return g;
				if ( in.chunk == null && chunkSide > in.multiple && g.fitsHeapWithout( in ) )
				{
					chunkSide = half( chunkSide, in.multiple );
					continue;
				}
				throw g.refusal( in );
			}
			// the cheapest tile whose passes stay within the region bound; then the workers that fit the heap
			final List< Geometry > ranked = new ArrayList<>();
			for ( final int[] t : candidates( in, cw, ch ) )
			{
				final Geometry g = of( in, t[ 0 ], t[ 1 ], halo, cw, ch, 1 );
				if ( g.regionPixels <= REGION_PIXELS || t[ 0 ] <= in.multiple && t[ 1 ] <= in.multiple )
					ranked.add( g );
			}
			ranked.sort( ( a, b ) -> a.cost() != b.cost() ? Double.compare( a.cost(), b.cost() ) : Long.compare( b.tilePixels(), a.tilePixels() ) );
			for ( final Geometry one : ranked )
			{
				final Geometry g = fitted( in, one.tileWidth, one.tileHeight, halo, cw, ch );
				if ( g.fitsHeap( in ) )
					return g;
			}
			if ( in.chunk == null && chunkSide > in.multiple )
			{
				chunkSide = half( chunkSide, in.multiple );
				continue;
			}
			final Geometry smallest = fitted( in, clip( in.multiple, in.width ), clip( in.multiple, in.height ), halo, cw, ch );
			if ( smallest.fitsHeap( in ) )
				return smallest;
			throw smallest.refusal( in );
		}
	}

	/** Half a chunk side, on the model's grid. */
	private static int half( final int side, final int multiple )
	{
		return Math.max( multiple, side / 2 / multiple * multiple );
	}

	/** The geometry with the workers asked for, or the default workers, fewer where the heap needs it. */
	private static Geometry fitted( final Inputs in, final int tw, final int th, final int halo, final int cw, final int ch )
	{
		if ( in.threads != null )
			return of( in, tw, th, halo, cw, ch, in.threads );
		Geometry g = of( in, tw, th, halo, cw, ch, defaultWorkers( ( long ) tw * th, in.cores ) );
		while ( g.workers > 1 && !g.fitsHeap( in ) )
			g = of( in, tw, th, halo, cw, ch, g.workers - 1 );
		return g;
	}

	private static Geometry of( final Inputs in, final int tw, final int th, final int halo, final int cw, final int ch, final int workers )
	{
		return new Geometry( in, tw, th, halo, cw, ch, workers );
	}

	/** The default chunk side: the plane's larger side when the plane fits {@link #CHUNK_BYTES}, else the largest power of two that does. */
	static int defaultChunkSide( final Inputs in )
	{
		final long perPixel = ( long ) in.channels * in.valueBytes;
		if ( in.width * in.height * perPixel <= CHUNK_BYTES )
			return ( int ) Math.min( Integer.MAX_VALUE, Math.max( in.width, in.height ) );
		int side = Integer.highestOneBit( Math.max( 1, ( int ) Math.sqrt( ( double ) CHUNK_BYTES / perPixel ) ) );
		while ( ( long ) side * side * perPixel > CHUNK_BYTES && side > 1 )
			side /= 2;
		return Math.max( side, in.multiple );
	}

	/** Tiles that nest with the chunks: the plane and its even splits when one chunk is the plane; the chunk, its halves and quarters, and multiples. */
	static List< int[] > candidates( final Inputs in, final int cw, final int ch )
	{
		final List< int[] > out = new ArrayList<>();
		final int m = in.multiple;
		if ( cw == in.width && ch == in.height )
		{
			final long longer = Math.max( in.width, in.height );
			for ( long n = 1; n <= 64 && ( longer + n - 1 ) / n >= m; n++ )
			{
				final long side = ( ( longer + n - 1 ) / n + m - 1 ) / m * m;
				out.add( new int[] { clip( side, in.width ), clip( side, in.height ) } );
			}
		}
		else
		{
			for ( int k = 1; k <= 8; k *= 2 )
				if ( cw % k == 0 && ch % k == 0 && ( cw / k ) % m == 0 && ( ch / k ) % m == 0 || k == 1 )
					out.add( new int[] { cw / k, ch / k } );
			for ( int k = 2; k <= 16; k++ )
			{
				final long tw = ( long ) cw * k, th = ( long ) ch * k;
				if ( tw >= 2 * in.width && th >= 2 * in.height )
					break;
				out.add( new int[] { clip( tw, in.width ), clip( th, in.height ) } );
			}
		}
		if ( out.isEmpty() )
			out.add( new int[] { clip( m, in.width ), clip( m, in.height ) } );
		return out;
	}

	/**
	 * Worker threads when none are asked for, given the tile: one per core for tiles up to 512 x 512 pixels; for
	 * larger tiles fewer workers, each with more intra-op threads, so that the model's activations of all the forward
	 * passes at once stay about as large as for 512 x 512 tiles (768 x 1024 planes on 2 cores: one forward pass of 2
	 * threads instead of two of 1, 35 % less peak memory for about 6 % less speed).
	 */
	public static int defaultWorkers( final long tilePixels, final int cores )
	{
		final long shares = Math.max( 1, ( tilePixels + TILE_PIXELS_PER_WORKER - 1 ) / TILE_PIXELS_PER_WORKER );
		return ( int ) Math.max( 1, cores / shares );
	}

	private static int clip( final long side, final long size )
	{
		return ( int ) Math.min( Math.min( side, size ), Integer.MAX_VALUE );
	}

	/**
	 * The largest model input along one axis, as {@link TileGrid} makes it: the tile grown by the halo, snapped to the
	 * multiple, clipped to the plane padded to the multiple and mirrored {@code margin} pixels beyond its edges.
	 */
	static long largestRegion( final long size, final int tile, final int halo, final int multiple, final int margin )
	{
		final long padded = ( size + multiple - 1 ) / multiple * multiple;
		final int m = TileGrid.roundedMargin( margin, multiple );
		long largest = 0;
		final long tiles = ( size + tile - 1 ) / tile;
		for ( long i = 0; i < tiles; i++ ) // tiles off the multiple's grid snap differently: every one
			largest = Math.max( largest, regionLength( i, size, tile, halo, multiple, padded, m ) );
		return largest;
	}

	private static long regionLength( final long i, final long size, final int tile, final int halo, final int multiple, final long padded,
			final int margin )
	{
		final long min = i * tile, max = Math.min( size, min + tile );
		final long from = Math.max( -margin, Math.floorDiv( min - halo, multiple ) * multiple );
		final long to = Math.min( padded + margin, ( max + halo + multiple - 1 ) / multiple * multiple );
		return to - from;
	}

	/** The pixels of all forward passes over one plane (halos included), relative to the plane's pixels. */
	public double cost()
	{
		return ( double ) passLength( width, tileWidth ) * passLength( height, tileHeight ) / ( ( double ) width * height );
	}

	private long passLength( final long size, final int tile )
	{
		final long padded = ( size + multiple - 1 ) / multiple * multiple;
		final int m = TileGrid.roundedMargin( margin, multiple );
		long sum = 0;
		final long tiles = ( size + tile - 1 ) / tile;
		for ( long i = 0; i < tiles; i++ )
			sum += regionLength( i, size, tile, halo, multiple, padded, m );
		return sum;
	}

	private boolean fitsHeap( final Inputs in )
	{
		return heapBytes <= usableHeap( in.maxHeap );
	}

	/** Whether the tile's own needs fit the heap, so that a smaller chunk can help. */
	private boolean fitsHeapWithout( final Inputs in )
	{
		return workers * 4L * regionPixels * ( 1 + channels ) < usableHeap( in.maxHeap );
	}

	/** The heap that chunks in flight may take: three quarters (the input's chunk cache takes part of the rest; the collector needs room). */
	public static long usableHeap( final long maxHeap )
	{
		return maxHeap / 4 * 3;
	}

	private FeaturizeException refusal( final Inputs in )
	{
		return new FeaturizeException( String.format( "Tiles of %d x %d pixels (halo %d, so forward passes of up to %d pixels) with %d features, "
				+ "chunks of %d x %d and %d worker thread%s need about %d MB of Java heap for the chunks in flight and %d MB of native "
				+ "memory for the model's activations; this JVM may use %d MB of heap (%d MB of it for them) on a machine with %d MB. "
				+ "Use a smaller tile (or leave tile unset to have one chosen), fewer threads, or give Java more memory "
				+ "(bin/featurize: JAVA_OPTS=-Xmx%dg; Fiji: Edit > Options > Memory & Threads)",
				tileWidth, tileHeight, halo, regionPixels, channels, chunkWidth, chunkHeight, workers, workers == 1 ? "" : "s",
				heapBytes >> 20, activationBytes >> 20, in.maxHeap >> 20, usableHeap( in.maxHeap ) >> 20, in.physicalMemory >> 20,
				Math.max( 2, ( heapBytes * 4 / 3 >> 30 ) + 1 ) ) );
	}

	public int tileWidth()
	{
		return tileWidth;
	}

	public int tileHeight()
	{
		return tileHeight;
	}

	public int halo()
	{
		return halo;
	}

	public int chunkWidth()
	{
		return chunkWidth;
	}

	public int chunkHeight()
	{
		return chunkHeight;
	}

	/** The worker threads: the ones asked for, or {@link #defaultWorkers}. */
	public int workers()
	{
		return workers;
	}

	public long tilePixels()
	{
		return ( long ) tileWidth * tileHeight;
	}

	/** The largest forward pass, in pixels. */
	public long regionPixels()
	{
		return regionPixels;
	}

	/** The Java heap the chunks in flight take, about. */
	public long heapBytes()
	{
		return heapBytes;
	}

	/** libtorch's native memory for the activations of all workers' passes at once, about. */
	public long activationBytes()
	{
		return activationBytes;
	}

	/**
	 * The resident memory a run with this geometry stays under: the whole Java heap it may use ({@code maxHeap}), the
	 * activations of the passes in flight ({@link #activationBytes}), one input chunk's decoded bytes (a codec's native
	 * buffer) and {@link #RUNTIME_BYTES}.
	 */
	public long residentBound( final long maxHeap, final long inputChunkBytes )
	{
		return maxHeap + activationBytes + inputChunkBytes + RUNTIME_BYTES;
	}

	/** The bytes of one output chunk, uncompressed. */
	public long chunkBytes()
	{
		return ( long ) chunkWidth * chunkHeight * channels * valueBytes;
	}

	@Override
	public String toString()
	{
		return String.format( "tile %d x %d, halo %d, output chunk %d x %d, %d worker%s (passes of up to %d pixels, %.3f of the plane's pixels in all)",
				tileWidth, tileHeight, halo, chunkWidth, chunkHeight, workers, workers == 1 ? "" : "s", regionPixels, cost() );
	}
}
