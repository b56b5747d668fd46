package org.featurize.unet.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.featurize.unet.classify.ClassifyJob;
import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.io.Progress;
import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Selection;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HDF5 files as inputs, written by h5py (libhdf5 itself, {@code src/test/python/hdf5_fixtures.py}): datasets of every
 * numeric type, chunked (gzip, shuffle, LZF, Fletcher-32, a chunk never written) and contiguous, against what h5py
 * reads of them; BigDataViewer's and Imaris' layouts as images with levels; an HDF5 input has the features of the same
 * values in Zarr; what cannot be read is refused by name.
 */
class Hdf5InputTest
{
	private static final long[] SHAPE = { 9, 25, 37 };

	@TempDir
	static Path fixtures;

	@BeforeAll
	static void write()
	{
		External.run( List.of( External.pythonWithH5py().toString(), External.projectDir().resolve( "src/test/python/hdf5_fixtures.py" ).toString(),
				fixtures.toString() ), null, Duration.ofMinutes( 2 ) );
	}

	@Test
	void readsWhatLibhdf5Writes() throws IOException
	{
		final Path file = fixtures.resolve( "plain.h5" );
		final Map< String, DataType > cases = Map.of( "gzip-u2", DataType.UINT16, "contig-f4", DataType.FLOAT32, "be-i2", DataType.INT16, "lzf-f8",
				DataType.FLOAT64, "fletcher-u1", DataType.UINT8, "gzip-u8", DataType.UINT64, "i4", DataType.INT32, "group/f2", DataType.FLOAT16 );
		for ( final Map.Entry< String, DataType > c : cases.entrySet() )
		{
			final String name = c.getKey();
			final ZarrArray array = ZarrArray.open( file, name );
			assertTrue( array.isHdf5() && !array.isN5(), name );
			assertArrayEquals( SHAPE, array.shape(), name );
			assertEquals( c.getValue(), array.dataType(), name );
			final DataType stored = c.getValue() == DataType.FLOAT16 ? DataType.FLOAT16 : c.getValue();
			final Object expected = Elements.decode( Files.readAllBytes( fixtures.resolve( name.replace( '/', '-' ) + ".bin" ) ), stored, ByteOrder.LITTLE_ENDIAN );
			final Object whole = array.readRegion( new long[ 3 ], new int[] { 9, 25, 37 } );
			Samples.assertBitsEqual( expected, whole, name );
			// a box across chunks (and bands), edges included
			final Object box = array.readRegion( new long[] { 3, 8, 15 }, new int[] { 6, 17, 22 } );
			for ( int z = 0; z < 6; z++ )
				for ( int y = 0; y < 17; y++ )
					for ( int x = 0; x < 22; x++ )
						assertEquals( Samples.bits( whole, ( ( z + 3 ) * 25 + y + 8 ) * 37 + x + 15 ), Samples.bits( box, ( z * 17 + y ) * 22 + x ), name );
			// the same through a path into the file
			Samples.assertBitsEqual( whole, ZarrArray.open( file.resolve( name ), "" ).readRegion( new long[ 3 ], new int[] { 9, 25, 37 } ), name );
		}
		final ZarrArray gzip = ZarrArray.open( file, "gzip-u2" );
		assertArrayEquals( new int[] { 4, 10, 16 }, gzip.chunkShape(), "HDF5's own chunks" );
		final short[] never = ( short[] ) gzip.readChunk( 1, 1, 1 );
		for ( final short v : never )
			assertEquals( 7, v, "a chunk never written holds the fill value" );
		final ZarrArray contiguous = ZarrArray.open( file, "contig-f4" );
		assertArrayEquals( new int[] { 1, 25, 37 }, contiguous.chunkShape(), "a contiguous dataset is read by bands of whole rows of a plane" );
		assertEquals( Map.of(), gzip.attributes() );
		// read only
		final ZarrUnsupportedException write = assertThrows( ZarrUnsupportedException.class, () -> gzip.writeChunk( new long[] { 0, 0, 0 }, never ) );
		assertTrue( write.getMessage().contains( "is read here, not written: write to a Zarr array" ), write.getMessage() );
	}

