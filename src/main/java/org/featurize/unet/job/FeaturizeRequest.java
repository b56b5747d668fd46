package org.featurize.unet.job;

import java.nio.file.Path;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.Normalization;
import org.featurize.unet.input.Region;
import org.featurize.unet.input.Selection;
import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.model.Devices;

/**
 * The parameters of one run, named as the command names them. Unset optional values take defaults: the
 * shipped model, tile, halo and output chunk chosen for the work ({@link org.featurize.unet.compute.Geometry}), one
 * worker thread per core (fewer for large tiles).
 */
public final class FeaturizeRequest
{
	Path input;

	String dataset = "";

	Path model;

	Path output;

	Integer tile;

	Integer halo;

	Integer margin;

	Integer chunk;

	String normalization = Normalization.NONE;

	double percentileLow = Normalization.DEFAULT_LOW_PERCENTILE;

	double percentileHigh = Normalization.DEFAULT_HIGH_PERCENTILE;

	Integer threads;

	Integer intraOpThreads;

	/** The default worker count for the run's tile size, set by {@link #tilePixels}. */
	Integer tileThreads;

	boolean overwrite;

	String outputType = "float32";

	String precision = PRECISION_FLOAT32;

	Integer keepBits;

	String rounding;

	Long cacheBytes;

	String layout = LAYOUT_SEED;

	int levels = 1;

	String device = Devices.AUTO;

	Path preview;

	Long previewPlane;

	String region;

	String channel;

	Integer level;

	Integer channelAxis;

	/** The output layouts: the seed's single array {@code (t, z, y, x, c)}, or an OME-Zarr image (NGFF 0.4). */
	public static final String LAYOUT_SEED = "seed", LAYOUT_OME = "ome";

	/**
	 * The model's arithmetic: float32, or bfloat16 through the model's bfloat16 variant (named by its description's
	 * {@code "bfloat16"} key; the shipped model's runs 1.75 times as fast on a CPU with bf16 dot-product units, its
	 * features within 1 % of the largest float32 feature).
	 */
	public static final String PRECISION_FLOAT32 = "float32", PRECISION_BF16 = "bf16";

	public static FeaturizeRequest of( final Path input )
	{
		final FeaturizeRequest r = new FeaturizeRequest();
		r.input = input;
		return r;
	}

	public FeaturizeRequest dataset( final String dataset )
	{
		this.dataset = dataset == null ? "" : dataset;
		return this;
	}

	/** The TorchScript model file; null for the shipped default. */
	public FeaturizeRequest model( final Path model )
	{
		this.model = model;
		return this;
	}

	/** Where to save the features; null to only compute them lazily. */
	public FeaturizeRequest output( final Path output )
	{
		this.output = output;
		return this;
	}

	public FeaturizeRequest tile( final Integer tile )
	{
		this.tile = tile;
		return this;
	}

	public FeaturizeRequest halo( final Integer halo )
	{
		this.halo = halo;
		return this;
	}

	/**
	 * How many pixels beyond each of a plane's edges the model sees the plane mirrored (rounded up to the model's size
	 * multiple); null for none, as 0.
	 */
	public FeaturizeRequest margin( final Integer margin )
	{
		this.margin = margin;
		return this;
	}

	/** The side of the output's square chunks (clipped to the plane); null to have it chosen ({@link org.featurize.unet.compute.Geometry}). */
	public FeaturizeRequest chunk( final Integer chunk )
	{
		this.chunk = chunk;
		return this;
	}

	public FeaturizeRequest normalization( final String normalization )
	{
		this.normalization = normalization;
		return this;
	}

	public FeaturizeRequest percentiles( final double low, final double high )
	{
		this.percentileLow = low;
		this.percentileHigh = high;
		return this;
	}

	public FeaturizeRequest threads( final Integer threads )
	{
		this.threads = threads;
		return this;
	}

