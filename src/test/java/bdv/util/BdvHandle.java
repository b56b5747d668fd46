package bdv.util;

import bdv.viewer.ViewerPanel;

/** Stand-in for BigDataViewer's handle of a viewer window. */
public class BdvHandle
{
	private final ViewerPanel viewer = new ViewerPanel();

	public ViewerPanel getViewerPanel()
	{
		return viewer;
	}
}
