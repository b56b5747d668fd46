package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * build-site.sh compiles this package on its own with javac, so it may import only the JDK: no other
 * package of the project, no third-party library.
 */
class SitePackageIsolationTest
{
	@Test
	void importsOnlyTheJdk() throws Exception
	{
		final List< String > allowed = List.of( "java.", "javax.xml.", "org.w3c.dom.", "org.xml.sax.",
				"org.featurize.unet.site." );
		try ( Stream< Path > files = Files.list( Path.of( "src/main/java/org/featurize/unet/site" ) ) )
		{
			for ( final Path file : files.toList() )
				for ( final String line : Files.readAllLines( file ) )
					if ( line.startsWith( "import " ) )
					{
						final String name = line.replaceFirst( "import (static )?", "" );
						assertTrue( allowed.stream().anyMatch( name::startsWith ), file.getFileName() + ": " + line );
					}
		}
	}
}
