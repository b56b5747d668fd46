package org.featurize.unet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;

/**
 * Measures how large a feature array is with each candidate compressor, with the values exact and rounded to 13
 * mantissa bits ({@link StoredValues}): re-encodes every chunk of an existing output (written with
 * {@code keep_bits=23}, exact float32) and prints bytes and encode time (rounding included) per compressor,
 * against the seed's default on the exact values (what {@code dask.array.to_zarr} uses: Blosc lz4, level 5,
 * byte shuffle).
 *
 * Usage: java -cp ... org.featurize.unet.bench.CompressorChoice FEATURES.zarr [float16]
 */
public final class CompressorChoice
{
	public static void main( final String[] args ) throws IOException
	{
		final ZarrArray source = ZarrArray.open( Paths.get( args[ 0 ] ), "" );
		final boolean half = args.length > 1 && args[ 1 ].equals( "float16" );
		final StoredValues rounding = new StoredValues( OutputType.FLOAT32, 13 );
		final Map< String, Compressor > candidates = new LinkedHashMap<>();
		candidates.put( "blosc lz4 5 byte-shuffle (seed)", Compressor.blosc( "lz4", 5, Shuffle.BYTE ) );
		candidates.put( "none", Compressor.none() );
		candidates.put( "blosc lz4 5 bit-shuffle", Compressor.blosc( "lz4", 5, Shuffle.BIT ) );
		candidates.put( "blosc zstd 1 bit-shuffle", Compressor.blosc( "zstd", 1, Shuffle.BIT ) );
		candidates.put( "blosc zstd 3 bit-shuffle", Compressor.blosc( "zstd", 3, Shuffle.BIT ) );
		candidates.put( "blosc zstd 3 byte-shuffle", Compressor.blosc( "zstd", 3, Shuffle.BYTE ) );
		candidates.put( "blosc zstd 5 bit-shuffle", Compressor.blosc( "zstd", 5, Shuffle.BIT ) );
		candidates.put( "zstd 3", Compressor.zstd( 3 ) );
		candidates.put( "blosc lz4 5 bit-shuffle, 13 bits", Compressor.blosc( "lz4", 5, Shuffle.BIT ) );
		candidates.put( "blosc lz4 5 byte-shuffle, 13 bits", Compressor.blosc( "lz4", 5, Shuffle.BYTE ) );
		candidates.put( "blosc lz4 1 bit-shuffle, 13 bits", Compressor.blosc( "lz4", 1, Shuffle.BIT ) );
		candidates.put( "blosc zstd 3 bit-shuffle, 13 bits", Compressor.blosc( "zstd", 3, Shuffle.BIT ) );
		final Path scratch = Files.createTempDirectory( "compressor-choice" );
		long seed = -1;
		System.out.printf( "%-34s %14s %8s %10s%n", "compressor" + ( half ? " (float16)" : " (float32)" ), "bytes", "vs seed", "encode s" );
		for ( final Map.Entry< String, Compressor > c : candidates.entrySet() )
		{
			final Path out = scratch.resolve( c.getKey().replace( ' ', '_' ) );
			final ZarrArray target = ZarrArray.create( out, "", ArraySpec.builder().shape( source.shape() ).chunks( source.chunkShape() )
					.dataType( half ? DataType.FLOAT16 : DataType.FLOAT32 ).compressor( c.getValue() ).zarrFormat( 2 ).build() );
			final long start = System.nanoTime();
			final long[] grid = source.gridShape();
			final long[] pos = new long[ grid.length ];
			while ( true )
			{
				final float[] values = ( float[] ) source.readChunk( pos );
				target.writeChunk( pos, c.getKey().endsWith( ", 13 bits" ) ? rounding.apply( values, "chunk" ) : values );
				int d = grid.length - 1;
				while ( d >= 0 && ++pos[ d ] == grid[ d ] )
					pos[ d-- ] = 0;
				if ( d < 0 )
					break;
			}
			final double seconds = ( System.nanoTime() - start ) * 1e-9;
			final long bytes = size( out );
			if ( seed < 0 )
				seed = bytes;
			System.out.printf( "%-34s %14d %8.3f %10.2f%n", c.getKey(), bytes, ( double ) bytes / seed, seconds );
		}
	}

	static long size( final Path dir ) throws IOException
	{
		try ( Stream< Path > files = Files.walk( dir ) )
		{
			return files.filter( Files::isRegularFile ).mapToLong( f -> f.toFile().length() ).sum();
		}
	}
}
