package org.featurize.unet.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.featurize.unet.site.SiteDatabase.Dependency;
import org.featurize.unet.site.SiteDatabase.Plugin;
import org.featurize.unet.site.SiteDatabase.PreviousVersion;
import org.featurize.unet.site.SiteDatabase.Version;

/**
 * Lays out an update site in a folder: every file at {@code <folder>/<filename>-<timestamp>} and the index
 * {@code db.xml.gz}. The plugin jar goes to {@code plugins/} when it has a {@code plugins.config} (an ImageJ 1
 * plugin), else to {@code jars/} (the pom-scijava rule); Maven dependencies go to {@code jars/}, except those
 * Fiji ships; classified native jars go to {@code jars/<platform>/} without their classifier; model files
 * go to the model folder. The plugin jar depends on every other file, so that installing it installs them
 * (the updater skips dependencies of other platforms).
 * <p>
 * With an earlier index ({@link #previous}), a file whose checksum, name and size did not change keeps its
 * timestamp, a changed file's earlier checksum is kept as a {@code previous-version}, and a file the build
 * no longer has stays in the index without a version (obsolete), so that installed copies are recognized.
 * The output is a function of the inputs and the timestamp.
 */
public final class UpdateSiteBuilder
{
	static final DateTimeFormatter TIMESTAMP =
			DateTimeFormatter.ofPattern( "uuuuMMddHHmmss" ).withResolverStyle( ResolverStyle.STRICT );

	/** A file planned for the site, before the index is merged with an earlier one. */
	public record SiteFile( String filename, Path source, List< String > platforms, String description,
			List< String > links, List< String > authors )
	{}

	/** What was built: the index records, the files written, and the dependencies left to Fiji. */
	public record Result( List< Plugin > records, List< SiteFile > files, List< MavenArtifact > assumedInFiji,
			FijiProvided fijiProvided, String pluginFilename )
	{}

	private Path pluginJar;

	private Path repository;

	private PlatformMap platforms = new PlatformMap( Map.of() );

	private FijiProvided fijiProvided = FijiProvided.none();

	private final List< Path > models = new ArrayList<>();

	private String modelFolder = "models/featurize-unet";

	private String timestamp;

	private Path previous;

	private Path output;

	private boolean replaceOutput;

	/** Required: the plugin's jar, with its POM inside (for the description shown by the updater). */
	public UpdateSiteBuilder pluginJar( final Path jar )
	{
		this.pluginJar = jar;
		return this;
	}

	/** The runtime dependencies and native jars, in the Maven repository layout. */
	public UpdateSiteBuilder repository( final Path folder )
	{
		this.repository = folder;
		return this;
	}

	public UpdateSiteBuilder platforms( final PlatformMap map )
	{
		this.platforms = map;
		return this;
	}

	public UpdateSiteBuilder fijiProvided( final FijiProvided list )
	{
		this.fijiProvided = list;
		return this;
	}

	/** A model file to ship in the model folder. */
	public UpdateSiteBuilder model( final Path file )
	{
		this.models.add( file );
		return this;
	}

	/** Where models go in the Fiji folder; default {@code models/featurize-unet}. */
	public UpdateSiteBuilder modelFolder( final String folder )
	{
		this.modelFolder = folder.replaceAll( "/+$", "" );
		return this;
	}

	/** Required: the timestamp of this upload, {@code yyyyMMddHHmmss}. */
	public UpdateSiteBuilder timestamp( final String yyyyMMddHHmmss )
	{
		this.timestamp = yyyyMMddHHmmss;
		return this;
	}

	/** The {@code db.xml.gz} of the site as it is online now, to keep its history. */
	public UpdateSiteBuilder previous( final Path dbXmlGz )
	{
		this.previous = dbXmlGz;
		return this;
	}

	/** Required: the folder to write the site to; it must be empty or absent unless {@link #replaceOutput}. */
	public UpdateSiteBuilder output( final Path folder )
	{
		this.output = folder;
		return this;
	}

