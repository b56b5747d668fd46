package org.featurize.unet.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.scijava.util.FileUtils;

/** The site's idea of a file's identity must be the updater's (scijava-common's stripFilenameVersion). */
class FileIdentityTest
{
	private static final String[] NAMES = {
			"jars/featurize-unet-0.1.0-SNAPSHOT.jar", "jars/featurize-unet-0.1.0.jar", "plugins/featurize-unet-1.2.jar",
			"jars/api-0.36.0.jar", "jars/pytorch-engine-0.36.0.jar", "jars/pytorch-jni-2.7.1-0.36.0.jar",
			"jars/linux64/pytorch-native-cpu-2.7.1.jar", "jars/linux-arm64/pytorch-native-cpu-2.7.1.jar",
			"jars/macos-arm64/pytorch-native-cpu-2.7.1.jar", "jars/win64/pytorch-native-cpu-2.7.1.jar",
			"jars/blosc-java-0.1-1.21.4.jar", "jars/imglib2-imagej-0.1.0.jar", "jars/imglib2-8.0.0.jar",
			"jars/caffeine-3.1.8.jar", "jars/zstd-jni-1.5.7-4.jar", "jars/gson-2.10.1.jar", "jars/jna-5.14.0.jar",
			"jars/commons-compress-1.28.0.jar", "jars/error_prone_annotations-2.41.0.jar", "jars/ij-1.54p.jar",
			"jars/guava-33.3.1-jre.jar", "jars/scijava-common-2.100.1.jar", "jars/lib-1.2.0.jar",
			"jars/fake-plugin-1.0.0.jar", "jars/foo-20260101.jar", "jars/foo-1.jar", "jars/foo.jar",
			"models/featurize-unet/unet16.pt", "models/featurize-unet/unet16.json", "jars/bio-formats/formats-api-8.1.1.jar" };

	@Test
	void identityIsTheUpdatersVersionlessName()
	{
		for ( final String name : NAMES )
			assertEquals( FileUtils.stripFilenameVersion( name ), FileIdentity.of( name ), name );
		assertEquals( "jars/linux64/pytorch-native-cpu.jar", FileIdentity.of( "jars/linux64/pytorch-native-cpu-2.7.1.jar" ) );
		assertEquals( "models/featurize-unet/unet16.pt", FileIdentity.of( "models/featurize-unet/unet16.pt" ) );
	}
}
