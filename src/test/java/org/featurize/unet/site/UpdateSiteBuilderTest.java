package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.featurize.unet.site.SiteDatabase.Dependency;
import org.featurize.unet.site.SiteDatabase.Plugin;
import org.featurize.unet.site.SiteDatabase.PreviousVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assembles sites from a small fake build (a plugin jar, a library, a library Fiji ships, a native jar per
 * classifier, two model files) and checks every file of each site against its {@code db.xml.gz}.
 */
class UpdateSiteBuilderTest
{
	private static final Path PLATFORMS = Path.of( "fiji-update-site/platforms.txt" );

	private static final Path FIJI_PROVIDED = Path.of( "fiji-update-site/fiji-provided.txt" );

	private static final List< String > CLASSIFIERS = List.of( "linux-x86_64", "linux-aarch64", "osx-aarch64",
			"win-x86_64" );

	private static final String T1 = "20260101120000", T2 = "20260202130000", T3 = "20260303140000";

	@TempDir
	Path tmp;

	private Path repository;

	private Path model;

	private Path modelJson;

	@BeforeEach
	void fakeBuild() throws Exception
	{
		repository = tmp.resolve( "build/repository" );
		library( "org.example", "lib", "1.2.0", "a library the plugin needs" );
		library( "org.example", "gone", "0.1.0", "a library a later version drops" );
		TestJars.write( repository.resolve( "com/example/provided/2.0.0/provided-2.0.0.jar" ), TestJars.entries(
				"com/example/Provided.class", "provided" ) );
		for ( final String classifier : CLASSIFIERS )
			TestJars.write( repository.resolve( "ai/djl/pytorch/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-"
					+ classifier + ".jar" ), TestJars.entries(
							"native/lib/pytorch.properties", "version=2.7.1\nclassifier=" + classifier + "\n",
							"pytorch/cpu/" + classifier + "/libtorch", "native code for " + classifier ) );
		Files.createDirectories( tmp.resolve( "build/models" ) );
		model = Files.write( tmp.resolve( "build/models/unet16.pt" ), new byte[] { 80, 75, 3, 4, 0, 1, 2 } );
		modelJson = Files.writeString( tmp.resolve( "build/models/unet16.json" ), "{\"input_channels\": 1}\n" );
	}

	private void library( final String groupId, final String artifactId, final String version,
			final String description ) throws Exception
	{
		final Path dir = repository.resolve( groupId.replace( '.', '/' ) + "/" + artifactId + "/" + version );
		TestJars.write( dir.resolve( artifactId + "-" + version + ".jar" ), TestJars.entries(
				"org/example/" + artifactId + "/Lib.class", artifactId + version ) );
		Files.writeString( dir.resolve( artifactId + "-" + version + ".pom" ), TestJars.pom( groupId, artifactId,
				version, artifactId, description ) );
	}

	private Path pluginJar( final String version, final String classContent, final boolean ij1 ) throws Exception
	{
		final Map< String, byte[] > entries = TestJars.entries(
				"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Build: " + classContent + "\n",
				"META-INF/maven/org.example/fake-plugin/pom.xml", TestJars.pom( "org.example", "fake-plugin", version,
						"Fake Plugin", "Turns volumes\n    into features." ),
				"org/example/Plugin.class", classContent );
		if ( ij1 )
			entries.put( "plugins.config", "Plugins>Fake, \"Fake\", org.example.Plugin\n".getBytes(
					StandardCharsets.UTF_8 ) );
		return TestJars.write( tmp.resolve( "build/target-" + version + "-" + classContent + "/fake-plugin-" + version
				+ ".jar" ), entries );
	}

	private UpdateSiteBuilder builder( final Path plugin, final String timestamp, final String out )
	{
		return new UpdateSiteBuilder().pluginJar( plugin ).repository( repository ).platforms( PlatformMap.read(
				PLATFORMS ) ).fijiProvided( new FijiProvided( Map.of( "com.example:provided", "2.0.0" ) ) )
				.model( model ).model( modelJson ).timestamp( timestamp ).output( tmp.resolve( out ) );
	}

	private static Map< String, Plugin > byName( final List< Plugin > plugins )
	{
		return plugins.stream().collect( Collectors.toMap( Plugin::filename, Function.identity(), ( a, b ) -> a,
				LinkedHashMap::new ) );
	}

