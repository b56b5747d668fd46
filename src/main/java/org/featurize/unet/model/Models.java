package org.featurize.unet.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

import ai.djl.Device;

/**
 * Where models come from: the default model shipped inside the jar, and a process-wide registry so that a
 * model file is loaded once and reused by every later run of the command (the pool grows to the largest
 * number of predictors asked for).
 */
public final class Models
{
	/** The shipped model, as resources {@code /models/unet16.pt} and {@code /models/unet16.json}. */
	public static final String DEFAULT_MODEL = "unet16";

	private static final Map< Key, DjlFeatureModel > LOADED = new HashMap<>();

	private Models()
	{}

	/**
	 * A loaded model for {@code file}, shared within this process: loaded on first use, reused while the
	 * file is unchanged.
	 *
	 * @param predictors
	 *            the pool holds at least this many predictors afterwards
	 * @param intraOpThreads
	 *            threads per forward pass (a process-wide engine setting)
	 */
	public static synchronized DjlFeatureModel shared( final Path file, final int predictors, final int intraOpThreads )
	{
		return shared( file, predictors, intraOpThreads, Device.cpu() );
	}

	/** As {@link #shared(Path, int, int)}, on the given device (a model is loaded once per file and device). */
	public static synchronized DjlFeatureModel shared( final Path file, final int predictors, final int intraOpThreads, final Device device )
	{
		DjlEngine.configure( intraOpThreads );
		final Key key = Key.of( file, device );
		DjlFeatureModel model = LOADED.get( key );
		if ( model == null )
		{
			model = DjlFeatureModel.load( file, predictors, device );
			LOADED.put( key, model );
		}
		else
			model.ensurePredictors( predictors );
		return model;
	}

	/** What to do when the temporary folder cannot take what is unpacked into it: which folder, and how to choose another. */
	public static String temporaryFolderHelp()
	{
		return "the temporary folder " + System.getProperty( "java.io.tmpdir" ) + " (java.io.tmpdir) must be writable and have room; "
				+ "another can be given with -Djava.io.tmpdir=DIR (for bin/featurize: JAVA_OPTS=-Djava.io.tmpdir=DIR)";
	}

	/**
	 * The shipped default model as a file (DJL loads models from files): extracted from the jar once into
	 * {@code <java.io.tmpdir>/featurize-unet-<user>/models/<sha-256 prefix>/}, with its description.
	 */
	public static synchronized Path defaultModelFile()
	{
		final byte[] model = resource( DEFAULT_MODEL + ".pt" );
		final byte[] description = resource( DEFAULT_MODEL + ".json" );
		final byte[] bf16 = resource( DEFAULT_MODEL + "-bf16.pt" );
		final byte[] bf16Description = resource( DEFAULT_MODEL + "-bf16.json" );
		final String hash = sha256( model ).substring( 0, 16 );
		final Path dir = Paths.get( System.getProperty( "java.io.tmpdir" ),
				"featurize-unet-" + System.getProperty( "user.name", "user" ), "models", hash );
		final Path file = dir.resolve( DEFAULT_MODEL + ".pt" );
		try
		{
			Files.createDirectories( dir );
			writeIfDifferent( dir.resolve( DEFAULT_MODEL + "-bf16.json" ), bf16Description );
			writeIfDifferent( dir.resolve( DEFAULT_MODEL + "-bf16.pt" ), bf16 );
			writeIfDifferent( dir.resolve( DEFAULT_MODEL + ".json" ), description );
			writeIfDifferent( file, model );
		}
		catch ( final IOException e )
		{
			throw new ModelException( "Cannot extract the default model to " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
					+ "): " + temporaryFolderHelp() + ", or give a model file (model=, --model)", e );
		}
		return file;
	}

	/**
	 * The bfloat16 variant of a model: the file its description ({@code model.json}) names under
	 * {@code "bfloat16"}, beside the model. {@code models/export_inference.py} makes one for any TorchScript model.
	 *
	 * @throws ModelException
	 *             naming the model and what is missing when it has none
	 */
	public static Path bf16Variant( final Path model )
	{
		final Path json = ModelDescription.descriptionFile( model );
		final String how = "; models/export_inference.py --bf16-only makes one from a TorchScript model, named in "
				+ json.getFileName() + " as \"bfloat16\": \"<file>\"";
		if ( !Files.isRegularFile( json ) )
			throw new ModelException( "precision=bf16 needs a bfloat16 variant of " + model + ", and it has no description " + json + how );
		final String name = ModelDescription.bf16Variant( json );
		if ( name == null )
			throw new ModelException( "precision=bf16 needs a bfloat16 variant of " + model + ", and its description " + json
					+ " names none" + how );
		final Path variant = model.resolveSibling( name );
		if ( !Files.isRegularFile( variant ) )
			throw new ModelException( "The bfloat16 variant " + variant + " named by " + json + " is missing" );
		return variant;
	}

	private static void writeIfDifferent( final Path target, final byte[] bytes ) throws IOException
	{
		if ( Files.isRegularFile( target ) && Files.size( target ) == bytes.length
				&& MessageDigest.isEqual( Files.readAllBytes( target ), bytes ) )
			return;
		final Path tmp = Files.createTempFile( target.getParent(), target.getFileName().toString(), ".tmp" );
		try
		{
			Files.write( tmp, bytes );
			Files.move( tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING );
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}

	private static byte[] resource( final String name )
	{
		try ( InputStream in = Models.class.getResourceAsStream( "/models/" + name ) )
		{
			if ( in == null )
				throw new ModelException( "The default model resource /models/" + name + " is missing from the class path" );
			return in.readAllBytes();
		}
		catch ( final IOException e )
		{
			throw new ModelException( "Cannot read the default model resource /models/" + name + ": " + e.getMessage(), e );
		}
	}

	static String sha256( final byte[] bytes )
	{
		try
		{
			return HexFormat.of().formatHex( MessageDigest.getInstance( "SHA-256" ).digest( bytes ) );
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new IllegalStateException( e );
		}
	}

	/** Identifies a model file by its real path, size and modification time. */
	private static final class Key
	{
		private final Path path;

		private final long size, modified;

		private final Device device;

		private Key( final Path path, final long size, final long modified, final Device device )
		{
			this.path = path;
			this.size = size;
			this.modified = modified;
			this.device = device;
		}

		static Key of( final Path file, final Device device )
		{
			try
			{
				return new Key( file.toRealPath(), Files.size( file ), Files.getLastModifiedTime( file ).toMillis(), device );
			}
			catch ( final IOException e )
			{
				throw new ModelException( "Model file not found: " + file, e );
			}
		}

		@Override
		public boolean equals( final Object o )
		{
			return o instanceof Key && ( ( Key ) o ).path.equals( path ) && ( ( Key ) o ).size == size && ( ( Key ) o ).modified == modified
					&& ( ( Key ) o ).device.equals( device );
		}

		@Override
		public int hashCode()
		{
			return Objects.hash( path, size, modified, device );
		}
	}
}
