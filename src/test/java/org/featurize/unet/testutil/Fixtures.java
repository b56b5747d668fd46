package org.featurize.unet.testutil;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;

/** Small inputs and models shared by the tests of several packages. */
public final class Fixtures
{
	private Fixtures()
	{}

	/** A two-level UNet, 1 -> 4 channels, size multiple 4, with a description file. */
	public static final Path TINY_MODEL = Paths.get( "src/test/resources/models/tiny_unet_described.pt" ).toAbsolutePath();

	/** The receptive-field radius its description gives. */
	public static final int TINY_RECEPTIVE_FIELD = 19;

	/**
	 * A (t, z, y, x) = (2, 3, 20, 28) uint16 Zarr v2 volume, one chunk per plane, at {@code dir/in.zarr}; every
	 * plane differs and holds one bright pixel.
	 */
	public static Path volume( final Path dir )
	{
		final Path input = dir.resolve( "in.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 2, 3, 20, 28 ).chunks( 1, 1, 20, 28 )
				.dataType( DataType.UINT16 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
			{
				final short[] p = new short[ 20 * 28 ];
				for ( int y = 0; y < 20; y++ )
					for ( int x = 0; x < 28; x++ )
						p[ y * 28 + x ] = ( short ) ( 1000 * t + 100 * z + 10 * Math.sin( x * 0.4 ) * Math.cos( y * 0.3 ) + 40
								+ ( x == 5 && y == 7 ? 30000 : 0 ) );
				a.writeChunk( new long[] { t, z, 0, 0 }, p );
			}
		return input;
	}
}
