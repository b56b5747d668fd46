package org.featurize.unet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.model.FeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * A chunk encoded where the engine holds the model's result is byte for byte what the Zarr layer stores of the
 * chunk's values rounded by {@link StoredValues#apply}: for float32 and float16, rounded or exact, both byte
 * orders, inner and edge tiles with a halo, cells computed and cells from the cache.
 */
class FeatureLayoutTest
{
	private static final FeatureModel model = Models.shared( Fixtures.TINY_MODEL, 2, 1 );

	@TempDir
	Path dir;

	/** 50 x 37 x 2 planes in 16 x 12 tiles: inner, right-edge, bottom-edge and corner tiles, each with its halo. */
	private static FeatureImage features( final float scale )
	{
		final int w = 50, h = 37, d = 2;
		final float[] data = new float[ w * h * d ];
		final Random r = new Random( 11 );
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = scale * ( float ) ( 500 + 400 * Math.sin( i * 0.07 ) + 50 * r.nextGaussian() );
		return Features.lazy( ArrayImgs.floats( data, w, h, d ), model, FeatureOptions.defaults().tile( 16, 12 ) );
	}

	@Test
	void encodedChunksAreWhatTheZarrLayerStoresOfTheRoundedValues() throws IOException
	{
		final FeatureImage features = features( 1 );
		final FeatureLayout layout = new FeatureLayout( features );
		int n = 0;
		for ( final StoredValues stored : new StoredValues[] { new StoredValues( OutputType.FLOAT32, 13, Rounding.BLOCK ),
				new StoredValues( OutputType.FLOAT32, 13, Rounding.VALUE ), StoredValues.exact( OutputType.FLOAT32 ),
				new StoredValues( OutputType.FLOAT32, 4, Rounding.BLOCK ), new StoredValues( OutputType.FLOAT32, 4, Rounding.VALUE ),
				new StoredValues( OutputType.FLOAT16, 10, Rounding.BLOCK ), StoredValues.exact( OutputType.FLOAT16 ),
				new StoredValues( OutputType.FLOAT16, 6, Rounding.VALUE ), new StoredValues( OutputType.FLOAT16, 6, Rounding.BLOCK ) } )
			for ( final ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN } )
			{
				final ZarrArray expected = array( layout, stored, order, "expected" + n ), actual = array( layout, stored, order, "actual" + n++ );
				final byte[] raw = new byte[ layout.chunkBytes( stored.type() ) ];
				for ( final boolean cached : new boolean[] { false, true } )
				{
					if ( cached )
						for ( final FloatType v : Views.iterable( features.image() ) ) // every cell into the cache
							v.get();
					for ( long i = 0; i < features.numCells(); i++ )
					{
						final long[] chunk = layout.chunkPosition( i );
						expected.writeChunk( chunk, stored.apply( fullChunk( features, i ), features.channels(), "chunk " + i ) );
						Arrays.fill( raw, ( byte ) 0x55 ); // what a reused buffer held: the edge padding must not keep it
						actual.writeChunkBytes( chunk, layout.encodeChunk( i, stored, order, raw, () -> "chunk" ) );
						final String key = String.join( ".", Arrays.stream( chunk ).mapToObj( Long::toString ).toArray( String[]::new ) );
						assertArrayEquals( Files.readAllBytes( expected.path().resolve( key ) ), Files.readAllBytes( actual.path().resolve( key ) ),
								stored + ", " + order + ", " + ( cached ? "cached" : "computed" ) + " chunk " + key );
					}
				}
			}
		assertEquals( 18, n );
	}

	@Test
	void aFeatureBeyondFloat16IsRefusedNamingTheChunk()
	{
		final FeatureImage features = features( 1e4f );
		final FeatureLayout layout = new FeatureLayout( features );
		final StoredValues stored = new StoredValues( OutputType.FLOAT16, 10, Rounding.BLOCK );
		final OutputException e = assertThrows( OutputException.class, () -> {
			for ( long i = 0; i < features.numCells(); i++ )
				layout.encodeChunk( i, stored, ByteOrder.LITTLE_ENDIAN, new byte[ layout.chunkBytes( stored.type() ) ], () -> "the test chunk" );
		} );
		assertTrue( e.getMessage().startsWith( "A feature of the test chunk is " ) && e.getMessage().contains( "65504" ), e.getMessage() );
	}

	@Test
	void aBufferOfAnotherSizeIsRefused()
	{
		final FeatureLayout layout = new FeatureLayout( features( 1 ) );
		final StoredValues stored = StoredValues.exact( OutputType.FLOAT32 );
		assertThrows( IllegalArgumentException.class, () -> layout.encodeChunk( 0, stored, ByteOrder.LITTLE_ENDIAN, new byte[ 12 ], () -> "" ) );
	}

	private ZarrArray array( final FeatureLayout layout, final StoredValues stored, final ByteOrder order, final String name )
	{
		return ZarrArray.create( dir.resolve( name ), "", ArraySpec.builder().shape( layout.shape() ).chunks( layout.chunks() )
				.dataType( stored.type().dataType() ).byteOrder( order ).compressor( Compressor.none() ).zarrFormat( 2 ).build() );
	}

	/** The chunk of cell {@code index} as a float array, (H, W, c), from the interleaved cell, zero beyond the image. */
	private static float[] fullChunk( final FeatureImage features, final long index )
	{
		final float[] cell = features.interleavedCellData( index );
		final int tileW = features.tiles().tileWidth(), tileH = features.tiles().tileHeight(), c = features.channels();
		final long[] pos = features.gridPosition( index );
		final long[] tx = features.tiles().tileX( pos[ 0 ] ), ty = features.tiles().tileY( pos[ 1 ] );
		final int w = ( int ) ( tx[ 1 ] - tx[ 0 ] ), h = ( int ) ( ty[ 1 ] - ty[ 0 ] );
		assertEquals( w * h * c, cell.length );
		final float[] chunk = new float[ tileW * tileH * c ];
		for ( int y = 0; y < h; y++ )
			System.arraycopy( cell, y * w * c, chunk, y * tileW * c, w * c );
		return chunk;
	}
}
