package org.featurize.unet.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.ome.OmeAxis;
import org.featurize.unet.ome.OmeMetadata;
import org.featurize.unet.zarr.ZarrException;
import org.featurize.unet.zarr.ZarrGroup;

/**
 * A classification's labels as an OME-NGFF 0.4 label image: {@code OUT/labels} (attributes
 * {@code "labels": ["classes"]}) holding the multiscale image {@code OUT/labels/classes} of one level,
 * {@code OUT/labels/classes/0}, with {@code image-label} metadata: each class value's colour from the classifier and
 * {@code source} the image two levels up. Its axes, scale and translation are those of the part of the input
 * classified (a region's start, a level's pixel size), so that it lies on the image it labels. {@code OUT} may be an
 * OME-Zarr image already (the features written with {@code layout=ome}, say), whose other labels are kept; else it is
 * created as a plain group.
 */
public final class OmeLabels
{
	/** The label image's name under {@code labels}. */
	public static final String NAME = "classes";

	private OmeLabels()
	{}

	/** The label array (level 0) of the label image in {@code out}. */
	public static Path array( final Path out )
	{
		return out.resolve( "labels" ).resolve( NAME ).resolve( "0" );
	}

	/** Creates, or updates, the groups above the label array and their attributes. */
	@SuppressWarnings( "unchecked" )
	public static void writeGroups( final Path out, final Classification classification, final List< OmeAxis > axes )
	{
		if ( !Files.isRegularFile( out.resolve( ".zgroup" ) ) )
			ZarrGroup.create( out, "", 2, null );
		final ZarrGroup labels = Files.isRegularFile( out.resolve( "labels/.zgroup" ) ) ? ZarrGroup.open( out, "labels" )
				: ZarrGroup.create( out, "labels", 2, null );
		final Map< String, Object > attributes = new LinkedHashMap<>( labels.attributes() );
		final List< Object > names = attributes.get( "labels" ) instanceof List ? new ArrayList<>( ( List< Object > ) attributes.get( "labels" ) )
				: new ArrayList<>();
		if ( !names.contains( NAME ) )
			names.add( NAME );
		attributes.put( "labels", names );
		labels.writeAttributes( attributes );
		final ZarrGroup image = Files.isRegularFile( out.resolve( "labels/" + NAME + "/.zgroup" ) ) ? ZarrGroup.open( out, "labels/" + NAME )
				: ZarrGroup.create( out, "labels/" + NAME, 2, null );
		image.writeAttributes( attributes( classification, axes ) );
	}

	/** The label image's attributes: {@code multiscales} and {@code image-label}. */
	/**
	 * The label images that the group at {@code root/path} lists as an OME-Zarr {@code labels} group (its
	 * {@code "labels"} attribute, or under {@code "ome"} in NGFF 0.5), or null where it is no such group.
	 */
	static List< String > listed( final Path root, final String path )
	{
		final Map< String, Object > attributes;
		try
		{
			attributes = ZarrGroup.open( root, path ).attributes();
		}
		catch ( final ZarrException e )
		{
			return null;
		}
		Object labels = attributes.get( "labels" );
		if ( labels == null && attributes.get( "ome" ) instanceof Map )
			labels = ( ( Map< ?, ? > ) attributes.get( "ome" ) ).get( "labels" );
		if ( !( labels instanceof List ) || attributes.containsKey( "multiscales" ) )
			return null;
		final List< String > names = new ArrayList<>();
		for ( final Object name : ( List< ? > ) labels )
			if ( name instanceof String && !( ( String ) name ).isBlank() && !( ( String ) name ).contains( ".." ) )
				names.add( ( String ) name );
			else
				throw new LabelException( "Labels " + root.resolve( path ) + ": the \"labels\" attribute must list label images by name, found " + labels );
		return names;
	}

	static Map< String, Object > attributes( final Classification classification, final List< OmeAxis > inputAxes )
	{
		final int n = classification.cellGrid().numDimensions();
		if ( inputAxes.size() != n )
			throw new IllegalArgumentException( "Labels of " + n + " axes, input axes " + inputAxes );
		final List< Object > axes = new ArrayList<>();
		final List< Double > scale = new ArrayList<>(), translation = new ArrayList<>();
		boolean translated = false;
		for ( final OmeAxis a : inputAxes )
		{
			axes.add( a.toMap() );
			scale.add( a.scale() );
			translation.add( a.translation() );
			translated |= a.translation() != 0;
		}
		final List< Object > transforms = new ArrayList<>();
		transforms.add( transform( "scale", scale ) );
		if ( translated )
			transforms.add( transform( "translation", translation ) );
		final Map< String, Object > dataset = new LinkedHashMap<>();
		dataset.put( "path", "0" );
		dataset.put( "coordinateTransformations", transforms );
		final Map< String, Object > multiscale = new LinkedHashMap<>();
		multiscale.put( "version", OmeMetadata.VERSION );
		multiscale.put( "name", NAME );
		multiscale.put( "axes", axes );
		multiscale.put( "datasets", List.of( dataset ) );
		multiscale.put( "type", "nearest" ); // how labels are downsampled, should levels be added
		final Map< String, Object > metadata = new LinkedHashMap<>();
		metadata.put( "description", "one level: each pixel's class value at the input's resolution" );
		metadata.put( "method", ClassWriter.class.getName() );
		multiscale.put( "metadata", metadata );

		final PixelClassifier classifier = classification.classifier();
		final List< Object > colors = new ArrayList<>(), properties = new ArrayList<>();
		for ( int c = 0; c < classifier.classes(); c++ )
		{
			final int rgb = classifier.color( c );
			final Map< String, Object > color = new LinkedHashMap<>();
			color.put( "label-value", classifier.value( c ) );
			color.put( "rgba", List.of( ( rgb >> 16 ) & 0xff, ( rgb >> 8 ) & 0xff, rgb & 0xff, 255 ) );
			colors.add( color );
			final Map< String, Object > property = new LinkedHashMap<>();
			property.put( "label-value", classifier.value( c ) );
			property.put( "name", classifier.name( c ) );
			properties.add( property );
		}
		final Map< String, Object > source = new LinkedHashMap<>();
		source.put( "image", "../../" );
		final Map< String, Object > imageLabel = new LinkedHashMap<>();
		imageLabel.put( "version", OmeMetadata.VERSION );
		imageLabel.put( "colors", colors );
		imageLabel.put( "properties", properties );
		imageLabel.put( "source", source );

		final Map< String, Object > attributes = new LinkedHashMap<>();
		attributes.put( "multiscales", List.of( multiscale ) );
		attributes.put( "image-label", imageLabel );
		return attributes;
	}

	private static Map< String, Object > transform( final String type, final List< Double > values )
	{
		final Map< String, Object > t = new LinkedHashMap<>();
		t.put( "type", type );
		t.put( type, values );
		return t;
	}
}
