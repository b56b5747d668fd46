package org.featurize.unet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.featurize.unet.io.OutputType;
import org.featurize.unet.io.Rounding;
import org.featurize.unet.io.StoredValues;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Shuffle;
import org.featurize.unet.zarr.ZarrArray;

/**
 * Measures how large a feature array is with each candidate compressor and rounding ({@link StoredValues}):
 * re-encodes every chunk of an existing output (written with {@code rounding=none}, exact float32) and prints bytes
 * and encode time (rounding included) per candidate, against the seed's default on the exact values (what
 * {@code dask.array.to_zarr} uses: Blosc lz4, level 5, byte shuffle). With {@code float16}, the values are stored
 * as float16 (the features must fit it: write the source with {@code normalization=percentile}).
 *
 * Usage: java -cp ... org.featurize.unet.bench.CompressorChoice FEATURES.zarr [float16]
 */
public final class CompressorChoice
{
	public static void main( final String[] args ) throws IOException
	{
		final ZarrArray source = ZarrArray.open( Paths.get( args[ 0 ] ), "" );
		final boolean half = args.length > 1 && args[ 1 ].equals( "float16" );
		final OutputType type = half ? OutputType.FLOAT16 : OutputType.FLOAT32;
		final int bits = type.defaultKeepBits(), channels = source.chunkShape()[ source.chunkShape().length - 1 ];
		final StoredValues exact = StoredValues.exact( type ), value = new StoredValues( type, bits, Rounding.VALUE ),
				block = new StoredValues( type, bits, Rounding.BLOCK );
		final Map< String, Object[] > candidates = new LinkedHashMap<>();
		candidates.put( "blosc lz4 5 byte-shuffle (seed)", new Object[] { Compressor.blosc( "lz4", 5, Shuffle.BYTE ), StoredValues.exact( OutputType.FLOAT32 ) } );
		candidates.put( "blosc lz4 5 bit-shuffle", new Object[] { Compressor.blosc( "lz4", 5, Shuffle.BIT ), exact } );
		candidates.put( "blosc zstd 3 bit-shuffle", new Object[] { Compressor.blosc( "zstd", 3, Shuffle.BIT ), exact } );
		for ( final StoredValues rounded : new StoredValues[] { value, block } )
		{
			final String how = ", " + bits + " bits per " + ( rounded == value ? "value" : "block" );
			candidates.put( "blosc lz4 5 bit-shuffle" + how, new Object[] { Compressor.blosc( "lz4", 5, Shuffle.BIT ), rounded } );
			candidates.put( "blosc lz4 5 byte-shuffle" + how, new Object[] { Compressor.blosc( "lz4", 5, Shuffle.BYTE ), rounded } );
			candidates.put( "blosc zstd 1 bit-shuffle" + how, new Object[] { Compressor.blosc( "zstd", 1, Shuffle.BIT ), rounded } );
			candidates.put( "blosc zstd 3 bit-shuffle" + how, new Object[] { Compressor.blosc( "zstd", 3, Shuffle.BIT ), rounded } );
		}
		final Path scratch = Files.createTempDirectory( "compressor-choice" );
		long seed = -1;
		System.out.printf( "%-44s %14s %8s %10s%n", "compressor (" + type.label() + ")", "bytes", "vs seed", "encode s" );
		for ( final Map.Entry< String, Object[] > c : candidates.entrySet() )
		{
			final StoredValues stored = ( StoredValues ) c.getValue()[ 1 ];
			final Path out = scratch.resolve( c.getKey().replace( ' ', '_' ).replace( ",", "" ) );
			final ZarrArray target = ZarrArray.create( out, "", ArraySpec.builder().shape( source.shape() ).chunks( source.chunkShape() )
					.dataType( stored.type().dataType() ).compressor( ( Compressor ) c.getValue()[ 0 ] ).zarrFormat( 2 ).build() );
			final long start = System.nanoTime();
			final long[] grid = source.gridShape();
			final long[] pos = new long[ grid.length ];
			while ( true )
			{
				target.writeChunk( pos, stored.apply( ( float[] ) source.readChunk( pos ), channels, "chunk" ) );
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
			System.out.printf( "%-44s %14d %8.3f %10.2f%n", c.getKey(), bytes, ( double ) bytes / seed, seconds );
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
