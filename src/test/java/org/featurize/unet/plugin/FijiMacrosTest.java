package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import net.imglib2.RandomAccessibleInterval;

/**
 * The commands in Fiji as its users meet them, through {@link LegacyLayer} (the legacy layer as FACTS.md describes
 * it): what the recorder writes replays to the same run; a macro that gives some parameters runs with the
 * defaults for the rest, without a dialog; no window opens that nobody asked for; the dialog shows the run's
 * real defaults, never a 0 for "unset".
 */
class FijiMacrosTest
{
	/** The commands of this project and a menu run of each that shows its dialog's defaults: every one is here. */
	static final List< Class< ? > > COVERED = List.of( FeaturizeCommand.class, PixelClassifierCommand.class, ApplyClassifierCommand.class,
			OpenZarrCommand.class, FeaturizeFolderCommand.class, ApplyClassifierFolderCommand.class );

	private static final int CORES = Runtime.getRuntime().availableProcessors();

	/** A (t, z, y, x) = (1, 3, 20, 28) volume in square 16 x 16 chunks, at {@code dir/square.zarr}. */
	static Path squareChunks( final Path dir )
	{
		return squareChunks( dir, 16 );
	}

	/** A (t, z, y, x) = (1, 3, 20, 28) volume in square chunks of that side, at {@code dir/square.zarr}. */
	static Path squareChunks( final Path dir, final int chunk )
	{
		final Path input = dir.resolve( "square.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 1, 3, 20, 28 ).chunks( 1, 1, chunk, chunk )
				.dataType( DataType.UINT16 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		for ( int z = 0; z < 3; z++ )
			for ( int y = 0; y * chunk < 20; y++ )
				for ( int x = 0; x * chunk < 28; x++ )
				{
					final short[] p = new short[ chunk * chunk ];
					for ( int i = 0; i < p.length; i++ )
						p[ i ] = ( short ) ( 100 * z + 7 * ( i % chunk ) + 3 * ( i / chunk ) + 40 * x + 20 * y );
					a.writeChunk( new long[] { 0, z, y, x }, p );
				}
		return input;
	}

	/** What a user types into the dialog, in this order. */
	private static List< Map.Entry< String, Object > > typed( final Object... keysAndValues )
	{
		final List< Map.Entry< String, Object > > typed = new ArrayList<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			typed.add( new AbstractMap.SimpleEntry<>( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] ) );
		return typed;
	}

	/** The side of a (height, width) pair as the dialog shows it: the side when square, else empty. */
	private static String square( final Object heightWidth )
	{
		final List< ? > hw = ( List< ? > ) heightWidth;
		return hw.get( 0 ).equals( hw.get( 1 ) ) ? String.valueOf( hw.get( 0 ) ) : "";
	}

	private static Map< ?, ? > parameters( final Path output )
	{
		return ( Map< ?, ? > ) ( ( Map< ?, ? > ) ZarrArray.open( output, "" ).attributes().get( "featurize" ) ).get( "parameters" );
	}

	private static void assertSameChunks( final Path a, final Path b )
	{
		final ZarrArray x = ZarrArray.open( a, "" ), y = ZarrArray.open( b, "" );
		assertArrayEquals( x.shape(), y.shape() );
		for ( long t = 0; t < x.shape()[ 0 ]; t++ )
			for ( long z = 0; z < x.shape()[ 1 ]; z++ )
				assertArrayEquals( ( float[] ) x.readChunk( t, z, 0, 0, 0 ), ( float[] ) y.readChunk( t, z, 0, 0, 0 ), "chunk t " + t + ", z " + z );
		assertEquals( parameters( a ), parameters( b ) );
	}

	@Test
	void aRecordedLineReplaysToTheSameRunInTheGuiAndHeadless( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" ), first = dir.resolve( "first.zarr" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( FeaturizeCommand.class,
					typed( "input", input.toFile(), "output", output.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			recorded = menu.recorded;
			// the plane is 20 x 28, not square: only an empty tile and chunk say "chosen for the work"; the halo shows once
			// the model's is known (measured by an earlier run), else it is empty too: either way the line replays
			final String halo = String.valueOf( menu.atOk.get( "halo" ) );
			assertEquals( "run(\"UNet\", \"input=" + input + " output=" + output + " overwrite=false model=" + Fixtures.TINY_MODEL
					+ " display=none dataset= region= channel= channel_axis= level= normalization=none tile= halo=" + halo + " margin= chunk= threads=2 device=auto precision=float32"
					+ " output_type=float32 keep_bits=13 rounding=block layout=seed levels=1 preview_plane=1\");", recorded );
			if ( !halo.isEmpty() )
				assertEquals( halo, String.valueOf( parameters( output ).get( "halo" ) ), "the halo shown is the run's" );
			assertEquals( List.of(), menu.windows );
			Files.move( output, first );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			assertSameChunks( first, output );
		}
		try ( var files = Files.walk( output ) )
		{
			files.sorted( java.util.Comparator.reverseOrder() ).forEach( f -> f.toFile().delete() );
		}
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			assertSameChunks( first, output );
		}
	}

