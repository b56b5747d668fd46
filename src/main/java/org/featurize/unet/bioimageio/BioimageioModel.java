package org.featurize.unet.bioimageio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.compute.TileGrid;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.ModelDescription;
import org.featurize.unet.model.Models;

import ai.djl.Device;

/**
 * A bioimage.io model package with TorchScript weights (a folder with {@code rdf.yaml}, the {@code rdf.yaml}
 * itself, or a {@code .zip}), loaded once per process and device, and checked on load against its own test
 * tensors: the test input, preprocessed with its own statistics, run, and postprocessed, must give the test
 * output within the package's tolerance, or the package is refused with the numbers. For a run it is bound to
 * a dataset ({@link #bind}): statistics that its preprocessing needs are computed once from a sample of the
 * whole dataset, never per tile, so every tile sees the same map.
 */
public final class BioimageioModel
{
	private static final Map< String, BioimageioModel > LOADED = new HashMap<>();

	private final ModelRdf rdf;

	private final Path source;

	private final String sha256;

	private final DjlFeatureModel raw;

	private final ModelDescription description;

	private BioimageioModel( final ModelRdf rdf, final Path source, final String sha256, final DjlFeatureModel raw )
	{
		this.rdf = rdf;
		this.source = source;
		this.sha256 = sha256;
		this.raw = raw;
		final long multiple = lcm( Math.max( 1, rdf.stepY ), Math.max( 1, rdf.stepX ) );
		this.description = new ModelDescription( rdf.name, 1, rdf.outputChannels, ( int ) multiple, rdf.receptiveField, rdf.file.toString() );
	}

	/** Whether {@code path} names a bioimage.io package rather than a TorchScript file. */
	public static boolean isPackage( final Path path )
	{
		if ( path == null )
			return false;
		if ( Files.isDirectory( path ) )
			return rdfIn( path ) != null;
		final String name = path.getFileName().toString().toLowerCase( Locale.ROOT );
		return name.endsWith( ".zip" ) || name.endsWith( ".yaml" ) || name.endsWith( ".yml" );
	}

	/**
	 * The package at {@code path}, loaded once per process, package content and device, checked against its test
	 * tensors when first loaded.
	 */
	public static synchronized BioimageioModel shared( final Path path, final int predictors, final Device device )
	{
		final Path rdfFile = rdfFile( path );
		final String sha = sha256( Files.isRegularFile( path ) && path.toString().toLowerCase( Locale.ROOT ).endsWith( ".zip" ) ? List.of( path )
				: packageFiles( rdfFile ) );
		final String key = sha + "@" + device;
		BioimageioModel model = LOADED.get( key );
		if ( model == null )
		{
			final ModelRdf rdf = ModelRdf.read( rdfFile );
			final ModelDescription loose = new ModelDescription( rdf.name, 1, rdf.outputChannels, 1, 0, rdf.file.toString() );
			final DjlFeatureModel raw = DjlFeatureModel.load( rdf.weights, predictors, device, loose );
			model = new BioimageioModel( rdf, path, sha, raw );
			try
			{
				model.test();
			}
			catch ( final RuntimeException e )
			{
				raw.close();
				throw e;
			}
			LOADED.put( key, model );
		}
		else
			model.raw.ensurePredictors( predictors );
		return model;
	}

	private static List< Path > packageFiles( final Path rdfFile )
	{
		final ModelRdf rdf = ModelRdf.read( rdfFile );
		return List.of( rdfFile, rdf.weights, rdf.testInput, rdf.testOutput );
	}

	/** The description file of a package: a folder's rdf.yaml (or bioimageio.yaml), the file itself, or the one inside a zip. */
	static Path rdfFile( final Path path )
	{
		if ( Files.isDirectory( path ) )
		{
			final Path rdf = rdfIn( path );
			if ( rdf == null )
				throw new BioimageioException( "No rdf.yaml or bioimageio.yaml in " + path + ": not a bioimage.io model package" );
			return rdf;
		}
		if ( !Files.isRegularFile( path ) )
			throw new BioimageioException( "bioimage.io model package not found: " + path );
		if ( path.getFileName().toString().toLowerCase( Locale.ROOT ).endsWith( ".zip" ) )
			return rdfFile( unzipped( path ) );
		return path;
	}

	private static Path rdfIn( final Path dir )
	{
		for ( final String name : new String[] { "rdf.yaml", "bioimageio.yaml" } )
			if ( Files.isRegularFile( dir.resolve( name ) ) )
				return dir.resolve( name );
		try ( var files = Files.list( dir ) )
		{
			return files.filter( f -> f.getFileName().toString().endsWith( ".bioimageio.yaml" ) ).findFirst().orElse( null );
		}
		catch ( final IOException e )
		{
			return null;
		}
	}