	@Test
	void anHdf5InputHasTheFeaturesOfTheSameValuesInZarr( @TempDir final Path dir ) throws Exception
	{
		final Path file = fixtures.resolve( "plain.h5" );
		final ZarrArray source = ZarrArray.open( file, "gzip-u2" );
		final Path zarr = dir.resolve( "same.zarr" );
		final ZarrArray copy = ZarrArray.create( zarr, "", ArraySpec.builder().shape( SHAPE ).chunks( new int[] { 4, 10, 16 } ).dataType( DataType.UINT16 ).build() );
		Samples.forEachGridPosition( copy.gridShape(), p -> copy.writeChunk( p.clone(), source.readChunk( p.clone() ) ) );
		new Featurizer( s -> {} ).run( FeaturizeRequest.of( file ).dataset( "gzip-u2" ).output( dir.resolve( "a.zarr" ) ).model( Fixtures.TINY_MODEL ).threads( 1 ),
				Progress.NONE, () -> false );
		new Featurizer( s -> {} ).run( FeaturizeRequest.of( zarr ).output( dir.resolve( "b.zarr" ) ).model( Fixtures.TINY_MODEL ).threads( 1 ), Progress.NONE,
				() -> false );
		final ZarrArray a = ZarrArray.open( dir.resolve( "a.zarr" ), "" );
		final ZarrArray b = ZarrArray.open( dir.resolve( "b.zarr" ), "" );
		assertArrayEquals( b.shape(), a.shape() );
		Samples.forEachGridPosition( a.gridShape(), p -> assertArrayEquals( ( float[] ) b.readChunk( p.clone() ), ( float[] ) a.readChunk( p.clone() ) ) );
		// a folder of acquisitions: .h5, .hdf5 and .ims files are inputs, named without their extension
		final Path runs = Files.createDirectories( dir.resolve( "runs" ) );
		Files.copy( file, runs.resolve( "day1.h5" ) );
		Files.copy( fixtures.resolve( "imaris.ims" ), runs.resolve( "day2.ims" ) );
		Files.writeString( runs.resolve( "notes.txt" ), "x" );
		assertEquals( List.of( "day1.h5", "day2.ims" ), Batch.listFolder( runs ).stream().map( p -> p.getFileName().toString() ).toList() );
		assertEquals( "day1-features.zarr", Batch.outputName( runs.resolve( "day1.h5" ), Batch.DEFAULT_NAME ) );
	}

	@Test
	void labelsInHdf5TrainTheClassifierThatTheSameLabelsInZarrTrain( @TempDir final Path dir ) throws Exception
	{
		final Path file = fixtures.resolve( "plain.h5" );
		final Path zarr = dir.resolve( "in.zarr" );
		final ZarrArray source = ZarrArray.open( file, "gzip-u2" );
		final ZarrArray copy = ZarrArray.create( zarr, "", ArraySpec.builder().shape( SHAPE ).chunks( new int[] { 4, 10, 16 } ).dataType( DataType.UINT16 ).build() );
		Samples.forEachGridPosition( copy.gridShape(), p -> copy.writeChunk( p.clone(), source.readChunk( p.clone() ) ) );
		final Path labels = dir.resolve( "labels.zarr" );
		final ZarrArray l = ZarrArray.create( labels, "", ArraySpec.builder().shape( SHAPE ).chunks( new int[] { 9, 25, 37 } ).dataType( DataType.UINT8 ).build() );
		l.writeChunk( new long[ 3 ], Files.readAllBytes( fixtures.resolve( "labels.bin" ) ) );
		final java.util.function.BiFunction< FeaturizeRequest, Path, ClassifyRequest > request = ( f, out ) -> ClassifyRequest.of( f.model( Fixtures.TINY_MODEL ).threads( 1 ) )
				.output( out );
		new ClassifyJob( s -> {} ).run( request.apply( FeaturizeRequest.of( file ).dataset( "gzip-u2" ), dir.resolve( "a.zarr" ) )
				.labels( fixtures.resolve( "labels.h5" ), "exported_data" ), Progress.NONE, () -> false );
		new ClassifyJob( s -> {} ).run( request.apply( FeaturizeRequest.of( zarr ), dir.resolve( "b.zarr" ) ).labels( labels, "" ), Progress.NONE, () -> false );
		final byte[] a = ( byte[] ) ZarrArray.open( dir.resolve( "a.zarr" ), "" ).readRegion( new long[ 3 ], new int[] { 9, 25, 37 } );
		final byte[] b = ( byte[] ) ZarrArray.open( dir.resolve( "b.zarr" ), "" ).readRegion( new long[ 3 ], new int[] { 9, 25, 37 } );
		assertArrayEquals( b, a );
		assertTrue( java.util.stream.IntStream.range( 0, a.length ).anyMatch( i -> a[ i ] == 1 ) && java.util.stream.IntStream.range( 0, a.length ).anyMatch( i -> a[ i ] == 2 ),
				"both classes found" );
	}