	public FeaturizeRequest intraOpThreads( final Integer intraOpThreads )
	{
		this.intraOpThreads = intraOpThreads;
		return this;
	}

	public FeaturizeRequest overwrite( final boolean overwrite )
	{
		this.overwrite = overwrite;
		return this;
	}

	public FeaturizeRequest outputType( final String outputType )
	{
		this.outputType = outputType;
		return this;
	}

	public FeaturizeRequest precision( final String precision )
	{
		this.precision = precision;
		return this;
	}

	/**
	 * Mantissa bits kept in the stored features (null: the output type's default, {@link OutputType#defaultKeepBits()}):
	 * with the default {@link Rounding#BLOCK}, every value is within 2<sup>-(bits + 1)</sup> of the largest |value|
	 * of its channel in its chunk; with {@link Rounding#VALUE}, of itself. The zeroed low bits compress away.
	 */
	public FeaturizeRequest keepBits( final Integer keepBits )
	{
		this.keepBits = keepBits;
		return this;
	}

	/** How the stored features are rounded: {@code block} (null: the default), {@code value} or {@code none}; see {@link Rounding}. */
	public FeaturizeRequest rounding( final String rounding )
	{
		this.rounding = rounding;
		return this;
	}

	public FeaturizeRequest cacheBytes( final Long cacheBytes )
	{
		this.cacheBytes = cacheBytes;
		return this;
	}

	/** The output's layout: {@code seed} (the default) or {@code ome}. */
	public FeaturizeRequest layout( final String layout )
	{
		this.layout = layout;
		return this;
	}

	/** The number of levels of an OME-Zarr output: 1 (the default) writes level 0 only. */
	public FeaturizeRequest levels( final Integer levels )
	{
		this.levels = levels == null ? 1 : levels;
		return this;
	}

	/** The device that runs the model: {@code auto} (the default: a GPU when one is usable), {@code cpu} or {@code gpu}. */
	public FeaturizeRequest device( final String device )
	{
		this.device = device;
		return this;
	}

	/** Where to write a PNG picture of one plane's features (input beside its first three principal components); null for none. */
	public FeaturizeRequest preview( final Path preview )
	{
		this.preview = preview;
		return this;
	}

	/** The preview's plane as {@code t * Z + z} (the z index for 3D input); null for the middle z of the first time point. */
	public FeaturizeRequest previewPlane( final Number plane )
	{
		this.previewPlane = plane == null ? null : plane.longValue();
		return this;
	}

	/**
	 * The part of the input to featurize ({@link Region}): one {@code start:stop} per axis in (t, z, y, x) order, e.g.
	 * {@code 0:2,10:20,0:512,256:768}; null or blank for the whole input. Its features are those of the whole input
	 * there: the tiles at its edges read their halo from outside it.
	 */
	public FeaturizeRequest region( final String region )
	{
		this.region = region == null || region.isBlank() ? null : region.trim();
		return this;
	}

	/** The region as given, or null for the whole input. */
	public String region()
	{
		return region;
	}

	/**
	 * The channel to featurize: an index, a name ({@code omero.channels[].label} of an OME-Zarr image), or {@code all}
	 * for each channel separately through the model (C x K features named {@code <channel>_feature_NN}); null for the
	 * only channel (an input with several is then refused).
	 */
	public FeaturizeRequest channel( final String channel )
	{
		this.channel = channel == null || channel.isBlank() ? null : channel.trim();
		return this;
	}

	/**
	 * The resolution level of an OME-Zarr multiscale image to featurize (its {@code multiscales[0].datasets} index);
	 * null for level 0. An OME output lies where the level lies: its scale and translation are the level's.
	 */
	public FeaturizeRequest level( final Integer level )
	{
		this.level = level;
		return this;
	}

