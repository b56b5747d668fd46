package bdv.viewer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Stand-in for BigDataViewer's viewer state (BigDataViewer 10 and later): the sources, and which are active. */
public class SynchronizedViewerState
{
	private final List< SourceAndConverter< ? > > sources = new ArrayList<>();

	private final Set< SourceAndConverter< ? > > active = new HashSet<>();

	public synchronized boolean addSources( final Collection< ? extends SourceAndConverter< ? > > collection )
	{
		sources.addAll( collection );
		return active.addAll( collection );
	}

	public synchronized List< SourceAndConverter< ? > > getSources()
	{
		return new ArrayList<>( sources );
	}

	public synchronized boolean isSourceActive( final SourceAndConverter< ? > source )
	{
		if ( !sources.contains( source ) )
			throw new IllegalArgumentException( "Not a source of this state" );
		return active.contains( source );
	}

	public synchronized boolean setSourceActive( final SourceAndConverter< ? > source, final boolean isActive )
	{
		if ( !sources.contains( source ) )
			throw new IllegalArgumentException( "Not a source of this state" );
		return isActive ? active.add( source ) : active.remove( source );
	}
}