	@Test
	void bigDataViewerAndImarisFilesAreOneInputPerViewWithTheirLevels( @TempDir final Path dir )
	{
		final Path bdv = fixtures.resolve( "bdv.h5" );
		assertEquals( List.of( "t00000/s00/0/cells", "t00000/s01/0/cells" ), Hdf5Arrays.images( bdv, "" ), "views at full resolution; not the tables" );
		assertEquals( List.of( new Batch.Item( bdv.resolve( "t00000/s00/0/cells" ), dir.resolve( "out/bdv-t00000-s00-features.zarr" ) ),
				new Batch.Item( bdv.resolve( "t00000/s01/0/cells" ), dir.resolve( "out/bdv-t00000-s01-features.zarr" ) ) ),
				Batch.plan( List.of( bdv ), dir.resolve( "out" ), null ) );
		// the file of several views alone: refused, the views named
		final ZarrNotFoundException e = assertThrows( ZarrNotFoundException.class, () -> ZarrArray.open( bdv, "" ) );
		assertEquals( "No array at HDF5 file " + bdv + ": it is a group, which holds the datasets t00000/s00/0/cells, t00000/s01/0/cells: give one of "
				+ "them as the dataset (dataset=PATH; bin/featurize --dataset=PATH)", e.getMessage() );
		// a view's group is that view; uint16 as BigDataViewer stores it (in int16)
		final InputView view = InputView.open( bdv, "t00000/s01", Selection.ALL );
		assertArrayEquals( new long[] { 3, 20, 28 }, view.shape() );
		assertEquals( DataType.UINT16, view.array().dataType() );
		assertEquals( 40000 + 1000 + 200 + 190 + 27, Short.toUnsignedInt( ( ( short[] ) view.array().readRegion( new long[] { 2, 19, 27 }, new int[] { 1, 1, 1 } ) )[ 0 ] ) );
		// levels
		final InputView half = InputView.open( bdv, "t00000/s01", new Selection( null, null, 1 ) );
		assertArrayEquals( new long[] { 3, 10, 14 }, half.shape() );
		assertEquals( 1000 + 200 + 90 + 13, ( ( short[] ) half.array().readRegion( new long[] { 2, 9, 13 }, new int[] { 1, 1, 1 } ) )[ 0 ] );
		assertArrayEquals( new long[] { 3, 10, 14 }, InputView.open( bdv.resolve( "t00000/s00/0/cells" ), "", new Selection( null, null, 1 ) ).shape(),
				"level 1 of a path into the file" );
		final Exception beyond = assertThrows( RuntimeException.class, () -> InputView.open( bdv, "t00000/s01", new Selection( null, null, 2 ) ) );
		assertEquals( "level=2 does not exist: Input " + bdv.resolve( "t00000/s01" ) + " has 2 resolution levels (0 to 1: t00000/s01/0/cells, "
				+ "t00000/s01/1/cells)", beyond.getMessage() );
		// Imaris: images per time point and channel, levels by ResolutionLevel, the thumbnail left out
		final Path ims = fixtures.resolve( "imaris.ims" );
		assertEquals( List.of( "DataSet/ResolutionLevel 0/TimePoint 0/Channel 0/Data", "DataSet/ResolutionLevel 0/TimePoint 0/Channel 1/Data" ),
				Hdf5Arrays.images( ims, "" ) );
		assertEquals( List.of( new Batch.Item( ims.resolve( "DataSet/ResolutionLevel 0/TimePoint 0/Channel 0/Data" ),
				dir.resolve( "out/imaris-TimePoint 0-Channel 0-features.zarr" ) ), new Batch.Item( ims.resolve( "DataSet/ResolutionLevel 0/TimePoint 0/Channel 1/Data" ),
						dir.resolve( "out/imaris-TimePoint 0-Channel 1-features.zarr" ) ) ), Batch.plan( List.of( ims ), dir.resolve( "out" ), null ) );
		final InputView channel = InputView.open( ims, "DataSet/ResolutionLevel 0/TimePoint 0/Channel 1", new Selection( null, null, 1 ) );
		assertArrayEquals( new long[] { 2, 12, 16 }, channel.shape() );
		assertEquals( ( 3 + 5 + 50 + 7 ) % 256, ( ( byte[] ) channel.array().readRegion( new long[] { 1, 3, 5 }, new int[] { 1, 1, 1 } ) )[ 0 ] & 0xff );
	}

