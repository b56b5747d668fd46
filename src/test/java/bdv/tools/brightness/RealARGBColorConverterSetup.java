package bdv.tools.brightness;

import net.imglib2.type.numeric.ARGBType;

/**
 * Stand-in for BigDataViewer's converter setup of a real-valued source: starts, as BigDataViewer's does for such a
 * source, white over 0..65535; counts the changes of range.
 */
public class RealARGBColorConverterSetup implements ConverterSetup
{
	private volatile double min = 0, max = 65535;

	private volatile ARGBType color = new ARGBType( 0xffffffff );

	public volatile int rangeChanges;

	@Override
	public synchronized void setDisplayRange( final double min, final double max )
	{
		this.min = min;
		this.max = max;
		rangeChanges++;
	}

	@Override
	public void setColor( final ARGBType color )
	{
		this.color = color.copy();
	}

	@Override
	public double getDisplayRangeMin()
	{
		return min;
	}

	@Override
	public double getDisplayRangeMax()
	{
		return max;
	}

	@Override
	public ARGBType getColor()
	{
		return color.copy();
	}

	/** The screen value in [0, 1] of source value {@code v}: 0 at the range's min, 1 at its max, clamped. */
	public synchronized double scale( final double v )
	{
		return Math.max( 0, Math.min( 1, ( v - min ) / ( max - min ) ) );
	}
}