	/**
	 * The channel axis of a plain Zarr array whose metadata do not name one (its index in the array's axes, NumPy order:
	 * 1 for (t, c, z, y, x)); null for the axis its {@code _ARRAY_DIMENSIONS} names {@code c}, or none. OME-Zarr images
	 * declare theirs.
	 */
	public FeaturizeRequest channelAxis( final Integer channelAxis )
	{
		this.channelAxis = channelAxis;
		return this;
	}

	/** The part of the input chosen: the region, the channel, the level and a declared channel axis. */
	public Selection selection()
	{
		return new Selection( region, channel, level, channelAxis );
	}

	public Path input()
	{
		return input;
	}

	public Path output()
	{
		return output;
	}

	public String dataset()
	{
		return dataset;
	}

	/** The model file given, or null for the shipped default. */
	public Path model()
	{
		return model;
	}

	public boolean overwrite()
	{
		return overwrite;
	}

	/** The normalization method, {@link Normalization#NONE} or {@link Normalization#PERCENTILE}. */
	public String normalization()
	{
		return normalization;
	}

	/** The low and high percentiles of percentile normalization. */
	public double[] percentiles()
	{
		return new double[] { percentileLow, percentileHigh };
	}

	/** The intra-op threads given, or null when left to the default. */
	public Integer intraOpThreadsGiven()
	{
		return intraOpThreads;
	}

	/** Worker threads: the given number, or one per core. */
	public int threads()
	{
		return threads != null ? threads : tileThreads != null ? tileThreads : Runtime.getRuntime().availableProcessors();
	}

	/** The tile area in pixels up to which the default is one worker per core: 512 x 512. */
	public static final long TILE_PIXELS_PER_WORKER = 512 * 512;

	/**
	 * Worker threads when none are asked for, given the tile: one per core for tiles up to 512 x 512 pixels; for
	 * larger tiles fewer workers, each with more intra-op threads, so that the model's activations of all the
	 * forward passes at once stay about as large as for 512 x 512 tiles. (768 x 1024 planes on 2 cores: one
	 * forward pass of 2 threads instead of two of 1, 35 % less peak memory for about 6 % less speed.)
	 */
	public static int defaultThreads( final long tilePixels, final int cores )
	{
		return org.featurize.unet.compute.Geometry.defaultWorkers( tilePixels, cores );
	}

	/** The default worker count as a geometry chose it; a given number stays. */
	FeaturizeRequest workers( final int workers )
	{
		tileThreads = workers;
		return this;
	}

	/** The halo given, or null for the model's. */
	public Integer haloGiven()
	{
		return halo;
	}

	/** The margin given, or null where none was. */
	public Integer marginGiven()
	{
		return margin;
	}

	/** The margin: as given, or 0. */
	public int margin()
	{
		return margin == null ? 0 : margin;
	}

	/** The worker threads given, or null when left to the default. */
	public Integer threadsGiven()
	{
		return threads;
	}

	/** Chooses the default worker threads for tiles of {@code tilePixels} (see {@link #defaultThreads}); a given number stays. */
	public FeaturizeRequest tilePixels( final long tilePixels )
	{
		tileThreads = defaultThreads( tilePixels, Runtime.getRuntime().availableProcessors() );
		return this;
	}

	/** Threads per forward pass: the given number, or the cores left to each worker (at least one). */
	public int intraOpThreads()
	{
		return intraOpThreads != null ? intraOpThreads : Math.max( 1, Runtime.getRuntime().availableProcessors() / threads() );
	}

	/** The model's arithmetic: {@link #PRECISION_FLOAT32} or {@link #PRECISION_BF16} (after {@link #validate()}). */
	public String precision()
	{
		return precision;
	}

	/** The mantissa bits kept: the request's, or the output type's default (all of them with rounding=none). */
	public int keepBits()
	{
		return keepBits != null ? keepBits : rounding() == Rounding.NONE ? type().mantissaBits() : type().defaultKeepBits();
	}

	/** How the stored features are rounded. */
	public Rounding rounding()
	{
		return Rounding.parse( rounding );
	}

