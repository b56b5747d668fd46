package bdv.util;

import net.imglib2.RandomAccessibleInterval;

/** Stand-in for what BigDataViewer returns from show: remembers the image, name and options. */
public class BdvStackSource< T > implements Bdv
{
	public final RandomAccessibleInterval< T > image;

	public final String name;

	public final BdvOptions options;

	private final BdvHandle handle = new BdvHandle();

	BdvStackSource( final RandomAccessibleInterval< T > image, final String name, final BdvOptions options )
	{
		this.image = image;
		this.name = name;
		this.options = options;
	}

	@Override
	public BdvHandle getBdvHandle()
	{
		return handle;
	}
}