	@Test
	void everyFileOfTheSiteMatchesTheIndex() throws Exception
	{
		builder( pluginJar( "1.0.0", "v1", false ), T1, "site" ).build();
		final Map< String, Plugin > site = byName( SiteCheck.verify( tmp.resolve( "site" ) ) );

		assertEquals( new TreeSet<>( List.of( "jars/fake-plugin-1.0.0.jar", "jars/gone-0.1.0.jar", "jars/lib-1.2.0.jar",
				"jars/linux64/pytorch-native-cpu-2.7.1.jar", "jars/linux-arm64/pytorch-native-cpu-2.7.1.jar",
				"jars/macos-arm64/pytorch-native-cpu-2.7.1.jar", "jars/win64/pytorch-native-cpu-2.7.1.jar",
				"models/featurize-unet/unet16.json", "models/featurize-unet/unet16.pt" ) ), site.keySet(),
				"the plugin, the libraries Fiji lacks, a native jar per platform and the model; not com.example:provided" );
		assertEquals( List.of( "macos-arm64" ), site.get( "jars/macos-arm64/pytorch-native-cpu-2.7.1.jar" ).platforms() );

		final Plugin plugin = site.get( "jars/fake-plugin-1.0.0.jar" );
		assertEquals( "Fake Plugin: Turns volumes into features.", plugin.version().description() );
		assertEquals( List.of( "https://example.org/fake-plugin" ), plugin.version().links() );
		assertEquals( List.of( "Ada Lovelace" ), plugin.version().authors() );
		final List< Dependency > expected = new ArrayList<>();
		for ( final String name : site.keySet() )
			if ( !name.equals( plugin.filename() ) )
				expected.add( new Dependency( name, T1 ) );
		expected.add( new Dependency( "jars/provided.jar", null ) );
		assertEquals( new TreeSet<>( expected.stream().map( Dependency::toString ).toList() ), new TreeSet<>( plugin
				.version().dependencies().stream().map( Dependency::toString ).toList() ),
				"the plugin depends on every other file, and on Fiji's copy of what Fiji ships" );
		assertEquals( "a library the plugin needs (Maven: org.example:lib:1.2.0)", site.get( "jars/lib-1.2.0.jar" )
				.version().description() );
		assertEquals( List.of(), site.get( "jars/lib-1.2.0.jar" ).version().dependencies() );
		assertTrue( site.get( "models/featurize-unet/unet16.pt" ).version().description().startsWith(
				"Default model of Featurize UNet" ) );
	}

	@Test
	void anImageJ1PluginJarGoesToPlugins() throws Exception
	{
		builder( pluginJar( "1.0.0", "v1", true ), T1, "site" ).build();
		final Map< String, Plugin > site = byName( SiteCheck.verify( tmp.resolve( "site" ) ) );
		assertTrue( site.containsKey( "plugins/fake-plugin-1.0.0.jar" ) );
		assertTrue( site.keySet().stream().noneMatch( n -> n.startsWith( "jars/fake-plugin" ) ) );
	}

	@Test
	void sameInputsAndTimestampGiveTheSameSite() throws Exception
	{
		final Path plugin = pluginJar( "1.0.0", "v1", false );
		builder( plugin, T1, "a" ).build();
		builder( plugin, T1, "b" ).build();
		final Set< String > files = SiteCheck.relativeFiles( tmp.resolve( "a" ) );
		assertEquals( files, SiteCheck.relativeFiles( tmp.resolve( "b" ) ) );
		for ( final String f : files )
			assertArrayEquals( Files.readAllBytes( tmp.resolve( "a" ).resolve( f ) ), Files.readAllBytes( tmp.resolve(
					"b" ).resolve( f ) ), f );
	}