	/** A zip's content in {@code <tmp>/featurize-unet-<user>/bioimageio/<sha-256 prefix>/}, extracted once. */
	private static Path unzipped( final Path zip )
	{
		final String hash = sha256( List.of( zip ) ).substring( 0, 16 );
		final Path dir = Paths.get( System.getProperty( "java.io.tmpdir" ), "featurize-unet-" + System.getProperty( "user.name", "user" ), "bioimageio",
				hash );
		final Path done = dir.resolve( ".extracted" );
		if ( Files.isRegularFile( done ) )
			return dir;
		try
		{
			Files.createDirectories( dir );
			try ( ZipInputStream in = new ZipInputStream( Files.newInputStream( zip ) ) )
			{
				for ( ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry() )
				{
					final Path target = dir.resolve( e.getName() ).normalize();
					if ( !target.startsWith( dir ) )
						throw new BioimageioException( "Zip entry " + e.getName() + " of " + zip + " points outside the package" );
					if ( e.isDirectory() )
						Files.createDirectories( target );
					else
					{
						Files.createDirectories( target.getParent() );
						final Path tmp = Files.createTempFile( target.getParent(), ".unzip", ".tmp" );
						Files.copy( in, tmp, StandardCopyOption.REPLACE_EXISTING );
						Files.move( tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE );
					}
				}
			}
			Files.writeString( done, zip.toAbsolutePath().toString() );
			return dir;
		}
		catch ( final IOException e )
		{
			throw new BioimageioException( "Cannot extract the bioimage.io package " + zip + " to " + dir + " (" + e.getClass().getSimpleName() + ": "
					+ e.getMessage() + "): " + Models.temporaryFolderHelp(), e );
		}
	}

	/** Runs the test input through the package and compares with the test output. */
	private void test()
	{
		final Npy.Array input = Npy.read( rdf.testInput ), expected = Npy.read( rdf.testOutput );
		final long[] s = input.shape;
		if ( s.length != 4 || s[ 0 ] != 1 || s[ 1 ] != 1 )
			throw new BioimageioException( String.format( "bioimage.io model %s: test input %s has shape %s; expected (1, 1, y, x)", rdf.name,
					rdf.testInput, java.util.Arrays.toString( s ) ) );
		final int h = ( int ) s[ 2 ], w = ( int ) s[ 3 ];
		final long[] want = { 1, rdf.outputChannels, h, w };
		if ( !java.util.Arrays.equals( expected.shape, want ) )
			throw new BioimageioException( String.format( "bioimage.io model %s: test output %s has shape %s; expected %s for test input %s",
					rdf.name, rdf.testOutput, java.util.Arrays.toString( expected.shape ), java.util.Arrays.toString( want ),
					java.util.Arrays.toString( s ) ) );
		final Bound bound = bind( input.data, 1 );
		final float[] actual = bound.predict( input.data, h, w );
		Tolerance.check( this, actual, expected, rdf.absoluteTolerance, rdf.relativeTolerance, rdf.mismatchedPerMillion );
	}

	/** Binds the package to a dataset: the statistics its preprocessing needs, from a sample of the whole dataset. */
	public Bound bind( final PlaneReader< ? > dataset )
	{
		final DatasetSample.Values sample = DatasetSample.of( dataset );
		return bind( sample.values, sample.planes );
	}

	Bound bind( final float[] sample, final int planes )
	{
		final List< ProcessingStep.Bound > pre = new ArrayList<>(), post = new ArrayList<>();
		final List< Object > record = new ArrayList<>();
		float[] values = sample;
		for ( int i = 0; i < rdf.preprocessing.size(); i++ )
		{
			final ProcessingStep step = rdf.preprocessing.get( i );
			final ProcessingStep.Bound b = step.bind( values );
			pre.add( b );
			final Map< String, Object > r = step.toMap();
			if ( !b.values().isEmpty() )
			{
				r.put( "dataset_statistics", b.values() );
				r.put( "sampled_values", sample.length );
				r.put( "sampled_planes", planes );
			}
			record.add( r );
			if ( i < rdf.preprocessing.size() - 1 ) // the next step's statistics are of the data as this step leaves it
			{
				values = values.clone();
				b.apply( values, 1, values.length );
			}
		}
		for ( final ProcessingStep step : rdf.postprocessing )
			post.add( step.bind( new float[ 0 ] ) );
		return new Bound( pre, post, record );
	}

	/** The package bound to a dataset: a {@link FeatureModel} that preprocesses, runs and postprocesses each region. */
	public final class Bound implements FeatureModel
	{
		private final List< ProcessingStep.Bound > pre, post;

		private final List< Object > record;

		Bound( final List< ProcessingStep.Bound > pre, final List< ProcessingStep.Bound > post, final List< Object > record )
		{
			this.pre = pre;
			this.post = post;
			this.record = record;
		}

		@Override
		public ModelDescription description()
		{
			return description;
		}

		@Override
		public float[] predict( final float[] plane, final int height, final int width )
		{
			final float[] x = plane.clone();
			for ( final ProcessingStep.Bound b : pre )
				b.apply( x, 1, height * width );
			final int H = allowed( height, rdf.minY, rdf.stepY, "y" ), W = allowed( width, rdf.minX, rdf.stepX, "x" );
			final float[] out = crop( raw.predict( pad( x, height, width, H, W ), H, W ), rdf.outputChannels, H, W, height, width );
			for ( final ProcessingStep.Bound b : post )
				b.apply( out, rdf.outputChannels, height * width );
			return out;
		}

