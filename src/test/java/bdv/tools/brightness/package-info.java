/**
 * A test-scope stand-in for BigDataViewer's {@code bdv.tools.brightness.ConverterSetup}, with the methods the plugin
 * calls by reflection ({@code setDisplayRange(double, double)}, {@code setColor(ARGBType)}) and the getters tests read.
 */
package bdv.tools.brightness;
