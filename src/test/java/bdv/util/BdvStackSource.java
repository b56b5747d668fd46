package bdv.util;

import java.util.ArrayList;
import java.util.List;

import bdv.tools.brightness.ConverterSetup;
import bdv.tools.brightness.RealARGBColorConverterSetup;
import bdv.viewer.SourceAndConverter;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.view.Views;

/**
 * Stand-in for what BigDataViewer returns from show: remembers the image, name and options, and, as BigDataViewer,
 * makes one source with its own converter setup per channel of the options' axis order (none: one source), added
 * active to its viewer's state.
 */
public class BdvStackSource< T > implements Bdv
{
	public final RandomAccessibleInterval< T > image;

	public final String name;

	public final BdvOptions options;

	private final BdvHandle handle = new BdvHandle();

	private final List< ConverterSetup > converterSetups = new ArrayList<>();

	private final List< SourceAndConverter< T > > sources = new ArrayList<>();

	BdvStackSource( final RandomAccessibleInterval< T > image, final String name, final BdvOptions options )
	{
		this.image = image;
		this.name = name;
		this.options = options;
		final String order = options.axisOrder.name();
		final int channelAxis = order.indexOf( 'C' );
		final long channels = channelAxis < 0 ? 1 : image.dimension( channelAxis );
		for ( long c = 0; c < channels; c++ )
		{
			final ConverterSetup setup = new RealARGBColorConverterSetup();
			converterSetups.add( setup );
			sources.add( new SourceAndConverter<>( channelAxis < 0 ? image : Views.hyperSlice( image, channelAxis, c ), setup ) );
		}
		handle.getViewerPanel().heldState().addSources( sources );
	}

	@Override
	public BdvHandle getBdvHandle()
	{
		return handle;
	}

	public List< ConverterSetup > getConverterSetups()
	{
		return converterSetups;
	}

	public List< SourceAndConverter< T > > getSources()
	{
		return sources;
	}
}
