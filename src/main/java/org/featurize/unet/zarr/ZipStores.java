package org.featurize.unet.zarr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Zarr hierarchies stored in a zip file, read in place: Python zarr's {@code ZipStore} and zipped OME-Zarr
 * ({@code .ozx}, {@code .zarr.zip}) keep the hierarchy's root at the zip's root; a folder zipped whole keeps it in
 * its one top-level folder. The zip is opened once per process as a read-only file system (the JDK's zip file system),
 * and the hierarchy is read through it as from a folder: chunks are read from the zip, nothing is unpacked.
 */
public final class ZipStores
{
	private static final Map< Path, Path > ROOTS = new ConcurrentHashMap<>();

	private ZipStores()
	{
		// static utility
	}

	/** Whether {@code path} is a zip file (a regular file that starts with a zip signature). */
	public static boolean isZip( final Path path )
	{
		if ( !Files.isRegularFile( path ) )
			return false;
		try ( InputStream in = Files.newInputStream( path ) )
		{
			final byte[] magic = in.readNBytes( 4 );
			return magic.length == 4 && magic[ 0 ] == 'P' && magic[ 1 ] == 'K' && ( magic[ 2 ] == 3 && magic[ 3 ] == 4 || magic[ 2 ] == 5 && magic[ 3 ] == 6 );
		}
		catch ( final IOException e )
		{
			return false;
		}
	}

	/**
	 * The root of the Zarr hierarchy that {@code path} holds: {@code path} itself where it is no zip file, else the
	 * zip's root, or its one top-level folder where the root holds no Zarr metadata.
	 *
	 * @throws ZarrNotFoundException if the zip cannot be opened or holds no Zarr hierarchy
	 */
	public static Path root( final Path path )
	{
		if ( !isZip( path ) )
			return path;
		return ROOTS.computeIfAbsent( path.toAbsolutePath().normalize(), ZipStores::mount );
	}

	private static Path mount( final Path zip )
	{
		final FileSystem fs;
		try
		{
			fs = FileSystems.newFileSystem( zip, Map.of() );
		}
		catch ( final IOException | RuntimeException e )
		{
			throw new ZarrNotFoundException( "Cannot read the zip file " + zip + " as a Zarr store: " + e.getMessage() );
		}
		final Path top = fs.getRootDirectories().iterator().next();
		if ( isNode( top ) )
			return top;
		try ( Stream< Path > entries = Files.list( top ) )
		{
			final List< Path > folders = entries.filter( Files::isDirectory ).toList();
			if ( folders.size() == 1 && isNode( folders.get( 0 ) ) )
				return folders.get( 0 );
		}
		catch ( final IOException e )
		{
			throw new ZarrNotFoundException( "Cannot list the zip file " + zip + ": " + e.getMessage() );
		}
		throw new ZarrNotFoundException( "No Zarr hierarchy in the zip file " + zip + ": expected .zarray, .zgroup or zarr.json at its root "
				+ "(as Python zarr's ZipStore and zipped OME-Zarr keep them) or in its one top-level folder" );
	}

	private static boolean isNode( final Path dir )
	{
		return Files.exists( dir.resolve( MetadataV2.ARRAY ) ) || Files.exists( dir.resolve( MetadataV2.GROUP ) )
				|| Files.exists( dir.resolve( MetadataV3.FILE ) );
	}
}
