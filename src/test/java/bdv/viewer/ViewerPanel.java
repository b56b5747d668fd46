package bdv.viewer;

import java.util.concurrent.atomic.AtomicInteger;

/** Stand-in for BigDataViewer's viewer panel: counts repaint requests. */
public class ViewerPanel
{
	public final AtomicInteger repaints = new AtomicInteger();

	public void requestRepaint()
	{
		repaints.incrementAndGet();
	}
}
