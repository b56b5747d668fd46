package org.featurize.unet.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The order of cells: every cell once, plane by plane, and the cells of one tile in one group. */
class CellOrderTest
{
	@Test
	void everyCellOnceAndTheCellsOfATileTogether()
	{
		final int[][] shapes = { { 100, 70 }, { 1024, 1024 }, { 37, 5 } };
		final int[] sizes = { 1, 7, 16, 32, 50, 100, 1024 };
		for ( final int[] plane : shapes )
			for ( final int cell : sizes )
				for ( final int tile : sizes )
				{
					final int cw = Math.min( cell, plane[ 0 ] ), ch = Math.min( cell, plane[ 1 ] );
					final int tw = Math.min( tile, plane[ 0 ] ), th = Math.min( tile, plane[ 1 ] );
					final CellOrder order = new CellOrder( plane[ 0 ], plane[ 1 ], cw, ch, tw, th, 3 );
					final long ncx = ( plane[ 0 ] + cw - 1 ) / cw, ncy = ( plane[ 1 ] + ch - 1 ) / ch;
					assertEquals( ncx * ncy * 3, order.cells() );
					final boolean[] seen = new boolean[ ( int ) order.cells() ];
					long position = 0;
					for ( long g = 0; g < order.groups(); g++ )
					{
						final long[] range = order.group( g );
						assertEquals( position, range[ 0 ] );
						assertTrue( range[ 1 ] > range[ 0 ], plane[ 0 ] + " x " + plane[ 1 ] + " cell " + cell + " tile " + tile + " group " + g );
						for ( long k = range[ 0 ]; k < range[ 1 ]; k++ )
						{
							final long c = order.cell( k );
							assertTrue( !seen[ ( int ) c ], "cell " + c + " twice" );
							seen[ ( int ) c ] = true;
							assertEquals( k / ( ncx * ncy ), c / ( ncx * ncy ), "planes in order" );
							if ( tile >= cell && tile % cell == 0 ) // cells nested in tiles: a group is within one tile
							{
								final long first = order.cell( range[ 0 ] ) % ( ncx * ncy );
								final long local = c % ( ncx * ncy );
								assertEquals( first % ncx * cw / tw, local % ncx * cw / tw );
								assertEquals( first / ncx * ch / th, local / ncx * ch / th );
							}
						}
						position = range[ 1 ];
					}
					assertEquals( order.cells(), position );
				}
	}
}
