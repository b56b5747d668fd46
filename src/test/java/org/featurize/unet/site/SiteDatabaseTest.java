package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.featurize.unet.site.SiteDatabase.Dependency;
import org.featurize.unet.site.SiteDatabase.Plugin;
import org.featurize.unet.site.SiteDatabase.PreviousVersion;
import org.featurize.unet.site.SiteDatabase.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class SiteDatabaseTest
{
	@TempDir
	Path tmp;

	private static final Plugin FULL = new Plugin( "jars/a & b-1.0.jar", List.of( "linux64", "win64" ), List.of(
			"Segmentation" ), new Version( "0123456789abcdef0123456789abcdef01234567", "20260101120000", 42,
					"Says \"<hi>\" & more", List.of( new Dependency( "jars/x-1.0.jar", "20250101000000" ), new Dependency(
							"jars/gson.jar", null ) ), List.of( "https://example.org/?a=1&b=2" ), List.of( "Ada",
									"Grace" ) ), List.of( new PreviousVersion( "jars/a & b-0.9.jar", "20250101000000",
											"20260101120000", "89abcdef0123456789abcdef0123456789abcdef" ) ) );

	private static final Plugin OBSOLETE = new Plugin( "jars/old-1.0.jar", List.of(), List.of(), null, List.of(
			new PreviousVersion( null, "20240101000000", null, "fedcba9876543210fedcba9876543210fedcba98" ) ) );

	@Test
	void writtenIndexReadsBackAndIsValidAgainstItsDoctype() throws Exception
	{
		final Path db = tmp.resolve( "db.xml.gz" );
		SiteDatabase.write( List.of( FULL, OBSOLETE ), db );
		final byte[] xml = SiteDatabase.gunzip( db );
		SiteCheck.validateAgainstDoctype( xml );
		assertEquals( List.of( FULL, OBSOLETE ), SiteDatabase.read( db ) );
		final String text = new String( xml, StandardCharsets.UTF_8 );
		assertTrue( text.contains( "<description>Says &quot;&lt;hi&gt;&quot; &amp; more</description>" ), text );
		assertTrue( text.contains( "<dependency filename=\"jars/gson.jar\"/>" ), text );
		assertTrue( text.contains( "<previous-version timestamp=\"20240101000000\" "
				+ "checksum=\"fedcba9876543210fedcba9876543210fedcba98\"/>" ), text );
	}

	@Test
	void theDoctypeCheckCatchesChildrenOutOfOrder()
	{
		final String xml = SiteDatabase.toXml( List.of( FULL ) ).replace( "        <platform>linux64</platform>\n", "" )
				.replace( "    </plugin>", "        <platform>linux64</platform>\n    </plugin>" );
		assertThrows( AssertionFailedError.class, () -> SiteCheck.validateAgainstDoctype( xml.getBytes(
				StandardCharsets.UTF_8 ) ) );
		final String noChecksum = SiteDatabase.toXml( List.of( FULL ) ).replace(
				"checksum=\"0123456789abcdef0123456789abcdef01234567\" ", "" );
		assertThrows( AssertionFailedError.class, () -> SiteCheck.validateAgainstDoctype( noChecksum.getBytes(
				StandardCharsets.UTF_8 ) ) );
	}

	@Test
	void controlCharactersAreRefused()
	{
		final Plugin bad = new Plugin( "jars/x\u0001.jar", List.of(), List.of(), null, List.of() );
		assertThrows( SiteException.class, () -> SiteDatabase.toXml( List.of( bad ) ) );
	}

	@Test
	void notAnIndexIsRefused()
	{
		final SiteException e = assertThrows( SiteException.class, () -> SiteDatabase.parse( "<project/>".getBytes(
				StandardCharsets.UTF_8 ) ) );
		assertEquals( "Not an update site index: root element is <project>, expected <pluginRecords>", e.getMessage() );
	}
}