	@Test
	void earlierChecksumsAreKeptAsPreviousVersions() throws Exception
	{
		builder( pluginJar( "1.0.0", "v1", false ), T1, "site1" ).build();
		final Map< String, Plugin > one = byName( SiteCheck.verify( tmp.resolve( "site1" ) ) );

		// Release 1.1.0: new plugin code, the "gone" library dropped, the rest unchanged.
		Files.walk( repository.resolve( "org/example/gone" ) ).sorted( java.util.Comparator.reverseOrder() ).forEach(
				p -> p.toFile().delete() );
		builder( pluginJar( "1.1.0", "v2", false ), T2, "site2" ).previous( tmp.resolve( "site1/db.xml.gz" ) ).build();
		final Map< String, Plugin > two = byName( SiteCheck.verify( tmp.resolve( "site2" ) ) );

		final Plugin plugin = two.get( "jars/fake-plugin-1.1.0.jar" );
		assertEquals( T2, plugin.version().timestamp() );
		assertEquals( List.of( new PreviousVersion( "jars/fake-plugin-1.0.0.jar", T1, T2, one.get(
				"jars/fake-plugin-1.0.0.jar" ).version().checksum() ) ), plugin.previous() );
		assertTrue( !two.containsKey( "jars/fake-plugin-1.0.0.jar" ), "one record per file identity" );

		final Plugin lib = two.get( "jars/lib-1.2.0.jar" );
		assertEquals( T1, lib.version().timestamp(), "an unchanged file keeps its timestamp (and its URL)" );
		assertEquals( List.of(), lib.previous() );
		assertTrue( plugin.version().dependencies().contains( new Dependency( "jars/lib-1.2.0.jar", T1 ) ) );

		final Plugin gone = two.get( "jars/gone-0.1.0.jar" );
		assertNull( gone.version(), "a dropped file stays as an obsolete record" );
		assertEquals( List.of( new PreviousVersion( "jars/gone-0.1.0.jar", T1, T2, one.get( "jars/gone-0.1.0.jar" )
				.version().checksum() ) ), gone.previous() );

		// Release 1.2.0: the history accumulates, newest first.
		builder( pluginJar( "1.2.0", "v3", false ), T3, "site3" ).previous( tmp.resolve( "site2/db.xml.gz" ) ).build();
		final Map< String, Plugin > three = byName( SiteCheck.verify( tmp.resolve( "site3" ) ) );
		assertEquals( List.of( new PreviousVersion( "jars/fake-plugin-1.1.0.jar", T2, T3, plugin.version().checksum() ),
				new PreviousVersion( "jars/fake-plugin-1.0.0.jar", T1, T2, one.get( "jars/fake-plugin-1.0.0.jar" )
						.version().checksum() ) ), three.get( "jars/fake-plugin-1.2.0.jar" ).previous() );
		assertEquals( gone.previous(), three.get( "jars/gone-0.1.0.jar" ).previous() );
	}

	@Test
	void aRebuildWithTheSameChecksumAddsNoPreviousVersion() throws Exception
	{
		builder( pluginJar( "1.0.0", "v1", false ), T1, "site1" ).build();
		builder( pluginJar( "1.0.0", "v1", false ), T2, "site2" ).previous( tmp.resolve( "site1/db.xml.gz" ) ).build();
		final Map< String, Plugin > two = byName( SiteCheck.verify( tmp.resolve( "site2" ) ) );
		assertEquals( T1, two.get( "jars/fake-plugin-1.0.0.jar" ).version().timestamp() );
		assertTrue( two.values().stream().allMatch( p -> p.previous().isEmpty() ) );
	}

	@Test
	void whatTheUpdaterCouldNotPlaceIsRefused() throws Exception
	{
		final Path plugin = pluginJar( "1.0.0", "v1", false );
		TestJars.write( repository.resolve( "ai/djl/pytorch/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-"
				+ "osx-x86_64.jar" ), TestJars.entries( "x", "y" ) );
		SiteException e = assertThrows( SiteException.class, () -> builder( plugin, T1, "s1" ).build() );
		assertTrue( e.getMessage().startsWith( "ai.djl.pytorch:pytorch-native-cpu:2.7.1:osx-x86_64 has classifier "
				+ "osx-x86_64, which the platform list does not map to an updater platform" ), e.getMessage() );
		Files.delete( repository.resolve( "ai/djl/pytorch/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-"
				+ "osx-x86_64.jar" ) );

		library( "org.example", "lib", "1.3.0", "a second version" );
		e = assertThrows( SiteException.class, () -> builder( plugin, T1, "s2" ).build() );
		assertEquals( "jars/lib-1.2.0.jar and jars/lib-1.3.0.jar are the same file for the updater (jars/lib.jar); "
				+ "a site holds one version of a file", e.getMessage() );
	}

