package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders that something is unpacked into on first use: DJL's cache (libtorch, about 0.5 GB) and the temporary folder
 * (the shipped model). One that cannot take it (here a path under a regular file; on a cluster, a read-only or full
 * home) must be our error naming the folder, the system's reason and the way to choose another, not the bare path the
 * I/O exception carries. Each case runs in a JVM of its own.
 */
class UnpackFoldersTest
{
	@TempDir
	Path dir;

	@Test
	void aCacheFolderThatCannotTakeLibtorchIsNamedInTheError() throws IOException
	{
		final Path cache = notAFolder().resolve( "cache" );
		final String line = probe( "engine", "-DENGINE_CACHE_DIR=" + cache );
		assertTrue( line.startsWith( "ModelException: Cannot start DJL's PyTorch engine: its native library could not be unpacked into DJL's cache folder "
				+ cache.resolve( "pytorch" ) + " (" ), line );
		assertTrue( line.contains( "-DENGINE_CACHE_DIR=DIR" ) && line.contains( "environment variable ENGINE_CACHE_DIR" ), line );
		// the same engine starts with DJL's usual folder (which the rest of the suite fills anyway)
		assertEquals( "ok", probe( "engine" ) );
	}

	@Test
	void aTemporaryFolderThatCannotTakeTheDefaultModelIsNamedInTheError() throws IOException
	{
		final Path tmp = notAFolder().resolve( "tmp" );
		final String line = probe( "default-model", "-Djava.io.tmpdir=" + tmp );
		assertTrue( line.startsWith( "ModelException: Cannot extract the default model to " + tmp.resolve( "featurize-unet-" ) ), line );
		assertTrue( line.contains( "Exception: " ) && line.contains( "the temporary folder " + tmp + " (java.io.tmpdir) must be writable" )
				&& line.contains( "JAVA_OPTS=-Djava.io.tmpdir=DIR" ) && line.contains( "give a model file" ), line );
		assertEquals( "ok", probe( "default-model", "-Djava.io.tmpdir=" + Files.createDirectories( dir.resolve( "usable" ) ) ) );
	}

	private Path notAFolder() throws IOException
	{
		return Files.writeString( dir.resolve( "not-a-folder" ), "a file" );
	}

	/** The probe's last line. */
	private static String probe( final String what, final String... options )
	{
		final List< String > jvm = new ArrayList<>( List.of( "-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR" ) );
		jvm.addAll( List.of( options ) );
		final String out = External.run( External.javaCommand( jvm, UnpackProbe.class, what ), null, Duration.ofMinutes( 2 ) ).strip();
		return out.lines().reduce( ( a, b ) -> b ).orElse( "" );
	}
}
