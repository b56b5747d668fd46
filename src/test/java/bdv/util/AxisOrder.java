package bdv.util;

/** Stand-in for BigDataViewer's enum of the same name. */
public enum AxisOrder
{
	XYZ, XYZC, XYZT, XYZCT, XYZTC, XY, XYC, XYT, XYCT, XYTC, DEFAULT
}