		@Override
		public int concurrency()
		{
			return raw.concurrency();
		}

		@Override
		public String engineInfo()
		{
			return raw.engineInfo();
		}

		/** The preprocessing as run, with the dataset statistics, for the output's record. */
		public List< Object > preprocessing()
		{
			return record;
		}

		public BioimageioModel model()
		{
			return BioimageioModel.this;
		}

		@Override
		public void close()
		{
			// the package's model stays loaded for later runs
		}
	}

	/** The smallest size the model takes that is at least {@code n}: min + k * step. */
	private int allowed( final int n, final long min, final long step, final String axis )
	{
		if ( n <= min )
			return ( int ) min;
		if ( step == 0 )
			throw new BioimageioException( String.format( "bioimage.io model %s takes exactly %d pixels in %s, but a tile with its halo needs %d: "
					+ "choose a smaller tile (tile + 2 x halo <= %d)", rdf.name, min, axis, n, min ) );
		return ( int ) ( min + ( n - min + step - 1 ) / step * step );
	}

	/** Refuses, before any compute, tiles whose regions a fixed-size model cannot take. */
	public void checkTiles( final TileGrid tiles )
	{
		for ( long i = 0; i < tiles.tilesX(); i++ )
			allowed( ( int ) ( tiles.regionX( i )[ 1 ] - tiles.regionX( i )[ 0 ] ), rdf.minX, rdf.stepX, "x" );
		for ( long i = 0; i < tiles.tilesY(); i++ )
			allowed( ( int ) ( tiles.regionY( i )[ 1 ] - tiles.regionY( i )[ 0 ] ), rdf.minY, rdf.stepY, "y" );
	}

	/** The plane mirrored (numpy's reflect) at its far edges up to H x W. */
	static float[] pad( final float[] x, final int h, final int w, final int H, final int W )
	{
		if ( H == h && W == w )
			return x;
		final float[] out = new float[ H * W ];
		for ( int y = 0; y < H; y++ )
		{
			final int sy = mirror( y, h );
			for ( int c = 0; c < W; c++ )
				out[ y * W + c ] = x[ sy * w + mirror( c, w ) ];
		}
		return out;
	}

	private static int mirror( final int i, final int n )
	{
		if ( n == 1 )
			return 0;
		final int period = 2 * ( n - 1 ), p = Math.floorMod( i, period );
		return p < n ? p : period - p;
	}

	private static float[] crop( final float[] y, final int channels, final int H, final int W, final int h, final int w )
	{
		if ( H == h && W == w )
			return y;
		final float[] out = new float[ channels * h * w ];
		for ( int c = 0; c < channels; c++ )
			for ( int r = 0; r < h; r++ )
				System.arraycopy( y, ( c * H + r ) * W, out, ( c * h + r ) * w, w );
		return out;
	}

	private static long lcm( final long a, final long b )
	{
		long x = a, y = b;
		while ( y != 0 )
		{
			final long t = x % y;
			x = y;
			y = t;
		}
		return a / x * b;
	}

	static String sha256( final List< Path > files )
	{
		try
		{
			final MessageDigest all = MessageDigest.getInstance( "SHA-256" );
			for ( final Path f : files )
				try ( InputStream in = new DigestInputStream( Files.newInputStream( f ), all ) )
				{
					in.transferTo( java.io.OutputStream.nullOutputStream() );
				}
			return HexFormat.of().formatHex( all.digest() );
		}
		catch ( final IOException e )
		{
			throw new BioimageioException( "Cannot read " + files + ": " + e.getMessage(), e );
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new IllegalStateException( e );
		}
	}

	public ModelDescription description()
	{
		return description;
	}

	/** The engine and device that run the weights. */
	public String engineInfo()
	{
		return raw.engineInfo();
	}

	public String name()
	{
		return rdf.name;
	}

	/** SHA-256 of the package's content (the zip, or rdf.yaml, weights and test tensors). */
	public String sha256()
	{
		return sha256;
	}

	public ModelRdf rdf()
	{
		return rdf;
	}

	/** What the record of a run keeps of the package. */
	public Map< String, Object > toMap()
	{
		final Map< String, Object > map = new LinkedHashMap<>();
		map.put( "package", source.toAbsolutePath().toString() );
		map.put( "rdf", rdf.file.toString() );
		map.put( "format_version", rdf.formatVersion );
		map.put( "name", rdf.name );
		map.put( "sha256", sha256 );
		map.put( "weights", rdf.weights.getFileName().toString() );
		map.put( "test", String.format( Locale.ROOT, "test output reproduced within |d| <= %g + %g |expected|", rdf.absoluteTolerance,
				rdf.relativeTolerance ) );
		return map;
	}

	@Override
	public String toString()
	{
		return rdf.toString();
	}
}
