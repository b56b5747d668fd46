package bdv.tools.brightness;

import net.imglib2.type.numeric.ARGBType;

/** Stand-in for BigDataViewer's interface of the same name: the range and colour that map a source's values to the screen. */
public interface ConverterSetup
{
	void setDisplayRange( double min, double max );

	void setColor( ARGBType color );

	double getDisplayRangeMin();

	double getDisplayRangeMax();

	ARGBType getColor();
}
