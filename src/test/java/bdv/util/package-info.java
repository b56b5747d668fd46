/**
 * A test-scope stand-in for BigDataViewer's {@code bdv.util} entry points, with the signatures the plugin
 * calls by reflection ({@code BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions)},
 * {@code Bdv.options()}, {@code BdvOptions.axisOrder/is2D/frameTitle}, {@code BdvStackSource.getBdvHandle()},
 * {@code getConverterSetups()}, {@code getSources()}): it records what it is asked to show instead of opening a
 * window, and its viewer panel ({@code bdv.viewer.ViewerPanel}) paints the active sources into an image on request.
 * BigDataViewer itself is not on Maven Central.
 */
package bdv.util;
