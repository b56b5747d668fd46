package bdv.util;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.imglib2.RandomAccessibleInterval;

/** Stand-in for BigDataViewer's static entry point: records each show instead of opening a window. */
public class BdvFunctions
{
	public static final List< BdvStackSource< ? > > SHOWN = new CopyOnWriteArrayList<>();

	public static < T > BdvStackSource< T > show( final RandomAccessibleInterval< T > img, final String name, final BdvOptions options )
	{
		final BdvStackSource< T > source = new BdvStackSource<>( img, name, options );
		SHOWN.add( source );
		return source;
	}
}
