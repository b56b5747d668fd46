package org.featurize.unet.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.featurize.unet.classify.ClassifyRequest;
import org.featurize.unet.classify.PixelClassifier;
import org.featurize.unet.cli.FeaturizeMain;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.task.TaskService;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.LUT;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Plugins &gt; Featurize &gt; Pixel Classifier and Apply Classifier through SciJava's CommandService, as Fiji and
 * scripts run them, against {@code bin/featurize classify} on the same labels.
 */
class ClassifierCommandsTest
{
	static Context context;

	@BeforeAll
	static void start()
	{
		context = new Context( CommandService.class, TaskService.class );
	}

	@AfterAll
	static void stop()
	{
		context.dispose();
	}

	@AfterEach
	void imageJsRoisAgain()
	{
		PixelClassifierCommand.roiSource = PixelClassifierCommand.IMAGEJ;
	}

	/** The ROIs the command finds, drawn on no image it knows. */
	static void drawn( final Roi... rois )
	{
		PixelClassifierCommand.roiSource = new PixelClassifierCommand.RoiSource()
		{
			@Override
			public Roi[] rois()
			{
				return rois;
			}

			@Override
			public ImagePlus image()
			{
				return null;
			}
		};
	}

	static CommandModule run( final Class< ? extends Command > command, final Object... keysAndValues ) throws Exception
	{
		final Map< String, Object > args = new HashMap<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			args.put( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] instanceof Path ? ( ( Path ) keysAndValues[ i + 1 ] ).toFile()
					: keysAndValues[ i + 1 ] );
		return context.service( CommandService.class ).run( command, false, args ).get();
	}

	/** {@code bin/featurize} with these arguments; fails with its stderr unless it exits 0. */
	static void featurize( final String... args )
	{
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals( 0, FeaturizeMain.run( args, System.out, new PrintStream( err, true, StandardCharsets.UTF_8 ) ), err::toString );
	}

	/** The CLI trained on the fixture's scribbles: its labels at {@code dir/cli.zarr}, its classifier at {@code dir/cli.json}. */
	static Path cli( final Path dir, final Path input )
	{
		final Path labels = Fixtures.labelArray( dir, "scribbles.zarr", Fixtures.scribbles() );
		featurize( "classify", input.toString(), labels.toString(), dir.resolve( "cli.zarr" ).toString(), "--model", Fixtures.TINY_MODEL.toString(),
				"--threads", "2", "--save-classifier", dir.resolve( "cli.json" ).toString() );
		return dir.resolve( "cli.zarr" );
	}

	/** Every pixel of a lazy label image (x, y, z, t) against a label array (t, z, y, x) of one chunk per plane. */
	static void assertLabels( final Path expected, final RandomAccessibleInterval< ? > labels )
	{
		final ZarrArray a = ZarrArray.open( expected, "" );
		final long[] shape = a.shape();
		assertArrayEquals( new long[] { shape[ 3 ], shape[ 2 ], shape[ 1 ], shape[ 0 ] }, labels.dimensionsAsLongArray() );
		final RandomAccess< ? > r = labels.randomAccess();
		for ( int t = 0; t < shape[ 0 ]; t++ )
			for ( int z = 0; z < shape[ 1 ]; z++ )
			{
				final byte[] plane = ( byte[] ) a.readChunk( t, z, 0, 0 );
				for ( int y = 0; y < shape[ 2 ]; y++ )
					for ( int x = 0; x < shape[ 3 ]; x++ )
					{
						r.setPosition( new long[] { x, y, z, t } );
						assertEquals( plane[ ( int ) ( y * shape[ 3 ] + x ) ] & 0xff, ( int ) ( ( RealType< ? > ) r.get() ).getRealDouble(),
								"label at x " + x + ", y " + y + ", z " + z + ", t " + t );
					}
			}
	}

	@Test
	void areMenuEntriesWithMacroFriendlyParameters()
	{
		for ( final Class< ? extends Command > c : List.of( PixelClassifierCommand.class, ApplyClassifierCommand.class ) )
		{
			final CommandInfo info = context.service( CommandService.class ).getCommand( c );
			final String title = c == PixelClassifierCommand.class ? "Pixel Classifier" : "Apply Classifier";
			assertEquals( "Plugins > Featurize > " + title, info.getMenuPath().getMenuString() );
			assertEquals( title, info.getTitle() );
			final Map< String, Class< ? > > types = new HashMap<>();
			for ( final ModuleItem< ? > item : info.inputs() )
				if ( !item.getType().getName().startsWith( "org.scijava" ) )
				{
					types.put( item.getName(), item.getType() );
					assertFalse( item.isPersisted(), item.getName() + " must not persist between runs" );
				}
			for ( final String file : new String[] { "input", "model", "features", "output", "probabilities" } )
				assertEquals( File.class, types.get( file ), file );
			for ( final String text : new String[] { "dataset", "tile", "halo", "chunk", "threads", "display", "output_type" } )
				assertEquals( String.class, types.get( text ), text );
			assertEquals( File.class, types.get( c == PixelClassifierCommand.class ? "labels" : "classifier" ) );
		}
		final Map< String, Class< ? > > trained = new HashMap<>();
		for ( final ModuleItem< ? > item : context.service( CommandService.class ).getCommand( PixelClassifierCommand.class ).inputs() )
			trained.put( item.getName(), item.getType() );
		assertEquals( File.class, trained.get( "save_classifier" ) );
		assertEquals( int.class, trained.get( "trees" ) );
		assertEquals( int.class, trained.get( "max_samples" ) );
	}

	@Test
	void roisTrainAsBinFeaturizeClassifyOnTheSameLabels( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final Path expected = cli( dir, input );
		drawn( RoiLabelsTest.scribbleRois() );
		final CommandModule module = run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL, "threads", "2",
				"output", dir.resolve( "rois.zarr" ), "save_classifier", dir.resolve( "rois.json" ) );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		Fixtures.assertSameLabels( expected, dir.resolve( "rois.zarr" ) );
		final PixelClassifier fromRois = PixelClassifier.read( dir.resolve( "rois.json" ) ), fromCli = PixelClassifier.read( dir.resolve( "cli.json" ) );
		assertEquals( fromCli.forestSha256(), fromRois.forestSha256(), "the same forest" );
		assertEquals( "class 1", fromRois.name( 0 ) );
		assertEquals( "background", fromRois.name( 1 ), "the ROIs' name of class 2" );
		assertEquals( "class 3", fromRois.name( 2 ) );
		assertEquals( "ImageJ ROIs: 1 (2 ROIs, 12 pixels), 2 \"background\" (2 ROIs, 32 pixels), 3 (1 ROI, 5 pixels)",
				fromRois.training().get( "labels" ) );
		// the returned lazy labels are the written ones, pixel for pixel
		assertLabels( expected, ( RandomAccessibleInterval< ? > ) module.getOutput( "classes" ) );
	}

	@Test
	void aSecondRunOverTheSameInputReusesItsFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		drawn( RoiLabelsTest.scribbleRois() );
		final CommandModule first = run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL, "threads", "2" );
		assertFalse( first.isCanceled(), first.getCancelReason() );
		final Map< String, Object > training = ( ( PixelClassifierCommand ) first.getDelegateObject() ).result().classifier.training();
		assertEquals( List.of( 2L, 0L ), List.of( ( ( Number ) training.get( "cells_computed" ) ).longValue(),
				( ( Number ) training.get( "cells_reused" ) ).longValue() ), "planes 0 and 4 computed" );

		// one more ROI, on plane 5 (z 3, t 2): only that plane's features are computed
		final Roi[] more = java.util.Arrays.copyOf( RoiLabelsTest.scribbleRois(), 6 );
		more[ 5 ] = new Roi( 4, 12, 3, 1 );
		more[ 5 ].setName( "background" );
		more[ 5 ].setPosition( 0, 3, 2 );
		drawn( more );
		final CommandModule second = run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL, "threads", "2",
				"output", dir.resolve( "second.zarr" ) );
		assertFalse( second.isCanceled(), second.getCancelReason() );
		final Map< String, Object > again = ( ( PixelClassifierCommand ) second.getDelegateObject() ).result().classifier.training();
		assertEquals( List.of( 1L, 2L ), List.of( ( ( Number ) again.get( "cells_computed" ) ).longValue(),
				( ( Number ) again.get( "cells_reused" ) ).longValue() ), "plane 5 computed, planes 0 and 4 reused" );

		// other settings: other features, nothing reused; the same labels all the same
		final CommandModule other = run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL, "threads", "1",
				"output", dir.resolve( "other.zarr" ) );
		assertFalse( other.isCanceled(), other.getCancelReason() );
		assertEquals( 0L, ( ( Number ) ( ( PixelClassifierCommand ) other.getDelegateObject() ).result().classifier.training().get( "cells_reused" ) )
				.longValue() );
		Fixtures.assertSameLabels( dir.resolve( "other.zarr" ), dir.resolve( "second.zarr" ) );
	}

	@Test
	void headlessRunsOfBothCommandsWriteWhatTheCliWrites( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final Path expected = cli( dir, input );
		final Path labels = dir.resolve( "scribbles.zarr" );
		featurize( "--headless", "--run", "Pixel Classifier", String.format( "input='%s',labels='%s',output='%s',model='%s',threads=2,"
				+ "save_classifier='%s'", input, labels, dir.resolve( "run.zarr" ), Fixtures.TINY_MODEL, dir.resolve( "run.json" ) ) );
		Fixtures.assertSameLabels( expected, dir.resolve( "run.zarr" ) );
		featurize( "--headless", "--run", "Apply Classifier", String.format( "input='%s',classifier='%s',output='%s',model='%s',threads=2",
				input, dir.resolve( "run.json" ), dir.resolve( "applied.zarr" ), Fixtures.TINY_MODEL ) );
		Fixtures.assertSameLabels( expected, dir.resolve( "applied.zarr" ) );
		featurize( "--headless", "--run", ApplyClassifierCommand.class.getName(), String.format(
				"input='%s',classifier='%s',probabilities='%s',model='%s'", input, dir.resolve( "cli.json" ), dir.resolve( "p.zarr" ), Fixtures.TINY_MODEL ) );
		assertArrayEquals( new long[] { 2, 3, 20, 28, 3 }, ZarrArray.open( dir.resolve( "p.zarr" ), "" ).shape(), "three classes' probabilities" );
	}

	@Test
	void oneChannelOfSeveralIsClassifiedByBothCommandsAsOnTheCommandLine( @TempDir final Path dir ) throws Exception
	{
		final Path made = java.nio.file.Files.createDirectories( dir.resolve( "made" ) );
		final Path ome = Fixtures.channels( made, "cells.ome.zarr", true ), plain = Fixtures.channels( made, "plain.zarr", false, false );
		final Path labels = Fixtures.channelLabels( dir, Fixtures.channelAlone( made, 1 ) );
		final Path expected = dir.resolve( "cli.zarr" );
		featurize( "classify", ome.toString(), labels.toString(), expected.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2",
				"--channel", "GFP", "--save-classifier", dir.resolve( "cli.json" ).toString() );
		featurize( "--headless", "--run", "Pixel Classifier", String.format( "input='%s',labels='%s',output='%s',model='%s',threads=2,channel='GFP'",
				ome, labels, dir.resolve( "run.zarr" ), Fixtures.TINY_MODEL ) );
		Fixtures.assertSameLabels( expected, dir.resolve( "run.zarr" ) );
		featurize( "--headless", "--run", "Apply Classifier", String.format( "input='%s',classifier='%s',output='%s',model='%s',threads=2,"
				+ "channel='1',channel_axis='1'", plain, dir.resolve( "cli.json" ), dir.resolve( "applied.zarr" ), Fixtures.TINY_MODEL ) );
		Fixtures.assertSameLabels( expected, dir.resolve( "applied.zarr" ) );
	}

	@Test
	void aRegionOfALevelIsClassifiedByBothCommandsAsOnTheCommandLine( @TempDir final Path dir ) throws Exception
	{
		final Path pyramid = Fixtures.multiscale( dir, "pyramid.ome.zarr" ), copied = Fixtures.levelOne( dir, "level1.zarr" );
		final Path labels = org.featurize.unet.cli.ClassifyPartsTest.halves( dir, copied );
		final Path expected = dir.resolve( "cli.zarr" );
		featurize( "classify", pyramid.toString(), labels.toString(), expected.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2",
				"--level", "1", "--save-classifier", dir.resolve( "cli.json" ).toString() );
		featurize( "--headless", "--run", "Pixel Classifier", String.format( "input='%s',labels='%s',output='%s',model='%s',threads=2,level='1'",
				pyramid, labels, dir.resolve( "run.zarr" ), Fixtures.TINY_MODEL ) );
		Fixtures.assertSameChunks( expected, dir.resolve( "run.zarr" ) );
		final Path part = dir.resolve( "part.zarr" );
		featurize( "classify", pyramid.toString(), "--classifier", dir.resolve( "cli.json" ).toString(), part.toString(), "--model",
				Fixtures.TINY_MODEL.toString(), "--threads", "2", "--level", "1", "--region", "1,:,2:10,4:" );
		featurize( "--headless", "--run", "Apply Classifier", String.format( "input='%s',classifier='%s',output='%s',model='%s',threads=2,"
				+ "level='1',region='1,:,2:10,4:'", pyramid, dir.resolve( "cli.json" ), dir.resolve( "applied.zarr" ), Fixtures.TINY_MODEL ) );
		Fixtures.assertSameChunks( part, dir.resolve( "applied.zarr" ) );
		assertArrayEquals( new long[] { 1, 3, 8, 10 }, ZarrArray.open( dir.resolve( "applied.zarr" ), "" ).shape() );
	}

	@Test
	void applyClassifierWritesWhatTheClassifierWasTrainedToAndShowsItInItsColours( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final Path expected = cli( dir, input );
		final CommandModule module = run( ApplyClassifierCommand.class, "input", input, "classifier", dir.resolve( "cli.json" ), "model",
				Fixtures.TINY_MODEL, "output", dir.resolve( "applied.zarr" ) );
		assertFalse( module.isCanceled(), module.getCancelReason() );
		Fixtures.assertSameLabels( expected, dir.resolve( "applied.zarr" ) );

		// the ImageJ display: a virtual stack of the class values, z slices, t frames, each class in its colour
		final ApplyClassifierCommand command = ( ApplyClassifierCommand ) module.getDelegateObject();
		final ImagePlus imp = LabelDisplay.wrap( command.result().classification, "in classes" );
		assertArrayEquals( new int[] { 28, 20, 1, 3, 2 }, imp.getDimensions() );
		final ZarrArray written = ZarrArray.open( expected, "" );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 3; z++ )
				assertArrayEquals( ( byte[] ) written.readChunk( t, z, 0, 0 ), ( byte[] ) imp.getStack().getProcessor( imp.getStackIndex( 1, z + 1, t + 1 ) )
						.getPixels(), "plane z " + z + ", t " + t );
		final LUT lut = imp.getProcessor().getLut();
		final PixelClassifier classifier = command.result().classifier;
		for ( int c = 0; c < classifier.classes(); c++ )
			assertEquals( classifier.color( c ), lut.getRGB( ( int ) classifier.value( c ) ) & 0xffffff, "colour of class " + classifier.value( c ) );
		assertEquals( 0, lut.getRGB( 0 ) & 0xffffff, "unlabelled is black" );
	}

	@Test
	void bothCommandsClassifyAFeaturesZarrAsTheCliDoesOnComputedFeatures( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		final Path expected = cli( dir, input ); // features computed, default tile for 2 threads
		final Path features = dir.resolve( "features.zarr" );
		// with the margin classify computes features with by default
		featurize( input.toString(), features.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2", "--rounding", "none",
				"--margin", String.valueOf( ClassifyRequest.DEFAULT_MARGIN ) );
		featurize( "--headless", "--run", "Pixel Classifier", String.format( "input='%s',labels='%s',features='%s',output='%s',threads=2,"
				+ "save_classifier='%s'", input, dir.resolve( "scribbles.zarr" ), features, dir.resolve( "stored.zarr" ), dir.resolve( "stored.json" ) ) );
		Fixtures.assertSameLabels( expected, dir.resolve( "stored.zarr" ) );
		assertEquals( PixelClassifier.read( dir.resolve( "cli.json" ) ).forestSha256(), PixelClassifier.read( dir.resolve( "stored.json" ) ).forestSha256() );
		final CommandModule applied = run( ApplyClassifierCommand.class, "input", input, "classifier", dir.resolve( "cli.json" ), "features", features,
				"output", dir.resolve( "applied.zarr" ) );
		assertFalse( applied.isCanceled(), applied.getCancelReason() );
		Fixtures.assertSameLabels( expected, dir.resolve( "applied.zarr" ) );
		assertLabels( expected, ( ( ApplyClassifierCommand ) applied.getDelegateObject() ).result().classification.labels() );

		// features of another normalization than the classifier's: cancelled with the reason, nothing written
		final Path percentile = dir.resolve( "percentile.zarr" );
		featurize( input.toString(), percentile.toString(), "--model", Fixtures.TINY_MODEL.toString(), "--threads", "2", "--normalization", "percentile",
				"--margin", String.valueOf( ClassifyRequest.DEFAULT_MARGIN ) );
		final CommandModule refused = run( ApplyClassifierCommand.class, "input", input, "classifier", dir.resolve( "cli.json" ), "features", percentile,
				"output", dir.resolve( "refused.zarr" ) );
		assertTrue( refused.isCanceled() );
		assertEquals( "Classifier " + dir.resolve( "cli.json" ) + " was trained on features normalized by none; features " + percentile
				+ " are normalized by percentile 1.0..99.8: give features of that normalization, or train again", refused.getCancelReason() );
		assertFalse( Files.exists( dir.resolve( "refused.zarr" ) ), "nothing written" );
	}

	@Test
	void badInputCancelsWithTheReason( @TempDir final Path dir ) throws Exception
	{
		final Path input = Fixtures.volume( dir );
		drawn();
		final CommandModule none = run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL, "output", dir.resolve( "o.zarr" ) );
		assertTrue( none.isCanceled() );
		assertEquals( "No labels: give a label array (labels=), or draw ROIs over the input and add them to the ROI Manager, named after their "
				+ "class (1, 2, ... or words such as \"background\")", none.getCancelReason() );
		assertNull( none.getOutput( "classes" ) );

		final Roi one = new Roi( 3, 7, 6, 1 ), two = new Roi( 3, 9, 6, 1 );
		one.setName( "1" );
		two.setName( "1" );
		one.setPosition( 0, 1, 1 );
		two.setPosition( 0, 2, 1 );
		drawn( one, two );
		assertEquals( "The ROIs label a single class (1, 2 ROIs); label at least two classes to train a classifier (name each ROI after its "
				+ "class: 1, 2, ... or words such as \"background\")",
				run( PixelClassifierCommand.class, "input", input, "model", Fixtures.TINY_MODEL ).getCancelReason() );

		final Path single = Fixtures.labelArray( dir, "single.zarr", Map.of( 1L, new long[] { 3, 4, 5 } ) );
		assertEquals( "Labels " + single + " hold a single class (1); label at least two classes to train a classifier",
				run( PixelClassifierCommand.class, "input", input, "labels", single, "model", Fixtures.TINY_MODEL ).getCancelReason() );

		assertEquals( "display=ImageJ needs a screen, and this runs headless; use display=none",
				run( PixelClassifierCommand.class, "input", input, "labels", single, "display", "ImageJ" ).getCancelReason() );
		assertFalse( Files.exists( dir.resolve( "o.zarr" ) ), "nothing written" );

		// a classifier of another model's features
		cli( dir, input );
		final String json = Files.readString( dir.resolve( "cli.json" ) );
		final PixelClassifier trained = PixelClassifier.read( dir.resolve( "cli.json" ) );
		final Path foreign = dir.resolve( "foreign.json" );
		Files.writeString( foreign, json.replace( trained.modelSha256(), "0".repeat( 64 ) ).replace( "\"model\" : \"" + trained.features().get( "model" ),
				"\"model\" : \"other" ) );
		final CommandModule applied = run( ApplyClassifierCommand.class, "input", input, "classifier", foreign, "model", Fixtures.TINY_MODEL,
				"output", dir.resolve( "a.zarr" ) );
		assertTrue( applied.isCanceled() );
		assertEquals( "Classifier " + foreign + " was trained on the features of model other (sha256 " + "0".repeat( 64 ) + "); this run's model is "
				+ trained.features().get( "model" ) + " (sha256 " + Featurizer.sha256( Fixtures.TINY_MODEL ) + "): run it with that model, or train again",
				applied.getCancelReason() );
		assertFalse( Files.exists( dir.resolve( "a.zarr" ) ), "nothing written" );
		assertEquals( "No classifier given: classifier must be a file saved by Pixel Classifier or bin/featurize classify",
				run( ApplyClassifierCommand.class, "input", input ).getCancelReason() );
	}
}