	@Test
	void whatCannotBeReadIsRefusedByName( @TempDir final Path dir ) throws IOException
	{
		final Path file = fixtures.resolve( "refused.h5" );
		final ZarrUnsupportedException filter = assertThrows( ZarrUnsupportedException.class, () -> ZarrArray.open( file, "scaleoffset" ) );
		assertEquals( "HDF5 dataset \"scaleoffset\" of " + file + " is compressed with HDF5 filter scaleoffset (id 6), which is not read here "
				+ "(deflate/gzip, shuffle, Fletcher-32, LZF, LZ4 and bitshuffle are): write it again with one of those, or convert it to Zarr",
				filter.getMessage() );
		assertEquals( "HDF5 dataset \"compound\" of " + file + " holds compound values: expected an array of numbers",
				assertThrows( ZarrUnsupportedException.class, () -> ZarrArray.open( file, "compound" ) ).getMessage() );
		assertTrue( assertThrows( ZarrUnsupportedException.class, () -> ZarrArray.open( file, "strings" ) ).getMessage()
				.startsWith( "HDF5 dataset \"strings\" of " + file + " holds variable-length values" ) );
		final ZarrNotFoundException missing = assertThrows( ZarrNotFoundException.class, () -> ZarrArray.open( fixtures.resolve( "plain.h5" ), "nothing" ) );
		assertEquals( "No dataset \"nothing\" in HDF5 file " + fixtures.resolve( "plain.h5" ) + ": it holds the datasets be-i2, contig-f4, "
				+ "fletcher-u1, group/f2, gzip-u2, gzip-u8, i4, lzf-f8", missing.getMessage() );
		// a one-dimensional dataset is no image
		final Exception line = assertThrows( RuntimeException.class, () -> InputView.open( file, "line", Selection.ALL ) );
		assertTrue( line.getMessage().contains( "has 1 dimension (shape [10]); expected 2, 3 or 4" ), line.getMessage() );
		// a damaged file: its first half only
		final byte[] whole = Files.readAllBytes( fixtures.resolve( "plain.h5" ) );
		final Path cut = dir.resolve( "cut.h5" );
		Files.write( cut, java.util.Arrays.copyOf( whole, whole.length / 2 ) );
		final ZarrException damaged = assertThrows( ZarrException.class, () -> ZarrArray.open( cut, "gzip-u8" ).readRegion( new long[ 3 ], new int[] { 9, 25, 37 } ) );
		assertTrue( damaged.getMessage().contains( cut.toString() ), damaged.getMessage() );
		assertFalse( Hdf5Arrays.isHdf5( fixtures.resolve( "gzip-u2.bin" ) ) );
	}
}
