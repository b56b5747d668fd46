/**
 * Assembles an ImageJ update site (the folder a Fiji user adds under <i>Help &gt; Update... &gt; Manage Update
 * Sites</i>) from a Maven build: the plugin jar, the runtime dependencies Fiji does not ship, the native
 * PyTorch jars of every platform in the updater's platform folders, the default model, and the
 * {@code db.xml.gz} index with the updater's checksums, timestamps, platforms and dependencies.
 * <p>
 * A build tool, not part of the plugin at run time: it uses only the JDK and no other package of this
 * project, so that {@code fiji-update-site/build-site.sh} can compile and run it on its own while the rest
 * of the code is in flux. The format follows imagej-updater ({@code XMLFileWriter}, {@code XMLFileReader},
 * {@code UpdaterUtil.getDigest}); see {@code fiji-update-site/README.md}.
 */
package org.featurize.unet.site;
