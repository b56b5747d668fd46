package org.featurize.unet.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.featurize.unet.compute.HaloMeasurement;
import org.featurize.unet.model.FeatureModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The default halo of a model: its description's {@code "effective_halo"} when it has one; else the one that
 * {@link HaloMeasurement} measures, once per model (by SHA-256) and machine: kept in this JVM and in a small JSON file
 * in the user's cache folder ({@code $XDG_CACHE_HOME/featurize-unet/halo/<sha256>-v<procedure>.json}, else
 * {@code ~/.cache/featurize-unet/halo}; {@code -Dfeaturize.haloCache=DIR} chooses another), which a later run, a
 * Spark executor or Fiji reads instead of measuring again. The model's own folder is never written to.
 */
public final class ModelHalos
{
	private static final Map< String, Integer > KNOWN = new ConcurrentHashMap<>();

	private ModelHalos()
	{}

	/**
	 * The default halo of a request's model: for {@code precision=bf16}, the float32 model's (the context a network
	 * needs is the network's; bfloat16 rounding would make every tile differ from the whole plane whatever the halo),
	 * loaded for the measurement only when it was not measured before.
	 */
	public static int forRequest( final FeaturizeRequest request, final FeatureModel model, final Path modelFile,
			final java.util.function.Supplier< FeatureModel > float32, final Consumer< String > log )
	{
		if ( model.description().effectiveHalo() >= 0 )
			return model.description().effectiveHalo();
		if ( !request.precision().equals( FeaturizeRequest.PRECISION_BF16 ) )
			return of( model, Featurizer.sha256( modelFile ), log );
		final Path file = request.model() != null ? request.model() : org.featurize.unet.model.Models.defaultModelFile();
		final String sha = Featurizer.sha256( file );
		final Integer known = known( sha, model.description().receptiveField() );
		return known != null ? known : of( float32.get(), sha, log );
	}

	/**
	 * The halo measured before for the model in {@code modelFile} (in this process or kept on disk), or null: never
	 * measures.
	 */
	public static Integer measuredBefore( final Path modelFile, final int receptiveField )
	{
		return known( Featurizer.sha256( modelFile ), receptiveField );
	}

	private static Integer known( final String sha256, final int receptiveField )
	{
		final Integer inMemory = KNOWN.get( sha256 + ":" + receptiveField );
		return inMemory != null ? inMemory : read( folder().resolve( fileName( sha256 ) ), receptiveField );
	}

	private static String fileName( final String sha256 )
	{
		return sha256 + "-v" + HaloMeasurement.VERSION + ".json";
	}

	/** The halo that tiles of {@code model} (whose file has SHA-256 {@code sha256}) get by default. */
	public static int of( final FeatureModel model, final String sha256, final Consumer< String > log )
	{
		if ( model.description().effectiveHalo() >= 0 )
			return model.description().effectiveHalo();
		final String key = sha256 + ":" + model.description().receptiveField();
		final Integer known = KNOWN.get( key );
		if ( known != null )
			return known;
		synchronized ( ModelHalos.class )
		{
			final Integer again = KNOWN.get( key );
			if ( again != null )
				return again;
			final Path file = folder().resolve( fileName( sha256 ) );
			Integer halo = read( file, model.description().receptiveField() );
			if ( halo == null )
			{
				final long start = System.nanoTime();
				final HaloMeasurement m = HaloMeasurement.of( model );
				halo = m.halo();
				log.accept( String.format( "Measured the model's effective halo in %.1f s: %s; receptive field %d (kept in %s)",
						( System.nanoTime() - start ) * 1e-9, m, model.description().receptiveField(), file ) );
				write( file, m, model.description().receptiveField(), log );
			}
			KNOWN.put( key, halo );
			return halo;
		}
	}

	/** The folder of measured halos. */
	public static Path folder()
	{
		final String given = System.getProperty( "featurize.haloCache" );
		if ( given != null && !given.isBlank() )
			return Paths.get( given );
		final String xdg = System.getenv( "XDG_CACHE_HOME" );
		final Path base = xdg != null && !xdg.isBlank() ? Paths.get( xdg ) : Paths.get( System.getProperty( "user.home" ), ".cache" );
		return base.resolve( "featurize-unet" ).resolve( "halo" );
	}

	private static Integer read( final Path file, final int receptiveField )
	{
		if ( !Files.isRegularFile( file ) )
			return null;
		try
		{
			final JsonNode root = new ObjectMapper().readTree( Files.readAllBytes( file ) );
			final JsonNode halo = root.get( "effective_halo" ), field = root.get( "receptive_field" );
			if ( halo == null || !halo.isIntegralNumber() || field == null || field.asInt() != receptiveField || halo.asInt() < 0
					|| halo.asInt() > receptiveField )
				return null;
			return halo.asInt();
		}
		catch ( final IOException e )
		{
			return null; // measured again, and the file replaced
		}
	}

	private static void write( final Path file, final HaloMeasurement m, final int receptiveField, final Consumer< String > log )
	{
		final Map< String, Object > root = new LinkedHashMap<>();
		root.put( "effective_halo", m.halo() );
		root.put( "receptive_field", receptiveField );
		root.put( "tolerance", HaloMeasurement.TOLERANCE );
		root.put( "share_of_tolerance", HaloMeasurement.SHARE );
		root.put( "procedure_version", HaloMeasurement.VERSION );
		final Map< String, Double > errors = new LinkedHashMap<>();
		m.errors().forEach( ( h, e ) -> errors.put( Integer.toString( h ), e ) );
		root.put( "errors_by_halo", errors );
		try
		{
			Files.createDirectories( file.getParent() );
			final Path tmp = Files.createTempFile( file.getParent(), ".halo", ".tmp" );
			Files.write( tmp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString( root ).getBytes( StandardCharsets.UTF_8 ) );
			Files.move( tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE );
		}
		catch ( final IOException | RuntimeException e )
		{
			log.accept( "The measured halo could not be kept in " + file + " (" + e + "); it will be measured again by the next run" );
		}
	}
}
