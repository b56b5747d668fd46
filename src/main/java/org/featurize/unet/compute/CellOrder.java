package org.featurize.unet.compute;

/**
 * The order in which the cells (output chunks) of a feature image are computed: plane by plane, and within a plane
 * by groups of the cells that share compute tiles, so that a tile covering several chunks is computed once for all of
 * them while it is at hand. A group is the block of cells whose first pixel lies in one block of
 * {@code max(tile, cell)} pixels per axis: one cell when tiles nest in cells, the cells of one tile when cells nest in
 * tiles. Pure arithmetic over the cell grid's flat indices (x fastest, then y, then the planes).
 */
final class CellOrder
{
	private final long cellsPerPlane, planes;

	private final int[] local;

	private final int[] groupStart;

	CellOrder( final long width, final long height, final int cellWidth, final int cellHeight, final int tileWidth, final int tileHeight,
			final long planes )
	{
		final long ncx = ( width + cellWidth - 1 ) / cellWidth, ncy = ( height + cellHeight - 1 ) / cellHeight;
		if ( ncx * ncy > Integer.MAX_VALUE / 2 )
			throw new IllegalArgumentException( "Too many cells in one plane: " + ncx + " x " + ncy );
		this.cellsPerPlane = ncx * ncy;
		this.planes = planes;
		final long gsx = Math.max( tileWidth, cellWidth ), gsy = Math.max( tileHeight, cellHeight );
		final long ngx = ( ncx - 1 ) * cellWidth / gsx + 1, ngy = ( ncy - 1 ) * cellHeight / gsy + 1; // groups that hold a cell's first pixel
		this.local = new int[ ( int ) cellsPerPlane ];
		this.groupStart = new int[ ( int ) ( ngx * ngy + 1 ) ];
		int i = 0, g = 0;
		for ( long gy = 0; gy < ngy; gy++ )
			for ( long gx = 0; gx < ngx; gx++ )
			{
				groupStart[ g++ ] = i;
				for ( long cy = first( gy, gsy, cellHeight ); cy < Math.min( ncy, first( gy + 1, gsy, cellHeight ) ); cy++ )
					for ( long cx = first( gx, gsx, cellWidth ); cx < Math.min( ncx, first( gx + 1, gsx, cellWidth ) ); cx++ )
						local[ i++ ] = ( int ) ( cy * ncx + cx );
			}
		groupStart[ g ] = i;
		if ( i != cellsPerPlane )
			throw new IllegalStateException( "Cell order covers " + i + " of " + cellsPerPlane + " cells" );
	}

	/** The first cell whose first pixel is in group {@code g}: ceil(g * groupSize / cellSize). */
	private static long first( final long g, final long groupSize, final long cellSize )
	{
		return ( g * groupSize + cellSize - 1 ) / cellSize;
	}

	long cells()
	{
		return cellsPerPlane * planes;
	}

	/** The flat index of the {@code i}-th cell in this order. */
	long cell( final long i )
	{
		return i / cellsPerPlane * cellsPerPlane + local[ ( int ) ( i % cellsPerPlane ) ];
	}

	long groups()
	{
		return ( groupStart.length - 1 ) * planes;
	}

	/** The order's positions {@code [from, to)} of group {@code g}'s cells. */
	long[] group( final long g )
	{
		final int perPlane = groupStart.length - 1;
		final long base = g / perPlane * cellsPerPlane;
		final int k = ( int ) ( g % perPlane );
		return new long[] { base + groupStart[ k ], base + groupStart[ k + 1 ] };
	}
}
