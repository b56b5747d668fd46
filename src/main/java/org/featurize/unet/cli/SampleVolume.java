package org.featurize.unet.cli;

import java.nio.file.Path;
import java.util.Random;

import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;

/**
 * A synthetic, microscopy-like uint16 volume (t, z, y, x) as Zarr v2, one chunk per plane: blurred blobs
 * (nuclei) and filaments that drift slowly through z and t, on an uneven background, with Poisson-like
 * noise. Deterministic for a given seed.
 */
public final class SampleVolume
{
	private SampleVolume()
	{}

	public static ZarrArray write( final Path path, final int frames, final int depth, final int height, final int width, final long seed )
	{
		return write( path, frames, depth, height, width, seed, null );
	}

	/**
	 * The same volume, and each pixel's class into {@code truth} (when not null; {@code frames * depth * height *
	 * width} values): 2 where a blob holds more than half its peak, 3 on a filament's core (within 1.5 pixels of its
	 * centre line) outside blobs, 1 elsewhere (the background). With {@code path} null only the truth is made.
	 */
	public static ZarrArray write( final Path path, final int frames, final int depth, final int height, final int width, final long seed,
			final byte[] truth )
	{
		final ZarrArray array = path == null ? null : ZarrArray.create( path, "", ArraySpec.builder()
				.shape( frames, depth, height, width )
				.chunks( 1, 1, height, width )
				.dataType( DataType.UINT16 )
				.compressor( Compressor.blosc( "zstd", 3, Shuffle.BYTE ) )
				.fillValue( 0 )
				.zarrFormat( 2 )
				.build() );
		final Random random = new Random( seed );
		final int blobs = Math.max( 4, width * height / 2500 );
		final double[][] blob = new double[ blobs ][];
		for ( int b = 0; b < blobs; b++ )
			blob[ b ] = new double[] { random.nextDouble() * width, random.nextDouble() * height, 3 + 6 * random.nextDouble(),
					600 + 1400 * random.nextDouble(), random.nextGaussian(), random.nextGaussian() };
		final int fibres = Math.max( 2, ( width + height ) / 128 );
		final double[][] fibre = new double[ fibres ][];
		for ( int f = 0; f < fibres; f++ )
			fibre[ f ] = new double[] { random.nextDouble() * width, random.nextDouble() * height, random.nextDouble() * Math.PI,
					400 + 600 * random.nextDouble(), 0.02 * random.nextGaussian() };
		for ( int t = 0; t < frames; t++ )
			for ( int z = 0; z < depth; z++ )
			{
				final byte[] classes = truth == null ? null : new byte[ width * height ];
				final short[] values = plane( width, height, blob, fibre, t, z, new Random( seed * 7919 + t * 1000 + z ), classes );
				if ( array != null )
					array.writeChunk( new long[] { t, z, 0, 0 }, values );
				if ( truth != null )
					System.arraycopy( classes, 0, truth, ( t * depth + z ) * width * height, width * height );
			}
		return array;
	}

	private static short[] plane( final int width, final int height, final double[][] blobs, final double[][] fibres, final int t,
			final int z, final Random noise, final byte[] classes )
	{
		final double[] v = new double[ width * height ];
		if ( classes != null )
			java.util.Arrays.fill( classes, ( byte ) 1 );
		for ( int y = 0; y < height; y++ )
			for ( int x = 0; x < width; x++ )
				v[ y * width + x ] = 100 + 60 * Math.sin( x * 0.01 + t * 0.3 ) * Math.cos( y * 0.013 + z * 0.05 );
		for ( final double[] b : blobs )
		{
			final double cx = b[ 0 ] + 2 * t * b[ 4 ], cy = b[ 1 ] + 2 * t * b[ 5 ];
			final double s = b[ 2 ] * ( 1 - 0.3 * Math.abs( Math.sin( z * 0.2 + b[ 4 ] ) ) );
			final int r = ( int ) Math.ceil( 3 * s );
			for ( int y = Math.max( 0, ( int ) cy - r ); y < Math.min( height, ( int ) cy + r + 1 ); y++ )
				for ( int x = Math.max( 0, ( int ) cx - r ); x < Math.min( width, ( int ) cx + r + 1 ); x++ )
				{
					final double g = Math.exp( -( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) ) / ( 2 * s * s ) );
					v[ y * width + x ] += b[ 3 ] * g;
					if ( classes != null && g > 0.5 )
						classes[ y * width + x ] = 2;
				}
		}
		for ( final double[] f : fibres )
		{
			final double angle = f[ 2 ] + z * f[ 4 ] + t * 0.05;
			final double nx = -Math.sin( angle ), ny = Math.cos( angle );
			for ( int y = 0; y < height; y++ )
				for ( int x = 0; x < width; x++ )
				{
					final double d = ( x - f[ 0 ] ) * nx + ( y - f[ 1 ] ) * ny + 5 * Math.sin( ( x * ny - y * nx ) * 0.03 );
					if ( Math.abs( d ) < 6 )
						v[ y * width + x ] += f[ 3 ] * Math.exp( -d * d / 2.0 );
					if ( classes != null && Math.abs( d ) < 1.5 && classes[ y * width + x ] == 1 )
						classes[ y * width + x ] = 3;
				}
		}
		final short[] out = new short[ v.length ];
		for ( int i = 0; i < v.length; i++ )
		{
			final double noisy = v[ i ] + Math.sqrt( v[ i ] ) * noise.nextGaussian();
			out[ i ] = ( short ) Math.max( 0, Math.min( 65535, Math.round( noisy ) ) );
		}
		return out;
	}
}
