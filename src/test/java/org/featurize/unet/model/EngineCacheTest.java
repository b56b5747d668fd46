package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.featurize.unet.testutil.External;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL unpacks libtorch into its cache folder on first use. A folder that cannot take it (here a path under a
 * regular file; on a cluster, a read-only or full home) must be our error naming the folder, the reason and the
 * way to choose another, not the bare path DJL's exception carries.
 */
class EngineCacheTest
{
	@TempDir
	Path dir;

	@Test
	void aCacheFolderThatCannotTakeLibtorchIsNamedInTheError() throws IOException
	{
		final Path cache = Files.writeString( dir.resolve( "not-a-folder" ), "a file" ).resolve( "cache" );
		final String java = Path.of( System.getProperty( "java.home" ), "bin", "java" ).toString();
		final String out = External.run( List.of( java, "-DENGINE_CACHE_DIR=" + cache, "-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR",
				"-cp", System.getProperty( "java.class.path" ), EngineStartProbe.class.getName() ), null, Duration.ofMinutes( 2 ) ).strip();
		final String line = out.lines().reduce( ( a, b ) -> b ).orElse( "" );
		assertTrue( line.startsWith( "ModelException: Cannot start DJL's PyTorch engine: its native library could not be unpacked into DJL's cache folder "
				+ cache.resolve( "pytorch" ) + " (" ), out );
		assertTrue( line.contains( "-DENGINE_CACHE_DIR=DIR" ) && line.contains( "environment variable ENGINE_CACHE_DIR" ), out );
		// the same engine starts with DJL's usual folder (which the rest of the suite fills anyway)
		final String fine = External.run( List.of( java, "-Dai.djl.offline=true",
				"-Dslf4j.internal.verbosity=ERROR", "-cp", System.getProperty( "java.class.path" ), EngineStartProbe.class.getName() ), null,
				Duration.ofMinutes( 2 ) ).strip();
		assertEquals( "started", fine.lines().reduce( ( a, b ) -> b ).orElse( "" ), fine );
	}
}