	@Test
	void anExistingFolderIsReplacedOnlyWhenAskedAndOnlyIfItHoldsASite() throws Exception
	{
		final Path plugin = pluginJar( "1.0.0", "v1", false );
		final Path out = Files.createDirectories( tmp.resolve( "out" ) );
		Files.writeString( out.resolve( "notes.txt" ), "keep me" );
		SiteException e = assertThrows( SiteException.class, () -> builder( plugin, T1, "out" ).build() );
		assertEquals( "Output folder " + out + " is not empty; pass --force to replace the site in it", e.getMessage() );
		e = assertThrows( SiteException.class, () -> builder( plugin, T1, "out" ).replaceOutput( true ).build() );
		assertTrue( e.getMessage().endsWith( "not replacing what does not look like an update site" ) );
		assertTrue( Files.exists( out.resolve( "notes.txt" ) ) );

		builder( plugin, T1, "site" ).build();
		builder( plugin, T2, "site" ).replaceOutput( true ).build();
		assertTrue( SiteCheck.relativeFiles( tmp.resolve( "site" ) ).stream().noneMatch( f -> f.endsWith( T1 ) ),
				"the earlier site is gone" );
		SiteCheck.verify( tmp.resolve( "site" ) );
	}

	@Test
	void timestampsMustBeRealDates() throws Exception
	{
		final Path plugin = pluginJar( "1.0.0", "v1", false );
		for ( final String bad : List.of( "2026-01-01", "20261332000000", "20260230120000", "202601011200000" ) )
			assertThrows( SiteException.class, () -> builder( plugin, bad, "s" ).build(), bad );
	}

	@Test
	void commandLineBuildsTheSiteAndReportsWhatItLeavesToFiji() throws Exception
	{
		final Path provided = Files.writeString( tmp.resolve( "provided.txt" ), "com.example:provided 1.0.0\n" );
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int status = UpdateSite.run( new PrintStream( out, true, StandardCharsets.UTF_8 ), new PrintStream( err,
				true, StandardCharsets.UTF_8 ), "--plugin-jar", pluginJar( "1.0.0", "v1", false ).toString(),
				"--repository", repository.toString(), "--platforms", PLATFORMS.toString(), "--fiji-provided", provided
						.toString(), "--model", model.toString(), "--timestamp", T1, "--out", tmp.resolve( "cli" )
								.toString() );
		assertEquals( 0, status, err.toString( StandardCharsets.UTF_8 ) );
		SiteCheck.verify( tmp.resolve( "cli" ) );
		final String report = out.toString( StandardCharsets.UTF_8 );
		assertTrue( report.contains( "jars/win64/pytorch-native-cpu-2.7.1.jar" ), report );
		assertTrue( report.contains( "com.example:provided:2.0.0" ) && report.contains(
				"Fiji ships 1.0.0 (another major version: check compatibility)" ), report );

		assertEquals( 2, UpdateSite.run( new PrintStream( out ), new PrintStream( err ), "--bogus" ) );
		assertEquals( 1, UpdateSite.run( new PrintStream( out ), new PrintStream( err ), "--plugin-jar", "missing.jar",
				"--timestamp", T1, "--out", tmp.resolve( "x" ).toString() ) );
	}

	@Test
	void theCommittedListsParseAndKeepDjlAndBloscOnTheSite()
	{
		assertEquals( Map.of( "linux-x86_64", "linux64", "linux-aarch64", "linux-arm64", "osx-aarch64",
				"macos-arm64", "win-x86_64", "win64" ), PlatformMap.read( PLATFORMS ).platformOfClassifier() );
		final Map< String, String > provided = FijiProvided.read( FIJI_PROVIDED ).fijiVersionOf();
		for ( final String key : List.of( "org.scijava:scijava-common", "net.imglib2:imglib2", "net.imagej:ij",
				"net.java.dev.jna:jna", "com.google.code.gson:gson", "com.github.ben-manes.caffeine:caffeine" ) )
			assertTrue( provided.containsKey( key ), key );
		for ( final String key : provided.keySet() )
			assertTrue( !key.startsWith( "ai.djl" ) && !key.equals( "com.scalableminds:blosc-java" ) && !key.equals(
					"net.imglib2:imglib2-imagej" ), key + " must go on the site" );
	}
}
