package org.featurize.unet.classify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A trained pixel classifier as one value: the forest, the classes (their label values, names and colours), and the
 * features it was trained on (the features model's name and SHA-256, the normalization and halo), with the training
 * library and what training saw. Written to and read from one JSON file, which is all that applying it to other
 * volumes needs; reading checks the file's format, version and the forest's own SHA-256, so a damaged file is an
 * error, never a different classifier.
 */
public final class PixelClassifier
{
	/** What the file's {@code format} field says. */
	public static final String FORMAT = "featurize-unet pixel classifier";

	/**
	 * The newest file version this code writes and reads: 2 for a classifier with inputs computed from the features
	 * ({@link #extra()}), which a reader of version 1 would not compute; 1 for one without.
	 */
	public static final int VERSION = 2;

	/** Colours of classes 1, 2, ... when none is given (0xRRGGBB). */
	private static final int[] PALETTE = { 0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf };

	private static final ObjectMapper JSON = new ObjectMapper().enable( SerializationFeature.INDENT_OUTPUT );

	private final Forest forest;

	private final long[] values;

	private final String[] names;

	private final int[] colors;

	private final Map< String, Object > features;

	private final Map< String, Object > training;

	/**
	 * @param values
	 *            the label value of each class index of the forest, ascending
	 * @param features
	 *            what the features were: {@code model}, {@code model_sha256}, {@code channels}, {@code normalization}
	 *            (and {@code percentiles}), {@code halo}
	 * @param training
	 *            what training saw and chose (JSON-ready)
	 */
	public PixelClassifier( final Forest forest, final long[] values, final String[] names, final int[] colors, final Map< String, Object > features,
			final Map< String, Object > training )
	{
		if ( values.length != forest.classes() || names.length != values.length || colors.length != values.length )
			throw new IllegalArgumentException( "A forest of " + forest.classes() + " classes with " + values.length + " values, " + names.length
					+ " names, " + colors.length + " colours" );
		for ( int c = 1; c < values.length; c++ )
			if ( values[ c ] <= values[ c - 1 ] )
				throw new IllegalArgumentException( "Class values must ascend" );
		this.forest = forest;
		this.values = values.clone();
		this.names = names.clone();
		this.colors = colors.clone();
		this.features = new LinkedHashMap<>( features );
		this.training = new LinkedHashMap<>( training );
	}

	/** Default names ("class 1" ...) for class values. */
	public static String[] defaultNames( final long[] values )
	{
		final String[] names = new String[ values.length ];
		for ( int c = 0; c < values.length; c++ )
			names[ c ] = "class " + values[ c ];
		return names;
	}

	/** Default colours for class values: a ten-colour palette, by value. */
	public static int[] defaultColors( final long[] values )
	{
		final int[] colors = new int[ values.length ];
		for ( int c = 0; c < values.length; c++ )
			colors[ c ] = PALETTE[ ( int ) ( ( values[ c ] - 1 ) % PALETTE.length ) ];
		return colors;
	}

	public Forest forest()
	{
		return forest;
	}

	public int classes()
	{
		return values.length;
	}

	/** The label value of class index {@code c}. */
	public long value( final int c )
	{
		return values[ c ];
	}

	public long[] values()
	{
		return values.clone();
	}

	public String name( final int c )
	{
		return names[ c ];
	}

	/** The colour of class index {@code c}, 0xRRGGBB. */
	public int color( final int c )
	{
		return colors[ c ];
	}

	/** What the features were (see the constructor). */
	public Map< String, Object > features()
	{
		return new LinkedHashMap<>( features );
	}

	public Map< String, Object > training()
	{
		return new LinkedHashMap<>( training );
	}

	/** The key of {@link #features()} that lists the inputs computed from the features, after them. */
	public static final String EXTRA = "extra";

	/**
	 * The inputs computed from the features that the forest reads after them (their records under {@link #EXTRA} in
	 * {@link #features()}), or null for none.
	 */
	public Extras extra()
	{
		return extra( "" );
	}

	private Extras extra( final Object file )
	{
		final Object e = features.get( EXTRA );
		if ( e == null )
			return null;
		final Extras x = Extras.fromRecord( e, String.valueOf( file ) );
		if ( forest.features() <= x.count() )
			throw new LabelException( String.format( "Classifier %s is damaged: a forest of %d features cannot take %d extra inputs", file,
					forest.features(), x.count() ) );
		return x;
	}

	/** The features model's SHA-256 that the classifier was trained on. */
	public String modelSha256()
	{
		return String.valueOf( features.get( "model_sha256" ) );
	}

	/**
	 * Refuses features from another model than the one the classifier was trained on.
	 *
	 * @param sha256
	 *            the SHA-256 of the model file that computes the features to classify
	 */
	public void checkModel( final String modelName, final String sha256, final int channels, final Path file )
	{
		if ( !sha256.equals( modelSha256() ) )
			throw new LabelException( String.format( "Classifier %s was trained on the features of model %s (sha256 %s); this run's model is %s "
					+ "(sha256 %s): run it with that model, or train again", file == null ? "" : file, features.get( "model" ), modelSha256(), modelName,
					sha256 ) );
		if ( channels != forest.features() )
			throw new LabelException( String.format( "Classifier %s takes %d features per pixel; the model gives %d", file == null ? "" : file,
					forest.features(), channels ) );
	}

	/** The SHA-256 of the forest's arrays: what identifies a trained classifier. */
	public String forestSha256()
	{
		return sha256( bytes( forest.featureArray() ), bytes( forest.thresholdArray() ), bytes( forest.leafArray() ) );
	}

	// ------------------------------------------------------------------------------------------------------------
	// The file
	// ------------------------------------------------------------------------------------------------------------

	/** The file's content: JSON, the forest's arrays in base64 (little-endian int32 and float32) with their SHA-256. */
	public Map< String, Object > toMap()
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		m.put( "format", FORMAT );
		m.put( "version", features.get( EXTRA ) == null ? 1 : VERSION );
		final List< Map< String, Object > > classes = new ArrayList<>();
		for ( int c = 0; c < values.length; c++ )
		{
			final Map< String, Object > k = new LinkedHashMap<>();
			k.put( "value", values[ c ] );
			k.put( "name", names[ c ] );
			k.put( "color", String.format( "#%06x", colors[ c ] ) );
			classes.add( k );
		}
		m.put( "classes", classes );
		m.put( "features", features );
		m.put( "training", training );
		final Map< String, Object > f = new LinkedHashMap<>();
		f.put( "library", ForestTrainer.LIBRARY );
		f.put( "library_version", ForestTrainer.libraryVersion() );
		f.put( "algorithm", "random forest of CART trees (Gini impurity), class probabilities averaged over the trees" );
		f.put( "features", forest.features() );
		f.put( "classes", forest.classes() );
		f.put( "trees", forest.trees() );
		f.put( "depth", forest.depth() );
		final byte[] feature = bytes( forest.featureArray() ), threshold = bytes( forest.thresholdArray() ), leaves = bytes( forest.leafArray() );
		f.put( "split_features", Base64.getEncoder().encodeToString( feature ) );
		f.put( "split_thresholds", Base64.getEncoder().encodeToString( threshold ) );
		f.put( "leaf_frequencies", Base64.getEncoder().encodeToString( leaves ) );
		f.put( "sha256", sha256( feature, threshold, leaves ) );
		m.put( "forest", f );
		return m;
	}

	/** Writes the file atomically (a temporary file renamed into place). */
	public void write( final Path file )
	{
		try
		{
			final Path parent = file.toAbsolutePath().getParent();
			if ( parent != null )
				Files.createDirectories( parent );
			final Path tmp = Files.createTempFile( parent, "." + file.getFileName(), ".tmp" );
			try
			{
				Files.write( tmp, JSON.writeValueAsBytes( toMap() ) );
				Files.move( tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE );
			}
			finally
			{
				Files.deleteIfExists( tmp );
			}
		}
		catch ( final IOException e )
		{
			throw new LabelException( "Cannot write classifier " + file + ": " + e.getMessage(), e );
		}
	}

	/** Reads a classifier file; a missing, damaged or foreign file is a {@link LabelException} that says which. */
	public static PixelClassifier read( final Path file )
	{
		final byte[] bytes;
		try
		{
			bytes = Files.readAllBytes( file );
		}
		catch ( final NoSuchFileException e )
		{
			throw new LabelException( "Classifier " + file + " does not exist" );
		}
		catch ( final IOException e )
		{
			throw new LabelException( "Cannot read classifier " + file + ": " + e.getMessage(), e );
		}
		return parse( bytes, file.toString() );
	}

	/** The file's bytes: what {@link #parse} reads back (for sending a classifier to other machines). */
	public byte[] bytes()
	{
		try
		{
			return JSON.writeValueAsBytes( toMap() );
		}
		catch ( final JsonProcessingException e )
		{
			throw new LabelException( "Cannot write classifier " + this + ": " + e.getOriginalMessage(), e );
		}
	}

	/**
	 * A classifier from the bytes of its file; {@code file} names them in messages. A damaged or foreign file is a
	 * {@link LabelException} that says which.
	 */
	@SuppressWarnings( "unchecked" )
	public static PixelClassifier parse( final byte[] bytes, final String file )
	{
		final Map< String, Object > m;
		try
		{
			m = JSON.readValue( bytes, Map.class );
		}
		catch ( final JsonProcessingException e )
		{
			throw new LabelException( "Classifier " + file + " is not a readable classifier file (damaged or not JSON: "
					+ e.getOriginalMessage() + ")", e );
		}
		catch ( final IOException e )
		{
			throw new LabelException( "Cannot read classifier " + file + ": " + e.getMessage(), e );
		}
		if ( !FORMAT.equals( m.get( "format" ) ) )
			throw new LabelException( "File " + file + " is not a pixel classifier of this tool (format " + m.get( "format" ) + ")" );
		final Object version = m.get( "version" );
		if ( !( version instanceof Number ) || ( ( Number ) version ).intValue() > VERSION )
			throw new LabelException( "Classifier " + file + " has version " + version + "; this version of the tool reads version " + VERSION
					+ " and older: update featurize-unet" );
		try
		{
			final List< Map< String, Object > > classes = ( List< Map< String, Object > > ) m.get( "classes" );
			final long[] values = new long[ classes.size() ];
			final String[] names = new String[ classes.size() ];
			final int[] colors = new int[ classes.size() ];
			for ( int c = 0; c < values.length; c++ )
			{
				values[ c ] = ( ( Number ) classes.get( c ).get( "value" ) ).longValue();
				names[ c ] = String.valueOf( classes.get( c ).get( "name" ) );
				colors[ c ] = Integer.parseInt( String.valueOf( classes.get( c ).get( "color" ) ).substring( 1 ), 16 );
			}
			final Map< String, Object > f = ( Map< String, Object > ) m.get( "forest" );
			final byte[] feature = Base64.getDecoder().decode( ( String ) f.get( "split_features" ) );
			final byte[] threshold = Base64.getDecoder().decode( ( String ) f.get( "split_thresholds" ) );
			final byte[] leaves = Base64.getDecoder().decode( ( String ) f.get( "leaf_frequencies" ) );
			if ( !sha256( feature, threshold, leaves ).equals( f.get( "sha256" ) ) )
				throw new LabelException( "Classifier " + file + " is damaged: its forest does not match its SHA-256" );
			final ByteBuffer fb = ByteBuffer.wrap( feature ).order( ByteOrder.LITTLE_ENDIAN );
			final int[] features = new int[ feature.length / 4 ];
			fb.asIntBuffer().get( features );
			final float[] thresholds = new float[ threshold.length / 4 ];
			ByteBuffer.wrap( threshold ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( thresholds );
			final float[] frequencies = new float[ leaves.length / 4 ];
			ByteBuffer.wrap( leaves ).order( ByteOrder.LITTLE_ENDIAN ).asFloatBuffer().get( frequencies );
			final Forest forest = new Forest( ( ( Number ) f.get( "features" ) ).intValue(), ( ( Number ) f.get( "classes" ) ).intValue(),
					( ( Number ) f.get( "depth" ) ).intValue(), features, thresholds, frequencies );
			final PixelClassifier classifier = new PixelClassifier( forest, values, names, colors, ( Map< String, Object > ) m.get( "features" ),
					( Map< String, Object > ) m.get( "training" ) );
			classifier.extra( file );
			return classifier;
		}
		catch ( final ClassCastException | NullPointerException | IllegalArgumentException | IndexOutOfBoundsException e )
		{
			if ( e instanceof LabelException )
				throw ( LabelException ) e;
			throw new LabelException( "Classifier " + file + " is damaged or incomplete: " + e, e );
		}
	}

	private static byte[] bytes( final int[] values )
	{
		final ByteBuffer b = ByteBuffer.allocate( 4 * values.length ).order( ByteOrder.LITTLE_ENDIAN );
		b.asIntBuffer().put( values );
		return b.array();
	}

	private static byte[] bytes( final float[] values )
	{
		final ByteBuffer b = ByteBuffer.allocate( 4 * values.length ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( values );
		return b.array();
	}

	private static String sha256( final byte[]... parts )
	{
		try
		{
			final MessageDigest digest = MessageDigest.getInstance( "SHA-256" );
			for ( final byte[] p : parts )
				digest.update( p );
			return HexFormat.of().formatHex( digest.digest() );
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new IllegalStateException( e );
		}
	}

	@Override
	public String toString()
	{
		final StringBuilder s = new StringBuilder( "random forest (" + forest.trees() + " trees, depth " + forest.depth() + ") of " + values.length
				+ " classes:" );
		for ( int c = 0; c < values.length; c++ )
			s.append( c == 0 ? " " : ", " ).append( values[ c ] ).append( " (" ).append( names[ c ] ).append( ')' );
		return s.append( "; features of " ).append( features.get( "model" ) ).toString();
	}
}
