package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.Half;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import bdv.util.AxisOrder;
import bdv.util.BdvFunctions;
import bdv.util.BdvStackSource;
import ij.ImagePlus;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Plugins &gt; Featurize &gt; Open Zarr through SciJava's CommandService, headless: the image it returns holds, at
 * every position checked, what the Zarr layer reads there ({@link ZarrArray#readRegion}), with NumPy's
 * {@code (t, [c,] z, y, x)} as ImgLib2's {@code (x, y, [c,] z, t)}.
 */
class OpenZarrCommandTest
{
	static Context context;

	@BeforeAll
	static void start()
	{
		context = new Context( CommandService.class );
	}

	@AfterAll
	static void stop()
	{
		context.dispose();
	}

	private static CommandModule open( final Object... keysAndValues ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			args.put( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] );
		return context.service( CommandService.class ).run( OpenZarrCommand.class, false, args ).get();
	}

	private static RandomAccessibleInterval< ? > opened( final Object... keysAndValues ) throws Exception
	{
		final CommandModule module = open( keysAndValues );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		return ( RandomAccessibleInterval< ? > ) module.getOutput( "image" );
	}

	/** The value the Zarr layer reads at a position, NumPy order, as a double (unsigned types unsigned). */
	private static double zarr( final ZarrArray array, final long... position )
	{
		final int[] one = new int[ position.length ];
		java.util.Arrays.fill( one, 1 );
		final Object v = Array.get( array.readRegion( position, one ), 0 );
		if ( array.dataType() == DataType.UINT16 )
			return ( ( Short ) v ) & 0xffff;
		if ( array.dataType() == DataType.UINT8 )
			return ( ( Byte ) v ) & 0xff;
		return ( ( Number ) v ).doubleValue();
	}

	/** The image's value at a position, ImgLib2 order. */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	private static double image( final RandomAccessibleInterval< ? > image, final long... position )
	{
		final RandomAccess< ? extends RealType > a = ( ( RandomAccessibleInterval< ? extends RealType > ) image ).randomAccess();
		return a.setPositionAndGet( position ).getRealDouble();
	}

	@Test
	void isOneMenuEntryWithMacroFriendlyParameters()
	{
		final CommandInfo info = context.service( CommandService.class ).getCommand( OpenZarrCommand.class );
		assertEquals( "Plugins > Featurize > Open Zarr", info.getMenuPath().getMenuString() );
		assertEquals( "Open Zarr", info.getTitle() );
		for ( final String name : new String[] { "input", "dataset", "level", "display" } )
			assertFalse( info.getInput( name ).isPersisted(), name + " must not persist between runs" );
		assertEquals( java.util.List.of( "ImageJ", "BigDataViewer" ), info.getInput( "display" ).getChoices() );
	}

	@Test
	void opensFloat16AsFloatAcrossPartialChunks( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "half.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 3, 10, 12 ).chunks( 2, 4, 5 ).dataType( DataType.FLOAT16 )
				.compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		final long[] grid = a.gridShape();
		for ( long cz = 0; cz < grid[ 0 ]; cz++ )
			for ( long cy = 0; cy < grid[ 1 ]; cy++ )
				for ( long cx = 0; cx < grid[ 2 ]; cx++ )
				{
					final float[] c = new float[ 2 * 4 * 5 ];
					for ( int i = 0; i < c.length; i++ )
						c[ i ] = Half.toFloat( Half.fromFloat( ( float ) ( 0.1 * i - 1.7 * cz + 3.3 * cy - 0.01 * cx ) ) );
					a.writeChunk( new long[] { cz, cy, cx }, c );
				}
		final RandomAccessibleInterval< ? > image = opened( "input", input.toFile() );
		assertArrayEquals( new long[] { 12, 10, 3 }, image.dimensionsAsLongArray(), "(z, y, x) is (x, y, z)" );
		assertTrue( image.getType() instanceof FloatType );
		final long[][] zyx = { { 0, 0, 0 }, { 0, 0, 11 }, { 2, 9, 11 }, { 1, 4, 5 }, { 2, 3, 7 }, { 1, 9, 0 } };
		for ( final long[] p : zyx )
			assertEquals( zarr( a, p ), image( image, p[ 2 ], p[ 1 ], p[ 0 ] ), 0, "at (z, y, x) " + java.util.Arrays.toString( p ) );
		assertTrue( zarr( a, 2, 9, 11 ) != zarr( a, 0, 0, 0 ), "distinct values checked" );
	}

	@Test
	void opensA4DUint16ArrayAsXYZT( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir, "blocks.zarr", 2, 2, 8, 8 ); // blocks that span planes and times
		final ZarrArray a = ZarrArray.open( input, "" );
		final RandomAccessibleInterval< ? > image = opened( "input", input.toFile() );
		assertArrayEquals( new long[] { 28, 20, 3, 2 }, image.dimensionsAsLongArray() );
		assertTrue( image.getType() instanceof UnsignedShortType );
		final long[][] tzyx = { { 0, 0, 0, 0 }, { 1, 2, 19, 27 }, { 1, 0, 7, 5 }, { 0, 2, 12, 20 }, { 1, 1, 8, 9 } };
		for ( final long[] p : tzyx )
			assertEquals( zarr( a, p ), image( image, p[ 3 ], p[ 2 ], p[ 1 ], p[ 0 ] ), 0, "at (t, z, y, x) " + java.util.Arrays.toString( p ) );

		final ImagePlus imp = ImageJDisplay.wrapHyperstack( new ZarrViewAccess( input ).hyperstack(), "blocks" );
		assertEquals( 16, imp.getBitDepth(), "uint16 as it is" );
		assertArrayEquals( new int[] { 28, 20, 1, 3, 2 }, imp.getDimensions() );
		assertEquals( zarr( a, 1, 2, 12, 20 ), imp.getStack().getProcessor( imp.getStackIndex( 1, 3, 2 ) ).getf( 20, 12 ), 0 );
	}

	@Test
	void opensAFeatureOutputWithItsFeaturesAsChannels( @TempDir final Path dir ) throws Exception
	{
		final Path output = dir.resolve( "features.zarr" );
		final Map< String, Object > args = new HashMap<>();
		args.put( "input", Fixtures.volume( dir ).toFile() );
		args.put( "output", output.toFile() );
		args.put( "model", Fixtures.TINY_MODEL.toFile() );
		args.put( "threads", "2" );
		final CommandModule featurize = context.service( CommandService.class ).run( FeaturizeCommand.class, false, args ).get();
		assertFalse( featurize.isCanceled(), featurize.getCancelReason() );
		final ZarrArray a = ZarrArray.open( output, "" );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 4 }, a.shape(), "(t, z, y, x, c)" );

		final RandomAccessibleInterval< ? > image = opened( "input", output.toFile() );
		assertArrayEquals( new long[] { 28, 20, 4, 3, 2 }, image.dimensionsAsLongArray(), "(x, y, c, z, t)" );
		final long[][] tzyxc = { { 0, 0, 0, 0, 0 }, { 1, 2, 19, 27, 3 }, { 0, 1, 7, 5, 2 }, { 1, 0, 11, 20, 1 }, { 0, 2, 3, 14, 3 } };
		for ( final long[] p : tzyxc )
			assertEquals( zarr( a, p ), image( image, p[ 3 ], p[ 2 ], p[ 4 ], p[ 1 ], p[ 0 ] ), 0, "at (t, z, y, x, c) " + java.util.Arrays.toString( p ) );

		final ImagePlus imp = ImageJDisplay.wrapHyperstack( new ZarrViewAccess( output ).hyperstack(), "features" );
		assertEquals( 32, imp.getBitDepth() );
		assertArrayEquals( new int[] { 28, 20, 4, 3, 2 }, imp.getDimensions(), "width, height, channels, slices, frames" );
		assertEquals( zarr( a, 1, 0, 11, 20, 1 ), imp.getStack().getProcessor( imp.getStackIndex( 2, 1, 2 ) ).getf( 20, 11 ), 0 );

		BdvFunctions.SHOWN.clear();
		final java.util.List< String > warnings = new java.util.ArrayList<>();
		BigDataViewerDisplay.showImage( new ZarrViewAccess( output ).hyperstack(), "features", warnings::add );
		assertTrue( warnings.isEmpty(), warnings.toString() );
		final BdvStackSource< ? > shown = BdvFunctions.SHOWN.get( 0 );
		assertEquals( AxisOrder.XYZCT, shown.options.axisOrder );
		assertArrayEquals( new long[] { 28, 20, 3, 4, 2 }, shown.image.dimensionsAsLongArray(), "x, y, z, c, t" );
		assertEquals( zarr( a, 1, 2, 19, 27, 3 ), image( shown.image, 27, 19, 2, 3, 1 ), 0 );
	}

	@Test
	void opensALabelOutputAsItIsAndAnOmeLevel( @TempDir final Path dir ) throws Exception
	{
		final Path labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final ZarrArray l = ZarrArray.open( labels, "" );
		final RandomAccessibleInterval< ? > image = opened( "input", labels.toFile() );
		assertTrue( image.getType() instanceof UnsignedByteType || image.getType() instanceof UnsignedShortType, image.getType().getClass().getName() );
		final long[] shape = l.shape();
		for ( int d = 0; d < shape.length; d++ )
			assertEquals( shape[ shape.length - 1 - d ], image.dimension( d ) );

		final Path ome = Fixtures.multiscale( dir, "pyramid.zarr" );
		final ZarrArray level1 = ZarrArray.open( ome, "1" );
		final RandomAccessibleInterval< ? > coarse = opened( "input", ome.toFile(), "level", "1" );
		assertArrayEquals( new long[] { 14, 10, 3, 2 }, coarse.dimensionsAsLongArray() );
		assertEquals( zarr( level1, 1, 2, 9, 13 ), image( coarse, 13, 9, 2, 1 ), 0 );
		assertEquals( zarr( level1, 0, 1, 4, 6 ), image( coarse, 6, 4, 1, 0 ), 0 );
		assertArrayEquals( new long[] { 28, 20, 3, 2 }, opened( "input", ome.toFile() ).dimensionsAsLongArray(), "level 0 by default" );
		assertEquals( "level=2 does not exist: Input " + ome + " has 2 resolution levels (0 to 1)",
				open( "input", ome.toFile(), "level", "2" ).getCancelReason() );
	}

	@Test
	void aMissingInputOrANonZarrFolderCancelsWithAClearMessage( @TempDir final Path dir ) throws Exception
	{
		final Path missing = dir.resolve( "nothing.zarr" );
		final CommandModule none = open( "input", missing.toFile() );
		assertTrue( none.isCanceled() );
		assertEquals( "No Zarr container at " + missing + ": the path does not exist", none.getCancelReason() );
		assertNull( none.getOutput( "image" ) );

		final Path folder = Files.createDirectories( dir.resolve( "pictures" ) );
		Files.writeString( folder.resolve( "notes.txt" ), "not Zarr" );
		final CommandModule plain = open( "input", folder.toFile() );
		assertTrue( plain.isCanceled() );
		assertEquals( "No Zarr array at " + folder + ": the folder is not Zarr, expected .zarray or zarr.json in it", plain.getCancelReason() );

		assertEquals( "input is required: the folder of a Zarr array or an OME-Zarr image", open().getCancelReason() );
		assertEquals( "level must be a whole number (or empty for the default), got \"one\"",
				open( "input", Fixtures.volume( dir ).toFile(), "level", "one" ).getCancelReason() );
	}

	/** {@link ZarrView} of a whole input, as the command opens it. */
	private static final class ZarrViewAccess
	{
		private final ZarrView view;

		ZarrViewAccess( final Path input )
		{
			view = ZarrView.open( input, "", null );
		}

		RandomAccessibleInterval< ? extends RealType< ? > > hyperstack()
		{
			return view.hyperstack();
		}
	}
}
