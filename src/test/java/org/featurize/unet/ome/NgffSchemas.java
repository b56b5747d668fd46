package org.featurize.unet.ome;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The OME-NGFF 0.4 JSON schemas under src/test/resources/ngff/0.4, validated with networknt's validator. */
final class NgffSchemas
{
	static final String IMAGE = "image.schema", STRICT_IMAGE = "strict_image.schema";

	/** A label image's attributes ({@code multiscales} and {@code image-label}), and a labels group's ({@code labels}). */
	static final String LABEL = "label.schema", STRICT_LABEL = "strict_label.schema", LABELS = "labels.schema";

	private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance( SpecVersion.VersionFlag.V202012 );

	private NgffSchemas()
	{}

	/** The problems the schema finds in {@code attributes}; empty when they validate. */
	static Set< ValidationMessage > validate( final String schema, final JsonNode attributes )
	{
		final JsonSchema s = FACTORY.getSchema( SchemaLocation.of( "classpath:ngff/0.4/" + schema ) );
		return s.validate( attributes );
	}
}
