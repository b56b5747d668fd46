/**
 * A test-scope stand-in for BigDataViewer's {@code bdv.viewer} types the plugin reaches by reflection:
 * {@code ViewerPanel.requestRepaint()} and {@code state()}, {@code SynchronizedViewerState.setSourceActive(SourceAndConverter,
 * boolean)}, and {@code SourceAndConverter}; the panel also paints its active sources into an image, for tests and
 * pictures.
 */
package bdv.viewer;