	/** Empties an output folder that holds an earlier site (one with a {@code db.xml.gz}) first. */
	public UpdateSiteBuilder replaceOutput( final boolean replace )
	{
		this.replaceOutput = replace;
		return this;
	}

	public Result build()
	{
		if ( pluginJar == null || !Files.isRegularFile( pluginJar ) )
			throw new SiteException( "No plugin jar at " + pluginJar );
		if ( output == null )
			throw new SiteException( "No output folder given" );
		checkTimestamp( timestamp );

		final List< SiteFile > files = new ArrayList<>();
		final List< MavenArtifact > assumed = new ArrayList<>();
		final SiteFile plugin = pluginFile();
		files.add( plugin );
		if ( repository != null )
			for ( final MavenArtifact a : MavenArtifact.scan( repository ) )
				if ( fijiProvided.contains( a ) )
					assumed.add( a );
				else
					files.add( dependencyFile( a ) );
		for ( final Path model : models )
			files.add( modelFile( model ) );
		files.sort( Comparator.comparing( SiteFile::filename ) );
		checkIdentities( files );

		final List< Plugin > records = records( files, plugin, assumed );
		SiteFolder.write( output, replaceOutput, files, records );
		return new Result( records, List.copyOf( files ), List.copyOf( assumed ), fijiProvided, plugin.filename() );
	}

	private SiteFile pluginFile()
	{
		final boolean ij1Plugin;
		try ( JarFile jar = new JarFile( pluginJar.toFile(), false ) )
		{
			ij1Plugin = jar.getEntry( "plugins.config" ) != null;
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read the plugin jar " + pluginJar, e );
		}
		final PomInfo pom = PomInfo.onlyPomOf( pluginJar );
		final String name = pom.name() != null ? pom.name() : pom.artifactId();
		final String description = pom.description() != null ? name + ": " + pom.description() : name;
		return new SiteFile( ( ij1Plugin ? "plugins/" : "jars/" ) + pluginJar.getFileName(), pluginJar, List.of(),
				description, urls( pom ), pom.developers() );
	}

	private SiteFile dependencyFile( final MavenArtifact a )
	{
		final String filename;
		final List< String > platform;
		if ( a.classifier().isEmpty() )
		{
			filename = "jars/" + a.jar().getFileName();
			platform = List.of();
		}
		else
		{
			final String p = platforms.platformOf( a.classifier() );
			if ( p == null )
				throw new SiteException( String.format( "%s has classifier %s, which the platform list does not map "
						+ "to an updater platform (known: %s)", a.coordinates(), a.classifier(),
						platforms.platformOfClassifier().keySet() ) );
			filename = "jars/" + p + "/" + a.unclassifiedName();
			platform = List.of( p );
		}
		final PomInfo pom = a.pom();
		String text = pom != null && pom.description() != null ? pom.description()
				: pom != null && pom.name() != null ? pom.name() : a.artifactId();
		text += " (Maven: " + a.coordinates() + ")";
		return new SiteFile( filename, a.jar(), platform, text, urls( pom ),
				pom == null ? List.of() : pom.developers() );
	}

	private SiteFile modelFile( final Path model )
	{
		if ( !Files.isRegularFile( model ) )
			throw new SiteException( "No model file at " + model );
		final String name = model.getFileName().toString();
		return new SiteFile( modelFolder + "/" + name, model, List.of(),
				"Default model of Featurize UNet (" + name + ")", List.of(), List.of() );
	}

	private static List< String > urls( final PomInfo pom )
	{
		return pom == null || pom.url() == null ? List.of() : List.of( pom.url() );
	}

	private static void checkIdentities( final List< SiteFile > files )
	{
		final Map< String, String > seen = new LinkedHashMap<>();
		for ( final SiteFile f : files )
		{
			final String other = seen.put( FileIdentity.of( f.filename() ), f.filename() );
			if ( other != null )
				throw new SiteException( String.format( "%s and %s are the same file for the updater (%s); a site "
						+ "holds one version of a file", other, f.filename(), FileIdentity.of( f.filename() ) ) );
		}
	}

