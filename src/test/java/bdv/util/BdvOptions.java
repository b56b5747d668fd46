package bdv.util;

/** Stand-in for BigDataViewer's options builder: records the options set. */
public class BdvOptions
{
	public AxisOrder axisOrder = AxisOrder.DEFAULT;

	public boolean is2D;

	public String frameTitle;

	public BdvOptions axisOrder( final AxisOrder order )
	{
		this.axisOrder = order;
		return this;
	}

	public BdvOptions is2D()
	{
		this.is2D = true;
		return this;
	}

	public BdvOptions frameTitle( final String title )
	{
		this.frameTitle = title;
		return this;
	}
}
