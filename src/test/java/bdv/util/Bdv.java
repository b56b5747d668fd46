package bdv.util;

/** Stand-in for BigDataViewer's interface of the same name. */
public interface Bdv
{
	BdvHandle getBdvHandle();

	static BdvOptions options()
	{
		return new BdvOptions();
	}
}