	private List< Plugin > records( final List< SiteFile > files, final SiteFile plugin,
			final List< MavenArtifact > assumed )
	{
		final Map< String, Plugin > earlier = new LinkedHashMap<>();
		if ( previous != null )
			for ( final Plugin p : SiteDatabase.read( previous ) )
				earlier.put( FileIdentity.of( p.filename() ), p );

		// Checksums, sizes and timestamps first: the plugin's dependencies name the others' timestamps.
		final Map< SiteFile, Version > versions = new LinkedHashMap<>();
		final Map< SiteFile, List< PreviousVersion > > histories = new LinkedHashMap<>();
		for ( final SiteFile f : files )
		{
			final String checksum = UpdaterChecksum.of( f.filename(), f.source() );
			final long size = size( f.source() );
			final Plugin before = earlier.remove( FileIdentity.of( f.filename() ) );
			final List< PreviousVersion > history = new ArrayList<>();
			String stamp = timestamp;
			if ( before != null )
			{
				final Version v = before.version();
				if ( v != null && v.checksum().equals( checksum ) && v.filesize() == size
						&& before.filename().equals( f.filename() ) )
					stamp = v.timestamp();
				else if ( v != null && !v.checksum().equals( checksum ) )
					history.add( new PreviousVersion( before.filename(), v.timestamp(), timestamp, v.checksum() ) );
				for ( final PreviousVersion pv : before.previous() )
					if ( !pv.checksum().equals( checksum ) && history.stream().noneMatch( h -> h.checksum().equals( pv
							.checksum() ) ) )
						history.add( pv );
			}
			versions.put( f, new Version( checksum, stamp, size, f.description(), List.of(), f.links(), f.authors() ) );
			histories.put( f, history );
		}

		final List< Dependency > dependencies = new ArrayList<>();
		for ( final SiteFile f : files )
			if ( f != plugin )
				dependencies.add( new Dependency( f.filename(), versions.get( f ).timestamp() ) );
		for ( final MavenArtifact a : assumed )
			dependencies.add( new Dependency( "jars/" + a.artifactId() + ".jar", null ) );
		dependencies.sort( Comparator.comparing( Dependency::filename ) );

		final List< Plugin > records = new ArrayList<>();
		for ( final SiteFile f : files )
		{
			Version v = versions.get( f );
			if ( f == plugin )
				v = new Version( v.checksum(), v.timestamp(), v.filesize(), v.description(), dependencies, v.links(),
						v.authors() );
			records.add( new Plugin( f.filename(), f.platforms(), List.of(), v, histories.get( f ) ) );
		}
		for ( final Plugin gone : earlier.values() )
			records.add( obsolete( gone ) );
		records.sort( Comparator.comparing( Plugin::filename ) );
		return records;
	}

	/** A file the build no longer ships: no version, its last version added to its history. */
	private Plugin obsolete( final Plugin gone )
	{
		final List< PreviousVersion > history = new ArrayList<>();
		final Version v = gone.version();
		if ( v != null )
			history.add( new PreviousVersion( gone.filename(), v.timestamp(), timestamp, v.checksum() ) );
		history.addAll( gone.previous() );
		return new Plugin( gone.filename(), gone.platforms(), gone.categories(), null, history );
	}

	private static long size( final Path file )
	{
		try
		{
			return Files.size( file );
		}
		catch ( final IOException e )
		{
			throw new SiteException( "Cannot read the size of " + file, e );
		}
	}

	/** Refuses anything but a real date and time written {@code yyyyMMddHHmmss}. */
	static void checkTimestamp( final String timestamp )
	{
		if ( timestamp == null || !timestamp.matches( "\\d{14}" ) )
			throw new SiteException( "Timestamp must be yyyyMMddHHmmss (14 digits), got " + timestamp );
		try
		{
			LocalDateTime.parse( timestamp, TIMESTAMP );
		}
		catch ( final DateTimeParseException e )
		{
			throw new SiteException( "Timestamp " + timestamp + " is not a valid date and time", e );
		}
	}
}