	/** What happens to the features on their way to disk: {@link #type}, {@link #keepBits} and {@link #rounding}. */
	public StoredValues storedValues()
	{
		return new StoredValues( type(), keepBits(), rounding() );
	}

	/** The output's element type. */
	public OutputType type()
	{
		return OutputType.parse( outputType );
	}

	/** Checks every parameter that can be checked without reading anything; throws with a message naming it. */
	public FeaturizeRequest validate()
	{
		if ( input == null )
			throw new FeaturizeException( "No input given: input must be a Zarr array or group" );
		if ( tile != null && tile <= 0 )
			throw new FeaturizeException( "tile must be a positive number of pixels, got " + tile );
		if ( halo != null && halo < 0 )
			throw new FeaturizeException( "halo must be zero or a positive number of pixels, got " + halo );
		if ( margin != null && margin < 0 )
			throw new FeaturizeException( "margin must be zero or a positive number of pixels, got " + margin );
		if ( chunk != null && chunk <= 0 )
			throw new FeaturizeException( "chunk must be a positive number of pixels, got " + chunk );
		if ( threads != null && threads <= 0 )
			throw new FeaturizeException( "threads must be at least 1, got " + threads );
		if ( intraOpThreads != null && intraOpThreads <= 0 )
			throw new FeaturizeException( "intra_op_threads must be at least 1, got " + intraOpThreads );
		if ( cacheBytes != null && cacheBytes <= 0 )
			throw new FeaturizeException( "The cache size must be positive, got " + cacheBytes );
		normalization = Normalization.checkMethod( normalization );
		if ( normalization.equals( Normalization.PERCENTILE ) && !( percentileLow >= 0 && percentileLow < percentileHigh && percentileHigh <= 100 ) )
			throw new FeaturizeException( String.format( "Percentiles must satisfy 0 <= low < high <= 100, got low %s and high %s",
					percentileLow, percentileHigh ) );
		final OutputType type = OutputType.parse( outputType );
		precision = precision == null || precision.isBlank() ? PRECISION_FLOAT32 : precision.trim().toLowerCase( java.util.Locale.ROOT );
		if ( precision.equals( "bfloat16" ) )
			precision = PRECISION_BF16;
		if ( !precision.equals( PRECISION_FLOAT32 ) && !precision.equals( PRECISION_BF16 ) )
			throw new FeaturizeException( "Unknown precision \"" + precision + "\"; expected \"float32\" or \"bf16\"" );
		if ( keepBits != null && ( keepBits < 1 || keepBits > type.mantissaBits() ) )
			throw new FeaturizeException( "keep_bits must be 1 to " + type.mantissaBits() + " for " + type.label() + " output, got " + keepBits
					+ " (rounding=none stores the values exactly)" );
		final Rounding r = Rounding.parse( rounding );
		if ( r == Rounding.NONE && keepBits != null )
			throw new FeaturizeException( "keep_bits=" + keepBits + " has no effect with rounding=none (the values stored exactly): give one of them" );
		rounding = r.label();
		device = Devices.checkName( device );
		layout = layout == null || layout.isBlank() ? LAYOUT_SEED : layout.trim().toLowerCase( java.util.Locale.ROOT );
		if ( !layout.equals( LAYOUT_SEED ) && !layout.equals( LAYOUT_OME ) )
			throw new FeaturizeException( "Unknown layout \"" + layout + "\"; expected \"seed\" or \"ome\"" );
		if ( levels < 1 )
			throw new FeaturizeException( "levels must be at least 1 (level 0 only), got " + levels );
		if ( levels > 1 && !layout.equals( LAYOUT_OME ) )
			throw new FeaturizeException( "levels=" + levels + " needs layout=ome: the seed layout has one level" );
		Region.parse( region ); // the syntax; the bounds once the input's shape is known
		if ( level != null && level < 0 )
			throw new FeaturizeException( "level must be 0 (full resolution) or more, got " + level );
		return this;
	}
}
