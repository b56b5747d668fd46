package org.featurize.unet.classify;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.featurize.unet.io.FeatureOutput;

/**
 * The run record that {@code bin/featurize} writes into its output (the {@code featurize} attribute: the parameters,
 * the model, {@code complete}), as classify reads it from a features Zarr: the model's name and SHA-256, the
 * normalization, the tile and halo. A Zarr of another tool has none: then {@link #exists()} is false and every
 * accessor gives null.
 */
public final class FeaturesRecord
{
	private final Map< String, Object > record;

	private FeaturesRecord( final Map< String, Object > record )
	{
		this.record = record;
	}

	/** The record in {@code attributes} (an array's or a group's), which may hold none. */
	@SuppressWarnings( "unchecked" )
	static FeaturesRecord of( final Map< String, Object > attributes )
	{
		final Object r = attributes == null ? null : attributes.get( FeatureOutput.KEY );
		return new FeaturesRecord( r instanceof Map ? ( Map< String, Object > ) r : null );
	}

	/** Whether the Zarr has a record (was written by {@code bin/featurize}). */
	public boolean exists()
	{
		return record != null;
	}

	/** The record's parameters, or an empty map. */
	@SuppressWarnings( "unchecked" )
	public Map< String, Object > parameters()
	{
		return record != null && record.get( "parameters" ) instanceof Map ? ( Map< String, Object > ) record.get( "parameters" ) : Map.of();
	}

	/** Refuses an unfinished run (its missing chunks would read as zeros). */
	void checkComplete( final Path features )
	{
		if ( record != null && !Boolean.TRUE.equals( record.get( "complete" ) ) )
			throw new FeaturesException( "Features " + features + " are an unfinished bin/featurize run (its record says \"complete\": "
					+ record.get( "complete" ) + "): run bin/featurize again to finish them" );
	}

	/** Refuses, where there is a record, another model (SHA-256), normalization (method, percentiles) or margin than the classifier's. */
	void check( final PixelClassifier classifier, final Path file, final Path features )
	{
		if ( record == null )
			return;
		final Map< String, Object > f = classifier.features();
		if ( !String.valueOf( modelSha256() ).equals( String.valueOf( f.get( "model_sha256" ) ) ) )
			throw new FeaturesException( String.format( "Classifier %s was trained on the features of model %s (sha256 %s); features %s are of "
					+ "model %s (sha256 %s): give features of that model, or train again", file, f.get( "model" ), f.get( "model_sha256" ),
					features, modelName(), modelSha256() ) );
		final String method = f.get( "normalization" ) == null ? null : String.valueOf( f.get( "normalization" ) );
		final List< Double > percentiles = PERCENTILE.equals( method ) ? numbers( f.get( "percentiles" ) ) : null;
		if ( !String.valueOf( method ).equals( String.valueOf( normalizationMethod() ) )
				|| PERCENTILE.equals( method ) && !String.valueOf( percentiles ).equals( String.valueOf( percentiles() ) ) )
			throw new FeaturesException( String.format( "Classifier %s was trained on features normalized by %s; features %s are normalized by %s: "
					+ "give features of that normalization, or train again", file, describe( method, percentiles ), features,
					describe( normalizationMethod(), percentiles() ) ) );
		final int margin = ClassifyJob.recordedMargin( f );
		if ( margin != margin() )
			throw new FeaturesException( String.format( "Classifier %s was trained on features with a margin of %d pixels (the planes mirrored "
					+ "that far beyond their edges before the model); features %s have a margin of %d: give features computed with "
					+ "margin %d, or train again", file, margin, features, margin(), margin ) );
	}

	private static final String PERCENTILE = "percentile";

	private static String describe( final String method, final List< Double > percentiles )
	{
		return percentiles == null ? String.valueOf( method ) : method + " " + percentiles.get( 0 ) + ".." + percentiles.get( 1 );
	}

	private static List< Double > numbers( final Object list )
	{
		if ( !( list instanceof List ) )
			return null;
		return ( ( List< ? > ) list ).stream().map( v -> ( ( Number ) v ).doubleValue() ).toList();
	}

	/** The model's SHA-256 that the record names, or null. */
	public String modelSha256()
	{
		final Object sha = parameters().get( "model_sha256" );
		return sha == null ? null : sha.toString();
	}

	/** The model's name that the record gives, else its file's name; null without a record. */
	public String modelName()
	{
		if ( record == null )
			return null;
		if ( record.get( "model_description" ) instanceof Map && ( ( Map< ?, ? > ) record.get( "model_description" ) ).get( "name" ) != null )
			return String.valueOf( ( ( Map< ?, ? > ) record.get( "model_description" ) ).get( "name" ) );
		return record.get( "model" ) == null ? null : Path.of( String.valueOf( record.get( "model" ) ) ).getFileName().toString();
	}

	/** The record's normalization ({@code method}, and the percentiles' values), or null. */
	@SuppressWarnings( "unchecked" )
	public Map< String, Object > normalization()
	{
		return parameters().get( "normalization" ) instanceof Map ? ( Map< String, Object > ) parameters().get( "normalization" ) : null;
	}

	/** The normalization method the record names ("none", "percentile"), or null. */
	public String normalizationMethod()
	{
		final Map< String, Object > n = normalization();
		return n == null || n.get( "method" ) == null ? null : String.valueOf( n.get( "method" ) );
	}

	/** The record's percentiles (low, high), or null (no percentile normalization, or no record). */
	public List< Double > percentiles()
	{
		final Map< String, Object > n = normalization();
		if ( n == null || !( n.get( "low_percentile" ) instanceof Number ) || !( n.get( "high_percentile" ) instanceof Number ) )
			return null;
		return List.of( ( ( Number ) n.get( "low_percentile" ) ).doubleValue(), ( ( Number ) n.get( "high_percentile" ) ).doubleValue() );
	}

	/** The record's tile (height, width), or null. */
	public int[] tile()
	{
		final Object t = parameters().get( "tile" );
		if ( !( t instanceof List ) || ( ( List< ? > ) t ).size() != 2 )
			return null;
		final List< ? > l = ( List< ? > ) t;
		return new int[] { ( ( Number ) l.get( 0 ) ).intValue(), ( ( Number ) l.get( 1 ) ).intValue() };
	}

	/**
	 * The margin the features were computed with (how far the model saw each plane mirrored beyond its edges): 0 where
	 * the record names none (a run without a margin, or from before margins), null without a record.
	 */
	public Integer margin()
	{
		if ( record == null )
			return null;
		return parameters().get( "margin" ) instanceof Number ? ( ( Number ) parameters().get( "margin" ) ).intValue() : 0;
	}

	/** The record's halo, or null. */
	public Integer halo()
	{
		return parameters().get( "halo" ) instanceof Number ? ( ( Number ) parameters().get( "halo" ) ).intValue() : null;
	}
}