	/** Deletes a folder and what it holds. */
	private static void delete( final Path folder ) throws java.io.IOException
	{
		try ( var files = Files.walk( folder ) )
		{
			files.sorted( java.util.Comparator.reverseOrder() ).forEach( f -> f.toFile().delete() );
		}
	}

	@Test
	void aRecordedPixelClassifierLineReplaysToTheSameLabelsInTheGuiAndHeadless( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), labels = Fixtures.labelArray( dir, "labels.zarr", Fixtures.scribbles() );
		final Path output = dir.resolve( "classes.zarr" ), first = dir.resolve( "first.zarr" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( PixelClassifierCommand.class, typed( "input", input.toFile(), "labels", labels.toFile(),
					"model", Fixtures.TINY_MODEL.toFile(), "output", output.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			recorded = menu.recorded;
			final String halo = String.valueOf( menu.atOk.get( "halo" ) );
			assertEquals( "run(\"Pixel Classifier\", \"input=" + input + " labels=" + labels + " model=" + Fixtures.TINY_MODEL + " output=" + output
					+ " overwrite=false display=none dataset= region= channel= channel_axis= level= labels_dataset= normalization=none tile= halo=" + halo + " margin=32 chunk= threads=2 device=auto"
					+ " precision=float32 trees=64 depth=4 coherence=none minimum=none max_samples=100000 seed=1 output_type=auto\");", recorded );
			assertEquals( "none", menu.atOk.get( "coherence" ), "the dialog shows the run's default: none with a model other than the shipped one" );
			assertEquals( "none", menu.atOk.get( "minimum" ), "the same for the minimum" );
			assertEquals( List.of(), menu.windows, "no window nobody asked for" );
			Files.move( output, first );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			Fixtures.assertSameLabels( first, output );
		}
		delete( output );
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			Fixtures.assertSameLabels( first, output );
			assertNotNull( run.module.getOutput( "classes" ), "a script gets the lazy labels" );
		}
		// a partial line, as a user writes one: the rest (the coherence and the minimum among them) takes the run's defaults, no dialog
		final Path partialOut = dir.resolve( "partial.zarr" );
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run partial = fiji.macro( "run(\"Pixel Classifier\", \"input=" + input + " labels=" + labels + " model="
					+ Fixtures.TINY_MODEL + " output=" + partialOut + " threads=2\");" );
			assertFalse( partial.canceled(), partial.cancelReason() );
			assertEquals( Map.of(), partial.opened, "no dialog" );
			Fixtures.assertSameLabels( first, partialOut );
		}
	}

	@Test
	void aRecordedApplyClassifierLineWithAFeaturesZarrReplaysHeadlessToTheLabelsOfComputedFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), expected = ClassifierCommandsTest.cli( dir, input ), classifier = dir.resolve( "cli.json" );
		final Path features = dir.resolve( "features.zarr" ), output = dir.resolve( "applied.zarr" );
		ClassifierCommandsTest.featurize( input.toString(), features.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2",
				"--rounding", "none", "--margin", "32" ); // the margin the classifier was trained with
		final Object halo = org.featurize.unet.classify.PixelClassifier.read( classifier ).features().get( "halo" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( ApplyClassifierCommand.class, typed( "input", input.toFile(), "classifier", classifier.toFile(),
					"features", features.toFile(), "output", output.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			recorded = menu.recorded;
			assertEquals( "run(\"Apply Classifier\", \"input=" + input + " classifier=" + classifier + " features=" + features + " output=" + output
					+ " overwrite=false display=none dataset= region= channel= channel_axis= level= tile= halo=" + halo + " chunk= threads=2 device=auto precision=float32"
					+ " output_type=auto\");", recorded );
			Fixtures.assertSameLabels( expected, output );
		}
		delete( output );
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			Fixtures.assertSameLabels( expected, output );
		}
	}

	@Test
	void aRecordedApplyClassifierLineReplaysToTheSameLabelsInTheGuiAndHeadless( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), expected = ClassifierCommandsTest.cli( dir, input ), classifier = dir.resolve( "cli.json" );
		final Path output = dir.resolve( "applied.zarr" );
		final Object halo = org.featurize.unet.classify.PixelClassifier.read( classifier ).features().get( "halo" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( ApplyClassifierCommand.class, typed( "input", input.toFile(), "classifier", classifier.toFile(),
					"model", Fixtures.TINY_MODEL.toFile(), "output", output.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			assertEquals( "", menu.opened.get( "halo" ), "nothing known of the classifier when the dialog opens" );
			recorded = menu.recorded;
			assertEquals( "run(\"Apply Classifier\", \"input=" + input + " classifier=" + classifier + " model=" + Fixtures.TINY_MODEL + " output="
					+ output + " overwrite=false display=none dataset= region= channel= channel_axis= level= tile= halo=" + halo + " chunk= threads=2 device=auto precision=float32"
					+ " output_type=auto\");", recorded, "the halo the classifier's features had" );
			Fixtures.assertSameLabels( expected, output );
			delete( output );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			Fixtures.assertSameLabels( expected, output );
		}
		delete( output );
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			Fixtures.assertSameLabels( expected, output );
		}
	}

	@Test
	void aRecordedOpenZarrLineReplaysHeadlessAndReturnsTheImageWithoutAWindow( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.multiscale( dir, "pyramid.zarr" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( OpenZarrCommand.class, typed( "input", input.toFile(), "level", "1" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			recorded = menu.recorded;
			assertEquals( "run(\"Open Zarr\", \"input=" + input + " dataset= level=1 display=ImageJ\");", recorded );
			assertEquals( List.of(), menu.windows, "the output is for scripts: the command shows what display asks (nothing, with no screen)" );
			assertArrayEquals( new long[] { 14, 10, 3, 2 }, ( ( RandomAccessibleInterval< ? > ) menu.module.getOutput( "image" ) ).dimensionsAsLongArray() );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			final LegacyLayer.Run given = fiji.macro( "run(\"Open Zarr\", \"input=" + input + "\");" );
			assertFalse( given.canceled(), given.cancelReason() );
			assertEquals( Map.of(), given.opened, "the rest defaults, without a dialog" );
			assertArrayEquals( new long[] { 28, 20, 3, 2 }, ( ( RandomAccessibleInterval< ? > ) given.module.getOutput( "image" ) ).dimensionsAsLongArray() );
		}
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			assertArrayEquals( new long[] { 14, 10, 3, 2 }, ( ( RandomAccessibleInterval< ? > ) run.module.getOutput( "image" ) ).dimensionsAsLongArray() );
		}
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final PrintStream errors = new PrintStream( err, true, StandardCharsets.UTF_8 );
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "Open Zarr", "input='" + input + "',level='1'" },
				System.out, errors ), err::toString );
		assertEquals( 1, FeaturizeMain.run( new String[] { "--headless", "--run", "Open Zarr", "input='" + dir.resolve( "none" ) + "'" },
				System.out, errors ) );
		assertTrue( err.toString( StandardCharsets.UTF_8 ).contains( "No Zarr container at " + dir.resolve( "none" ) + ": the path does not exist" ),
				err::toString );
	}

	@Test
	void aRecordedFolderLineReplaysToTheSameOutputsInTheGuiAndHeadlessAndRunsFromTheLauncher( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = FeaturizeFolderCommandTest.folder( dir );
		final Path out = dir.resolve( "out" ), first = dir.resolve( "first" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( FeaturizeFolderCommand.class,
					typed( "input_folder", f[ 0 ].toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			assertEquals( "13", menu.opened.get( "keep_bits" ), "the bits of float32 output when the dialog opens" );
			assertEquals( "", menu.opened.get( "tile" ), "each input's own tile: no one number says it" );
			for ( final Map.Entry< String, Object > e : menu.opened.entrySet() )
				assertFalse( "0".equals( String.valueOf( e.getValue() ) ), e.getKey() + " shows 0" );
			recorded = menu.recorded;
			assertEquals( "run(\"UNet (Folder)\", \"input_folder=" + f[ 0 ] + " output_folder=" + out + " name={name}-features.zarr overwrite=false model="
					+ Fixtures.TINY_MODEL + " dataset= channel= channel_axis= level= normalization=none tile= halo= margin= chunk= threads=2 device=auto precision=float32 output_type=float32"
					+ " keep_bits=13 rounding=block layout=seed levels=1\");", recorded );
			final List< String > readme = Files.readAllLines( External.projectDir().resolve( "README.md" ) ).stream()
					.filter( l -> l.startsWith( "run(\"UNet (Folder)\"" ) ).toList();
			assertEquals( 1, readme.size(), "the README shows one such line: " + readme );
			assertEquals( readme.get( 0 ).replace( "/data/acquisitions", f[ 0 ].toString() ).replace( "/data/features", out.toString() )
					.replace( "/data/unet16.pt", Fixtures.TINY_MODEL.toString() ), recorded, "the README says what the recorder writes" );
			assertEquals( List.of(), menu.windows, "no window nobody asked for" );
			final ij.measure.ResultsTable results = ( ij.measure.ResultsTable ) menu.module.getOutput( "results" );
			assertEquals( List.of( "done", "done", "failed" ), List.of( results.getStringValue( "status", 0 ), results.getStringValue( "status", 1 ),
					results.getStringValue( "status", 2 ) ) );
			Files.move( out, first );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			Fixtures.assertSameChunks( first.resolve( "a-features.zarr" ), out.resolve( "a-features.zarr" ) );
			Fixtures.assertSameChunks( first.resolve( "b-features.zarr" ), out.resolve( "b-features.zarr" ) );
		}
		delete( out );
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			Fixtures.assertSameChunks( first.resolve( "a-features.zarr" ), out.resolve( "a-features.zarr" ) );
			Fixtures.assertSameChunks( first.resolve( "b-features.zarr" ), out.resolve( "b-features.zarr" ) );
		}
		delete( out );
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet (Folder)", "input_folder='" + f[ 0 ] + "',output_folder='" + out
				+ "',model='" + Fixtures.TINY_MODEL + "',threads='2'" }, System.out, new PrintStream( err, true, StandardCharsets.UTF_8 ) ), err::toString );
		Fixtures.assertSameChunks( first.resolve( "a-features.zarr" ), out.resolve( "a-features.zarr" ) );
		Fixtures.assertSameChunks( first.resolve( "b-features.zarr" ), out.resolve( "b-features.zarr" ) );
		assertEquals( 1, FeaturizeMain.run( new String[] { "--headless", "--run", "UNet (Folder)", "output_folder='" + out + "'" }, System.out,
				new PrintStream( err, true, StandardCharsets.UTF_8 ) ) );
		assertTrue( err.toString( StandardCharsets.UTF_8 ).contains( "featurize: error: No inputs given: choose an input folder" ), err::toString );
	}

	@Test
	void aRecordedApplyClassifierFolderLineReplaysToTheSameLabelsInTheGuiAndHeadlessAndRunsFromTheLauncher( @TempDir final Path dir ) throws Exception
	{
		final Path[] f = FeaturizeFolderCommandTest.folder( dir );
		ClassifierCommandsTest.cli( dir, f[ 1 ] );
		final Path classifier = dir.resolve( "cli.json" ), out = dir.resolve( "out" ), first = dir.resolve( "first" );
		final String recorded;
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( ApplyClassifierFolderCommand.class, typed( "classifier", classifier.toFile(), "input_folder",
					f[ 0 ].toFile(), "output_folder", out.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			for ( final Map.Entry< String, Object > e : menu.opened.entrySet() )
				assertFalse( "0".equals( String.valueOf( e.getValue() ) ), e.getKey() + " shows 0" );
			recorded = menu.recorded;
			assertEquals( "run(\"Apply Classifier (Folder)\", \"classifier=" + classifier + " input_folder=" + f[ 0 ] + " output_folder=" + out
					+ " name={name}-classes.zarr overwrite=false model=" + Fixtures.TINY_MODEL + " dataset= channel= channel_axis= level= tile= halo= chunk="
					+ " threads=2 device=auto precision=float32 output_type=auto\");", recorded );
			final List< String > readme = Files.readAllLines( External.projectDir().resolve( "README.md" ) ).stream()
					.filter( l -> l.startsWith( "run(\"Apply Classifier (Folder)\"" ) ).toList();
			assertEquals( 1, readme.size(), "the README shows one such line: " + readme );
			assertEquals( readme.get( 0 ).replace( "/data/cells.json", classifier.toString() ).replace( "/data/acquisitions", f[ 0 ].toString() )
					.replace( "/data/classes", out.toString() ).replace( "/data/unet16.pt", Fixtures.TINY_MODEL.toString() ), recorded,
					"the README says what the recorder writes" );
			assertEquals( List.of(), menu.windows, "no window nobody asked for" );
			final ij.measure.ResultsTable results = ( ij.measure.ResultsTable ) menu.module.getOutput( "results" );
			assertEquals( List.of( "done", "done", "failed" ), List.of( results.getStringValue( "status", 0 ), results.getStringValue( "status", 1 ),
					results.getStringValue( "status", 2 ) ) );
			Files.move( out, first );

			final LegacyLayer.Run gui = fiji.macro( recorded );
			assertFalse( gui.canceled(), gui.cancelReason() );
			assertEquals( Map.of(), gui.opened, "no dialog" );
			Fixtures.assertSameLabels( first.resolve( "a-classes.zarr" ), out.resolve( "a-classes.zarr" ) );
			Fixtures.assertSameLabels( first.resolve( "b-classes.zarr" ), out.resolve( "b-classes.zarr" ) );
			delete( out );

			// a macro that gives only some parameters: the defaults for the rest, no dialog, no window
			final LegacyLayer.Run partial = fiji.macro( "run(\"Apply Classifier (Folder)\", \"classifier=" + classifier + " input_folder=" + f[ 0 ]
					+ " output_folder=" + out + " model=" + Fixtures.TINY_MODEL + " threads=2\");" );
			assertFalse( partial.canceled(), partial.cancelReason() );
			assertEquals( Map.of(), partial.opened, "no dialog" );
			assertEquals( List.of(), partial.windows, "no window nobody asked for" );
			Fixtures.assertSameLabels( first.resolve( "a-classes.zarr" ), out.resolve( "a-classes.zarr" ) );
			Fixtures.assertSameLabels( first.resolve( "b-classes.zarr" ), out.resolve( "b-classes.zarr" ) );
		}
		delete( out );
		try ( LegacyLayer headless = new LegacyLayer( false ) )
		{
			final LegacyLayer.Run run = headless.macro( recorded );
			assertFalse( run.canceled(), run.cancelReason() );
			Fixtures.assertSameLabels( first.resolve( "a-classes.zarr" ), out.resolve( "a-classes.zarr" ) );
			Fixtures.assertSameLabels( first.resolve( "b-classes.zarr" ), out.resolve( "b-classes.zarr" ) );
		}
		delete( out );
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals( 0, FeaturizeMain.run( new String[] { "--headless", "--run", "Apply Classifier (Folder)", "classifier='" + classifier
				+ "',input_folder='" + f[ 0 ] + "',output_folder='" + out + "',model='" + Fixtures.TINY_MODEL + "',threads='2'" }, System.out,
				new PrintStream( err, true, StandardCharsets.UTF_8 ) ), err::toString );
		Fixtures.assertSameLabels( first.resolve( "a-classes.zarr" ), out.resolve( "a-classes.zarr" ) );
		Fixtures.assertSameLabels( first.resolve( "b-classes.zarr" ), out.resolve( "b-classes.zarr" ) );
	}

	/** The README's macro line ({@code full}: the line it says the recorder writes), with its paths replaced. */
	static String readmeLine( final boolean full, final Path input, final Path output ) throws Exception
	{
		final List< String > lines = Files.readAllLines( External.projectDir().resolve( "README.md" ) ).stream()
				.filter( l -> l.startsWith( "run(\"UNet\"" ) && l.contains( " preview_plane=" ) == full ).collect( Collectors.toList() );
		assertEquals( 1, lines.size(), "the README shows one such macro line: " + lines );
		return lines.get( 0 ).replace( "/data/in.zarr", input.toString() ).replace( "/data/out.zarr", output.toString() );
	}

	/** The README's macro, with its paths replaced by the fixture's. */
	static String readmeMacro( final Path input, final Path output ) throws Exception
	{
		return readmeLine( false, input, output );
	}

	@Test
	void theReadmeSaysWhatTheRecorderWrites( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "in.zarr" ), output = dir.resolve( "out.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 3, 256, 256 ).chunks( 1, 256, 256 )
				.dataType( DataType.UINT16 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		for ( int z = 0; z < 3; z++ )
		{
			final short[] p = new short[ 256 * 256 ];
			for ( int i = 0; i < p.length; i++ )
				p[ i ] = ( short ) ( 100 * z + ( i % 256 ) + ( i / 256 ) % 37 );
			a.writeChunk( new long[] { z, 0, 0 }, p );
		}
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( FeaturizeCommand.class, typed( "input", input.toFile(), "output", output.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			assertEquals( readmeLine( true, input, output ), menu.recorded );
		}
	}

	@Test
	void theReadmeSaysWhatTheRecorderWritesForThePixelClassifier( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "in.zarr" ), labels = dir.resolve( "labels.zarr" ), output = dir.resolve( "classes.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 3, 256, 256 ).chunks( 1, 256, 256 )
				.dataType( DataType.UINT16 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		for ( int z = 0; z < 3; z++ )
		{
			final short[] p = new short[ 256 * 256 ];
			for ( int i = 0; i < p.length; i++ )
				p[ i ] = ( short ) ( 100 * z + ( i % 256 ) + ( i / 256 ) % 37 );
			a.writeChunk( new long[] { z, 0, 0 }, p );
		}
		final ZarrArray l = ZarrArray.create( labels, "", ArraySpec.builder().shape( 3, 256, 256 ).chunks( 1, 256, 256 )
				.dataType( DataType.UINT8 ).compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		final byte[] scribbles = new byte[ 256 * 256 ];
		for ( int x = 20; x < 230; x++ )
		{
			scribbles[ 40 * 256 + x ] = 1;
			scribbles[ 200 * 256 + x ] = 2;
		}
		l.writeChunk( new long[] { 0, 0, 0 }, scribbles );
		final String readme = Files.readAllLines( External.projectDir().resolve( "README.md" ) ).stream()
				.filter( line -> line.startsWith( "run(\"Pixel Classifier\"" ) ).collect( Collectors.toList() ).toString();
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run menu = fiji.menu( PixelClassifierCommand.class,
					typed( "input", input.toFile(), "labels", labels.toFile(), "output", output.toFile(), "threads", "2" ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			// the same line, with the README's paths, and display=ImageJ where the dialog has a screen to offer it (this test has none)
			assertEquals( List.of( menu.recorded.replace( input.toString(), "/data/in.zarr" ).replace( labels.toString(), "/data/labels.zarr" )
					.replace( output.toString(), "/data/classes.zarr" ).replace( " display=none ", " display=ImageJ " ) ).toString(), readme );
		}
	}

	@Test
	void theReadmesMacroRunsWithTheDefaultsForTheRestWithoutADialogOrAWindow( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			final LegacyLayer.Run run = fiji.macro( readmeMacro( input, output ) );
			assertFalse( run.canceled(), run.cancelReason() );
			assertEquals( Map.of(), run.opened, "no dialog" );
			assertEquals( List.of(), run.windows, "no window" );
			assertNull( run.recorded, "a macro run records nothing" );
			assertArrayEquals( new long[] { 2, 3, 20, 28, 16 }, ZarrArray.open( output, "" ).shape(), "the shipped model's 16 features" );
			final Map< ?, ? > p = parameters( output );
			assertEquals( List.of( 20, 28 ), p.get( "tile" ), "the chunk" );
			assertEquals( 13, p.get( "keep_bits" ) );
			assertNotNull( run.module.getOutput( "features" ), "a script still gets the features" );
		}
	}

	private static void assertNull( final Object o, final String message )
	{
		assertEquals( null, o, message );
	}

	@Test
	void anExplicitZeroWhereZeroIsInvalidIsAnError( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final String start = "run(\"UNet\", \"input=" + input + " model=" + Fixtures.TINY_MODEL + " output=" + dir.resolve( "o.zarr" );
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			assertEquals( "threads must be at least 1, got 0", fiji.macro( start + " threads=0\");" ).cancelReason() );
			assertEquals( "tile must be a positive number of pixels, got 0", fiji.macro( start + " tile=0\");" ).cancelReason() );
			assertEquals( "keep_bits must be 1 to 23 for float32 output, got 0 (rounding=none stores the values exactly)",
					fiji.macro( start + " keep_bits=0\");" ).cancelReason() );
			assertEquals( "tile must be a whole number (or empty for the default), got \"16px\"", fiji.macro( start + " tile=16px\");" ).cancelReason() );
			assertFalse( dir.resolve( "o.zarr" ).toFile().exists() );
			final LegacyLayer.Run halo0 = fiji.macro( start + " halo=0\");" );
			assertFalse( halo0.canceled(), halo0.cancelReason() );
			assertEquals( 0, parameters( dir.resolve( "o.zarr" ) ).get( "halo" ), "a halo of 0 given is a halo of 0" );
		}
	}

	@Test
	void theDialogShowsTheRunsRealDefaultsNeverAZero( @TempDir final Path dir ) throws Exception
	{
		try ( LegacyLayer fiji = new LegacyLayer( false ) )
		{
			for ( final CommandInfo c : fiji.context.service( CommandService.class ).getCommands() )
				if ( c.getClassName().startsWith( "org.featurize." ) )
				{
					assertTrue( FijiCommand.class.isAssignableFrom( c.loadClass() ), c.getClassName() + " extends FijiCommand" );
					assertTrue( COVERED.contains( c.loadClass() ), c.getClassName() + " is a command of this project: show its dialog's defaults here" );
				}
		}

		final Path input = squareChunks( dir ), output = dir.resolve( "dialog.zarr" ), plain = dir.resolve( "plain.zarr" );
		try ( LegacyLayer fiji = new LegacyLayer( true ) )
		{
			// the same input, model and output given and nothing else: the run's own defaults (its halo is measured once
			// and kept, so that the dialog below can show it)
			final LegacyLayer.Run given = fiji.macro( "run(\"UNet\", \"input=" + input + " model=" + Fixtures.TINY_MODEL + " output=" + plain + "\");" );
			assertFalse( given.canceled(), given.cancelReason() );
			final Map< ?, ? > run = parameters( plain );

			final LegacyLayer.Run menu = fiji.menu( FeaturizeCommand.class,
					typed( "input", input.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "output", output.toFile() ) );
			assertFalse( menu.canceled(), menu.cancelReason() );
			// when the dialog opens: nothing known of the input yet, so no tile, halo or chunk; its bits, a thread per core
			assertEquals( "", menu.opened.get( "tile" ) );
			assertEquals( "", menu.opened.get( "halo" ) );
			assertEquals( "", menu.opened.get( "chunk" ) );
			assertEquals( String.valueOf( CORES ), menu.opened.get( "threads" ) );
			assertEquals( "13", menu.opened.get( "keep_bits" ) );
			assertEquals( "", menu.opened.get( "preview_plane" ) );
			assertEquals( 1, menu.opened.get( "levels" ) );
			for ( final Map.Entry< String, Object > e : menu.opened.entrySet() )
				assertFalse( "0".equals( String.valueOf( e.getValue() ) ), e.getKey() + " shows 0" );
			// once the input and the model are chosen: the tile, halo and chunk the run used (tile and chunk where square,
			// the only shape one number says), its bits, the middle plane; and the run the dialog makes is that run
			assertEquals( square( run.get( "tile" ) ), menu.atOk.get( "tile" ) );
			assertEquals( String.valueOf( run.get( "halo" ) ), menu.atOk.get( "halo" ) );
			assertEquals( square( run.get( "chunk" ) ), menu.atOk.get( "chunk" ) );
			assertEquals( "1", menu.atOk.get( "preview_plane" ) );
			assertSameChunks( output, plain );
			assertEquals( run.get( "tile" ), parameters( output ).get( "tile" ) );
			assertEquals( run.get( "halo" ), parameters( output ).get( "halo" ) );
			assertEquals( run.get( "chunk" ), parameters( output ).get( "chunk" ) );
			assertEquals( 13, run.get( "keep_bits" ) );
			final RandomAccessibleInterval< ? > features = ( RandomAccessibleInterval< ? > ) given.module.getOutput( "features" );
			assertEquals( menu.atOk.get( "preview_plane" ), String.valueOf( features.dimension( 3 ) / 2 ), "the middle z" );

			// the bits follow the output type and the rounding; a number the user typed stays
			final LegacyLayer.Run half = fiji.menu( FeaturizeCommand.class, typed( "tile", "8", "input", input.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "output_type", "float16" ) );
			assertEquals( "10", half.atOk.get( "keep_bits" ) );
			assertEquals( "8", half.atOk.get( "tile" ), "typed before the input, kept after it" );
			// another input chosen after the first: the dialog follows it (a 32 x 32 chunk over 20 x 28 planes)
			final Path wide = squareChunks( dir.resolve( "wide" ), 32 );
			final LegacyLayer.Run again = fiji.menu( FeaturizeCommand.class,
					typed( "input", input.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "input", wide.toFile() ) );
			assertFalse( again.canceled(), again.cancelReason() );
			assertEquals( menu.atOk.get( "halo" ), again.atOk.get( "halo" ), "the same model" );
			final LegacyLayer.Run exact = fiji.menu( FeaturizeCommand.class, typed( "input", input.toFile(), "model", Fixtures.TINY_MODEL.toFile(), "rounding", "none" ) );
			assertEquals( "", exact.atOk.get( "keep_bits" ), "rounding=none takes no bits" );
			assertFalse( exact.canceled(), exact.cancelReason() );
			assertTrue( exact.recorded.contains( " rounding=none " ) && exact.recorded.contains( " keep_bits= " ), exact.recorded );
			assertFalse( exact.recorded.contains( "expert" ), "the section header is not recorded: " + exact.recorded );
		}
	}
}
