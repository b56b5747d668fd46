package org.featurize.unet.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.model.Models;
import org.featurize.unet.testutil.CountingModel;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.IntegerType;

/**
 * Training on a label array and applying the classifier, end to end through {@link ClassifyJob} with a tiny model:
 * what is written, what is computed, the classifier file, and every bad input.
 */
class ClassifyJobTest
{
	/** The shipped model: its features separate the scenes below (the tiny test model's are too coarse for that). */
	static final Path MODEL = Models.defaultModelFile();

	static final Path TINY = Fixtures.TINY_MODEL;

	static final int T = 2, Z = 2, H = 24, W = 32;

	/** Bright discs (class 2) on a dim background (class 1), with noise: the truth and the image. */
	static short[][] scene( final long seed )
	{
		final Random r = new Random( seed );
		final short[] image = new short[ T * Z * H * W ], truth = new short[ image.length ];
		for ( int p = 0; p < T * Z; p++ )
		{
			final double[][] discs = new double[ 4 ][];
			for ( int d = 0; d < discs.length; d++ )
				discs[ d ] = new double[] { r.nextDouble() * H, r.nextDouble() * W, 4 + 3 * r.nextDouble() };
			for ( int y = 0; y < H; y++ )
				for ( int x = 0; x < W; x++ )
				{
					boolean inside = false;
					for ( final double[] d : discs )
						inside |= ( y - d[ 0 ] ) * ( y - d[ 0 ] ) + ( x - d[ 1 ] ) * ( x - d[ 1 ] ) < d[ 2 ] * d[ 2 ];
					final int i = ( p * H + y ) * W + x;
					truth[ i ] = ( short ) ( inside ? 2 : 1 );
					image[ i ] = ( short ) ( ( inside ? 900 : 300 ) + 60 * r.nextGaussian() );
				}
		}
		return new short[][] { image, truth };
	}

	static Path array( final Path path, final DataType type, final Object data )
	{
		final ZarrArray a = ZarrArray.create( path, "", ArraySpec.builder().shape( T, Z, H, W ).chunks( 1, 1, H, W ).dataType( type )
				.compressor( Compressor.zstd( 3 ) ).zarrFormat( 2 ).build() );
		final int plane = H * W;
		for ( int p = 0; p < T * Z; p++ )
		{
			final Object chunk = java.lang.reflect.Array.newInstance( data.getClass().getComponentType(), plane );
			System.arraycopy( data, p * plane, chunk, 0, plane );
			a.writeChunk( new long[] { p / Z, p % Z, 0, 0 }, chunk );
		}
		return path;
	}

	/** Scribbles: every 2nd pixel of every 2nd row of plane 0, with its true class. */
	static short[] scribbles( final short[] truth )
	{
		final short[] labels = new short[ truth.length ];
		for ( int y = 1; y < H; y += 2 )
			for ( int x = y % 4 / 2; x < W; x += 2 )
				labels[ y * W + x ] = truth[ y * W + x ];
		return labels;
	}

	/** Scene {@code seed}'s image ({@code in.zarr}) and scribbles of its truth ({@code labels.zarr}), written in {@code dir}. */
	static Path[] inputAndScribbles( final Path dir, final long seed )
	{
		final short[][] scene = scene( seed );
		return new Path[] { array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] ),
				array( dir.resolve( "labels.zarr" ), DataType.UINT16, scribbles( scene[ 1 ] ) ) };
	}

	static ClassifyRequest request( final Path input )
	{
		return ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ) );
	}

	static ClassifyJob.Result run( final ClassifyRequest request )
	{
		return new ClassifyJob( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	static short[] read( final Path array )
	{
		final Object data = ZarrArray.open( array, "" ).readRegion( new long[ 4 ], new int[] { T, Z, H, W } );
		if ( data instanceof short[] )
			return ( short[] ) data;
		final byte[] b = ( byte[] ) data;
		final short[] s = new short[ b.length ];
		for ( int i = 0; i < b.length; i++ )
			s[ i ] = ( short ) ( b[ i ] & 0xff );
		return s;
	}

	static double accuracy( final short[] predicted, final short[] truth )
	{
		int right = 0;
		for ( int i = 0; i < truth.length; i++ )
			right += predicted[ i ] == truth[ i ] ? 1 : 0;
		return right / ( double ) truth.length;
	}

	@Test
	void trainsOnALabelArrayAndWritesEveryPixelsClass( @TempDir final Path dir ) throws Exception
	{
		final short[][] scene = scene( 1 );
		final Path input = array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final Path labels = array( dir.resolve( "labels.zarr" ), DataType.UINT16, scribbles( scene[ 1 ] ) );
		final Path out = dir.resolve( "out.zarr" ), probabilities = dir.resolve( "p.zarr" ), file = dir.resolve( "c.json" );
		final ClassifyJob.Result r = run( request( input ).labels( labels, "" ).output( out ).probabilities( probabilities ).saveClassifier( file ) );

		final ZarrArray written = ZarrArray.open( out, "" );
		assertArrayEquals( new long[] { T, Z, H, W }, written.shape() );
		assertEquals( DataType.UINT8, written.dataType(), "the smallest type that holds the classes" );
		final short[] predicted = read( out );
		final double acc = accuracy( predicted, scene[ 1 ] );
		assertTrue( acc > 0.9, "accuracy on all planes, three of them never labelled: " + acc );
		// the probabilities: (t, z, y, x, class), summing to 1, their first highest class is the label
		final ZarrArray p = ZarrArray.open( probabilities, "" );
		assertArrayEquals( new long[] { T, Z, H, W, 2 }, p.shape() );
		final float[] pv = ( float[] ) p.readRegion( new long[ 5 ], new int[] { T, Z, H, W, 2 } );
		for ( int i = 0; i < predicted.length; i++ )
		{
			assertEquals( 1, pv[ 2 * i ] + pv[ 2 * i + 1 ], 1e-5 );
			assertEquals( pv[ 2 * i + 1 ] > pv[ 2 * i ] ? 2 : 1, predicted[ i ], "pixel " + i );
		}
		// the record of the run and of the training
		final Map< ?, ? > record = ( Map< ?, ? > ) written.attributes().get( "featurize" );
		assertEquals( true, record.get( "complete" ) );
		final Map< String, Object > training = r.classifier.training();
		int labelled = 0;
		for ( final short v : scribbles( scene[ 1 ] ) )
			labelled += v != 0 ? 1 : 0;
		assertEquals( labelled, ( ( Number ) training.get( "samples" ) ).intValue() );
		assertEquals( 4L, ( ( Number ) training.get( "tiles_computed" ) ).longValue(), "plane 0's four 16 x 16 tiles hold labels" );
		assertEquals( 16L, ( ( Number ) training.get( "tiles_in_volume" ) ).longValue() );
		assertEquals( Featurizer.sha256( MODEL ), r.classifier.modelSha256() );
		assertTrue( Files.size( file ) > 0 );
	}

	@Test
	void onlyTheTilesThatHoldLabelsAreComputedForTraining( @TempDir final Path dir )
	{
		final short[][] scene = scene( 2 );
		final Path input = array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final short[] labels = new short[ scene[ 1 ].length ];
		final int plane3 = 3 * H * W; // t = 1, z = 1
		labels[ plane3 + 2 * W + 3 ] = 1; // tile (0, 0)
		labels[ plane3 + 20 * W + 30 ] = 2; // tile (1, 1)
		labels[ plane3 + 21 * W + 29 ] = 1; // tile (1, 1)
		final Path labelArray = array( dir.resolve( "labels.zarr" ), DataType.UINT8, toBytes( labels ) );
		final ClassifyJob.Result r = run( request( input ).labels( labelArray, "" ).saveClassifier( dir.resolve( "c.json" ) ) );
		assertEquals( 2L, ( ( Number ) r.classifier.training().get( "tiles_computed" ) ).longValue() );
		assertEquals( 3, ( ( Number ) r.classifier.training().get( "samples" ) ).intValue() );
	}

	static byte[] toBytes( final short[] s )
	{
		final byte[] b = new byte[ s.length ];
		for ( int i = 0; i < s.length; i++ )
			b[ i ] = ( byte ) s[ i ];
		return b;
	}

	@Test
	void aSavedClassifierGivesTheSameLabelsAndAppliesToOtherVolumes( @TempDir final Path dir ) throws Exception
	{
		final short[][] scene = scene( 3 ), other = scene( 4 );
		final Path input = array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final Path labels = array( dir.resolve( "labels.zarr" ), DataType.UINT16, scribbles( scene[ 1 ] ) );
		final Path file = dir.resolve( "c.json" ), trained = dir.resolve( "trained.zarr" ), applied = dir.resolve( "applied.zarr" );
		run( request( input ).labels( labels, "" ).output( trained ).saveClassifier( file ) );
		run( request( input ).classifier( file ).output( applied ) );
		Fixtures.assertSameChunks( trained, applied );

		final Path otherInput = array( dir.resolve( "other.zarr" ), DataType.UINT16, other[ 0 ] ), otherOut = dir.resolve( "other-out.zarr" );
		run( request( otherInput ).classifier( file ).output( otherOut ) );
		final double acc = accuracy( read( otherOut ), other[ 1 ] );
		assertTrue( acc > 0.9, "a volume the classifier never saw: " + acc );
	}

	@Test
	void pixelsWithoutAValueHaveNoClassAndLeaveTheirNeighboursAsTheyAre( @TempDir final Path dir ) throws Exception
	{
		final short[][] scene = scene( 5 );
		final float[] image = new float[ scene[ 0 ].length ], zeros = new float[ image.length ];
		for ( int i = 0; i < image.length; i++ )
			image[ i ] = zeros[ i ] = scene[ 0 ][ i ];
		final int plane = H * W, gap = 2 * plane + 10 * W + 12; // plane 2: a 3 x 3 block without values
		for ( int y = -1; y <= 1; y++ )
			for ( int x = -1; x <= 1; x++ )
			{
				image[ gap + y * W + x ] = x == 0 && y == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
				zeros[ gap + y * W + x ] = 0;
			}
		final short[] scribbles = scribbles( scene[ 1 ] );
		image[ W + 2 ] = Float.NaN; // a scribbled pixel without a value: not a sample
		zeros[ W + 2 ] = 0;
		final Path input = array( dir.resolve( "in.zarr" ), DataType.FLOAT32, image );
		final Path labels = array( dir.resolve( "labels.zarr" ), DataType.UINT16, scribbles );
		final Path file = dir.resolve( "c.json" ), out = dir.resolve( "out.zarr" ), p = dir.resolve( "p.zarr" );
		final ClassifyJob.Result r = run( request( input ).labels( labels, "" ).output( out ).probabilities( p ).saveClassifier( file ) );
		int labelled = 0;
		for ( final short v : scribbles )
			labelled += v != 0 ? 1 : 0;
		assertEquals( labelled - 1, ( ( Number ) r.classifier.training().get( "samples" ) ).intValue() );

		// the same classifier on the input with 0 where values are missing: the same classes everywhere else
		final Path zeroInput = array( dir.resolve( "zeros.zarr" ), DataType.FLOAT32, zeros ), zeroOut = dir.resolve( "zero-out.zarr" );
		final Path zeroP = dir.resolve( "zero-p.zarr" );
		run( request( zeroInput ).classifier( file ).output( zeroOut ).probabilities( zeroP ) );
		final short[] classes = read( out ), zeroClasses = read( zeroOut );
		final float[] pv = ( float[] ) ZarrArray.open( p, "" ).readRegion( new long[ 5 ], new int[] { T, Z, H, W, 2 } );
		final float[] zeroPv = ( float[] ) ZarrArray.open( zeroP, "" ).readRegion( new long[ 5 ], new int[] { T, Z, H, W, 2 } );
		int missing = 0;
		for ( int i = 0; i < image.length; i++ )
			if ( Float.isFinite( image[ i ] ) )
			{
				assertEquals( zeroClasses[ i ], classes[ i ], "pixel " + i );
				assertEquals( zeroPv[ 2 * i ], pv[ 2 * i ], "pixel " + i );
			}
			else
			{
				missing++;
				assertEquals( 0, classes[ i ], "no class where the input has no value, pixel " + i );
				assertTrue( Float.isNaN( pv[ 2 * i ] ) && Float.isNaN( pv[ 2 * i + 1 ] ), "NaN probabilities at pixel " + i );
			}
		assertEquals( 10, missing );
		assertTrue( accuracy( classes, scene[ 1 ] ) > 0.9 );
	}

	@Test
	void theLabelImageIsComputedWhereItIsLookedAtAndTrainingAgainReusesTheFeatures()
	{
		final short[][] scene = scene( 5 );
		final float[] image = new float[ scene[ 0 ].length ];
		for ( int i = 0; i < image.length; i++ )
			image[ i ] = scene[ 0 ][ i ];
		final DjlFeatureModel model = Models.shared( TINY, 2, 1 );
		final CountingModel counting = new CountingModel( model );
		final FeatureImage features = Features.lazy( ArrayImgs.floats( image, W, H, Z, T ), counting, FeatureOptions.defaults() );
		final Map< Long, long[] > positions = new java.util.TreeMap<>();
		final short[] scribbles = scribbles( scene[ 1 ] );
		for ( final long v : new long[] { 1, 2 } )
		{
			final List< Long > p = new ArrayList<>();
			for ( int i = 0; i < H * W; i++ )
				if ( scribbles[ i ] == v )
					p.add( ( long ) i );
			positions.put( v, p.stream().mapToLong( Long::longValue ).toArray() );
		}
		final Labels labels = Labels.of( W, H, T * Z, positions );
		final TrainingData.Collected collected = TrainingData.collect( features, labels, 2, () -> false );
		assertEquals( 1, counting.calls.get(), "training computed the one labelled plane" );
		final PixelClassifier first = classifier( collected.samples, 8 );
		final Classification classification = new Classification( features, first, DataType.UINT8, 1 << 20, true );
		final RandomAccess< ? > ra = classification.labels().randomAccess();
		ra.setPosition( new long[] { 5, 6, 1, 1 } );
		final int label = ( ( IntegerType< ? > ) ra.get() ).getInteger();
		assertTrue( label == 1 || label == 2, "a class value: " + label );
		assertEquals( 2, counting.calls.get(), "one more plane looked at, one more forward pass" );

		// trained again (another forest), the plane looked at before is classified again without the model
		final Classification again = new Classification( features, classifier( collected.samples, 4 ), DataType.UINT8, 1 << 20, true );
		final RandomAccess< ? > rb = again.labels().randomAccess();
		rb.setPosition( new long[] { 5, 6, 1, 1 } );
		assertEquals( label, ( ( IntegerType< ? > ) rb.get() ).getInteger() );
		assertEquals( 2, counting.calls.get(), "the features of a plane looked at are kept" );
	}

	static PixelClassifier classifier( final Samples samples, final int trees )
	{
		final long[] values = { 1, 2 };
		final Forest forest = new ForestTrainer().trees( trees ).depth( 6 ).train( samples, 2 );
		return new PixelClassifier( forest, values, PixelClassifier.defaultNames( values ), PixelClassifier.defaultColors( values ),
				Map.of( "model", "tiny" ), Map.of() );
	}

	// ------------------------------------------------------------------------------------------------------------
	// Bad input: a clear message, nothing written
	// ------------------------------------------------------------------------------------------------------------

	static String refused( final ClassifyRequest request, final Path... outputs )
	{
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> run( request ) );
		for ( final Path o : outputs )
			assertFalse( Files.exists( o ), "nothing written at " + o );
		return e.getMessage();
	}

	static void assertContains( final String message, final String... parts )
	{
		for ( final String p : parts )
			assertTrue( message.contains( p ), "\"" + message + "\" should contain \"" + p + "\"" );
	}

	@Test
	void badLabels( @TempDir final Path dir )
	{
		final short[][] scene = scene( 6 );
		final Path input = array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final Path out = dir.resolve( "out.zarr" );

		final Path otherShape = dir.resolve( "other-shape.zarr" );
		ZarrArray.create( otherShape, "", ArraySpec.builder().shape( T, Z, H, W + 1 ).chunks( 1, 1, H, W + 1 ).dataType( DataType.UINT8 ).zarrFormat( 2 ).build() );
		assertContains( refused( request( input ).labels( otherShape, "" ).output( out ), out ), "shape [2, 2, 24, 33]", "[2, 2, 24, 32]" );

		final Path empty = array( dir.resolve( "empty.zarr" ), DataType.UINT8, new byte[ T * Z * H * W ] );
		assertContains( refused( request( input ).labels( empty, "" ).output( out ), out ), "no labelled pixel" );

		final short[] single = scribbles( scene[ 1 ] );
		for ( int i = 0; i < single.length; i++ )
			single[ i ] = ( short ) ( single[ i ] == 0 ? 0 : 1 );
		final Path one = array( dir.resolve( "one.zarr" ), DataType.UINT16, single );
		assertContains( refused( request( input ).labels( one, "" ).output( out ), out ), "single class (1)", "at least two classes" );

		final Path floats = array( dir.resolve( "float.zarr" ), DataType.FLOAT32, new float[ T * Z * H * W ] );
		assertContains( refused( request( input ).labels( floats, "" ).output( out ), out ), "FLOAT32", "expected integers" );

		assertContains( refused( request( input ).labels( dir.resolve( "missing.zarr" ), "" ).output( out ), out ), "missing.zarr", "do not exist" );

		final short[] big = scribbles( scene[ 1 ] );
		for ( int i = 0; i < big.length; i++ )
			big[ i ] = ( short ) ( big[ i ] == 2 ? 300 : big[ i ] );
		final Path large = array( dir.resolve( "large.zarr" ), DataType.UINT16, big );
		assertContains( refused( request( input ).labels( large, "" ).output( out ).outputType( "uint8" ), out ), "300", "UINT8" );
		assertContains( refused( request( input ).output( out ), out ), "labels", "classifier" );
	}

	@Test
	void badClassifierFiles( @TempDir final Path dir ) throws Exception
	{
		final Path[] written = inputAndScribbles( dir, 7 );
		final Path input = written[ 0 ], labels = written[ 1 ];
		final Path file = dir.resolve( "c.json" ), out = dir.resolve( "out.zarr" );
		run( request( input ).labels( labels, "" ).saveClassifier( file ) );

		assertContains( refused( ClassifyRequest.of( FeaturizeRequest.of( input ).model( TINY ).threads( 2 ) ).classifier( file ).output( out ), out ),
				"was trained on the features of model", Featurizer.sha256( MODEL ), Featurizer.sha256( TINY ) );

		final String json = Files.readString( file );
		final Path truncated = Files.writeString( dir.resolve( "truncated.json" ), json.substring( 0, json.length() / 2 ) );
		assertContains( refused( request( input ).classifier( truncated ).output( out ), out ), "truncated.json", "damaged" );

		final int at = json.indexOf( "\"leaf_frequencies\" : \"" ) + 30;
		final String flipped = json.substring( 0, at ) + ( json.charAt( at ) == 'A' ? 'B' : 'A' ) + json.substring( at + 1 );
		final Path tampered = Files.writeString( dir.resolve( "tampered.json" ), flipped );
		assertContains( refused( request( input ).classifier( tampered ).output( out ), out ), "tampered.json", "does not match its SHA-256" );

		final Path foreign = Files.write( dir.resolve( "foreign.json" ), "{\"format\": \"something else\"}".getBytes( StandardCharsets.UTF_8 ) );
		assertContains( refused( request( input ).classifier( foreign ).output( out ), out ), "not a pixel classifier" );

		final Path newer = Files.writeString( dir.resolve( "newer.json" ), json.replaceFirst( "\"version\" : \\d+", "\"version\" : 99" ) );
		assertContains( refused( request( input ).classifier( newer ).output( out ), out ), "version 99" );

		assertContains( refused( request( input ).classifier( dir.resolve( "none.json" ) ).output( out ), out ), "none.json", "does not exist" );
	}

	@Test
	void theCoherenceAndTheMinimumGoBesideTheShippedModelsFeaturesAndTheClassifierFileSaysSo( @TempDir final Path dir ) throws Exception
	{
		final Path[] written = inputAndScribbles( dir, 9 );
		final Path input = written[ 0 ], labels = written[ 1 ];
		final Path file = dir.resolve( "c.json" ), none = dir.resolve( "none.json" ), tiny = dir.resolve( "tiny.json" );
		assertTrue( ClassifyJob.isShippedModel( null ) && ClassifyJob.isShippedModel( MODEL ) );
		assertFalse( ClassifyJob.isShippedModel( TINY ) || ClassifyJob.isShippedModel( dir.resolve( "missing.pt" ) ) );
		assertEquals( "1.6", Coherence.defaultScales() );
		// by default with the shipped model: the coherence of its denoised plane at 1.6 and its minimum over a disk of
		// radius 2, the 17th and 18th inputs, a file of version 2
		final ClassifyJob.Result r = run( request( input ).labels( labels, "" ).saveClassifier( file ) );
		final Coherence c = r.classifier.extra().coherence();
		final Minimum m = r.classifier.extra().minimum();
		assertEquals( 6, c.feature() );
		assertArrayEquals( new double[] { 1.6 }, c.sigmas() );
		assertEquals( 6, m.feature() );
		assertArrayEquals( new double[] { 2 }, m.radii() );
		assertEquals( 18, r.classifier.forest().features() );
		assertEquals( 16, r.classifier.features().get( "channels" ), "the model's" );
		assertEquals( 18, r.classification.features().channels() );
		assertEquals( "coherence_1.6", ( ( FeatureImage ) r.classification.features() ).channelName( 16 ) );
		assertEquals( "minimum_2", ( ( FeatureImage ) r.classification.features() ).channelName( 17 ) );
		final Map< ?, ? > saved = new com.fasterxml.jackson.databind.ObjectMapper().readValue( file.toFile(), Map.class );
		assertEquals( 2, saved.get( "version" ) );
		assertEquals( List.of( c.toRecord(), m.toRecord() ), ( ( Map< ?, ? > ) saved.get( "features" ) ).get( "extra" ) );
		assertEquals( r.classifier.extra(), PixelClassifier.read( file ).extra() );
		// the minimum alone: the 17th input
		final ClassifyJob.Result mo = run( request( input ).labels( labels, "" ).saveClassifier( dir.resolve( "m.json" ) ).coherence( "none" ) );
		assertEquals( Extras.of( m ), mo.classifier.extra() );
		assertEquals( 17, mo.classifier.forest().features() );
		// asked for none: the model's 16 alone, a file any version reads
		final ClassifyJob.Result n = run( request( input ).labels( labels, "" ).saveClassifier( none ).coherence( "none" ).minimum( "none" ) );
		assertEquals( null, n.classifier.extra() );
		assertEquals( 16, n.classifier.forest().features() );
		assertTrue( Files.readString( none ).contains( "\"version\" : 1" ) );
		// another model: none unless asked for, and then of a feature it has
		final ClassifyRequest withTiny = ClassifyRequest.of( FeaturizeRequest.of( input ).model( TINY ).threads( 2 ) ).labels( labels, "" );
		assertEquals( null, run( withTiny.saveClassifier( tiny ) ).classifier.extra() );
		assertContains( assertThrows( FeaturizeException.class, () -> run( ClassifyRequest.of( FeaturizeRequest.of( input ).model( TINY ).threads( 2 ) )
				.labels( labels, "" ).saveClassifier( tiny ).coherence( "1" ) ) ).getMessage(), "tiny_unet gives features 0-3", "needs feature 6" );
		final ClassifyJob.Result t = run( ClassifyRequest.of( FeaturizeRequest.of( input ).model( TINY ).threads( 2 ).halo( 24 ) ).labels( labels, "" )
				.saveClassifier( tiny ).coherence( "1,1.6" ).coherenceFeature( 2 ) );
		assertEquals( 2, t.classifier.extra().coherence().feature() );
		assertEquals( null, t.classifier.extra().minimum(), "asked for the coherence alone with another model" );
		assertEquals( 4 + 2, t.classifier.forest().features() );
		// a halo narrower than the coherence reads: refused, tiles would show seams
		assertContains( assertThrows( FeaturizeException.class, () -> run( ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 )
				.tile( 16 ).chunk( 16 ).halo( 16 ) ).labels( labels, "" ).saveClassifier( none ) ) ).getMessage(), "A halo of 16 pixels is less than "
						+ "the 21", "give a halo of at least 21" );
	}

	@Test
	void aClassifierAsksForInputsThisVersionComputesOrIsRefused( @TempDir final Path dir ) throws Exception
	{
		final Path[] written = inputAndScribbles( dir, 10 );
		final Path input = written[ 0 ], labels = written[ 1 ];
		final Path file = dir.resolve( "c.json" ), out = dir.resolve( "out.zarr" );
		run( request( input ).labels( labels, "" ).saveClassifier( file ) );
		final String json = Files.readString( file );
		final Path hessian = Files.writeString( dir.resolve( "hessian.json" ), json.replace( "\"op\" : \"coherence\"", "\"op\" : \"hessian\"" ) );
		assertContains( refused( request( input ).classifier( hessian ).output( out ), out ), "hessian.json", "hessian", "update featurize-unet" );
		final Path scaleless = Files.writeString( dir.resolve( "scaleless.json" ), json.replaceFirst( "\"sigmas\" : \\[[^]]*\\]", "\"sigmas\" : [ ]" ) );
		assertContains( refused( request( input ).classifier( scaleless ).output( out ), out ), "at least one scale" );
		final Path radiusless = Files.writeString( dir.resolve( "radiusless.json" ), json.replaceFirst( "\"radii\" : \\[[^]]*\\]",
				"\"radii\" : [ \"wide\" ]" ) );
		assertContains( refused( request( input ).classifier( radiusless ).output( out ), out ), "radiusless.json", "the minimum's radius wide is not a number" );
		// a file of the coherence alone, as the files from before the minimum are, applies as it was trained
		final Path older = dir.resolve( "older.json" ), olderOut = dir.resolve( "older.zarr" ), olderApplied = dir.resolve( "older-applied.zarr" );
		run( request( input ).labels( labels, "" ).saveClassifier( older ).output( olderOut ).minimum( "none" ) );
		final Map< ?, ? > olderFile = new com.fasterxml.jackson.databind.ObjectMapper().readValue( older.toFile(), Map.class );
		assertEquals( List.of( "coherence" ), ( ( List< ? > ) ( ( Map< ?, ? > ) olderFile.get( "features" ) ).get( "extra" ) ).stream()
				.map( e -> ( ( Map< ?, ? > ) e ).get( "op" ) ).toList() );
		run( request( input ).classifier( older ).output( olderApplied ) );
		Fixtures.assertSameChunks( olderOut, olderApplied );
		// a narrower halo than the classifier's coherence reads cannot apply it
		assertContains( refused( ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ).halo( 8 ) )
				.classifier( file ).output( out ), out ), "A halo of 8 pixels is less than the 21" );
	}

	@Test
	void theClassifierRecordsItsFeaturesMarginAndAppliesIt( @TempDir final Path dir ) throws Exception
	{
		final Path[] written = inputAndScribbles( dir, 12 );
		final Path input = written[ 0 ], labels = written[ 1 ];
		final Path file = dir.resolve( "c.json" ), trained = dir.resolve( "trained.zarr" ), out = dir.resolve( "out.zarr" );
		// by default the features see the planes mirrored by classify's margin, rounded up to the tiny model's multiple of 4
		final ClassifyJob.Result r = run( request( input ).labels( labels, "" ).output( trained ).probabilities( dir.resolve( "p.zarr" ) )
				.saveClassifier( file ) );
		assertEquals( ClassifyRequest.DEFAULT_MARGIN, r.computedFeatures().tiles().margin() );
		assertEquals( ClassifyRequest.DEFAULT_MARGIN, PixelClassifier.read( file ).features().get( "margin" ) );
		assertEquals( ClassifyRequest.DEFAULT_MARGIN, ( ( Number ) runParameters( trained ).get( "margin" ) ).intValue() );
		// without one: other features at the edges, so other probabilities; and the file says 0
		final Path file0 = dir.resolve( "c0.json" ), trained0 = dir.resolve( "trained0.zarr" );
		final ClassifyJob.Result r0 = run( ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ).margin( 0 ) )
				.labels( labels, "" ).output( trained0 ).probabilities( dir.resolve( "p0.zarr" ) ).saveClassifier( file0 ) );
		assertEquals( 0, r0.computedFeatures().tiles().margin() );
		assertEquals( 0, PixelClassifier.read( file0 ).features().get( "margin" ) );
		assertFalse( java.util.Arrays.equals( ( float[] ) ZarrArray.open( dir.resolve( "p.zarr" ), "" ).readChunk( 0, 0, 0, 0, 0 ),
				( float[] ) ZarrArray.open( dir.resolve( "p0.zarr" ), "" ).readChunk( 0, 0, 0, 0, 0 ) ), "the margin changes the probabilities" );
		// applying a saved classifier computes the features with its margin
		run( request( input ).classifier( file ).output( out ) );
		Fixtures.assertSameChunks( trained, out );
		// a classifier file from before margins records none: its features had none
		final String json = Files.readString( file0 );
		final Path old = Files.writeString( dir.resolve( "old.json" ), json.replaceFirst( "\"margin\" : 0,\\s*", "" ) );
		assertFalse( Files.readString( old ).contains( "\"margin\"" ) );
		final Path applied0 = dir.resolve( "applied0.zarr" );
		run( request( input ).classifier( old ).output( applied0 ) );
		Fixtures.assertSameChunks( trained0, applied0 );
		// another margin than the classifier's is refused, before anything is written
		final Path never = dir.resolve( "never.zarr" );
		assertContains( refused( ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ).margin( 0 ) )
				.classifier( file ).output( never ), never ), "trained on features with a margin of 32 pixels", "a margin of 0", "leave the margin out" );
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > runParameters( final Path output )
	{
		return ( Map< String, Object > ) ( ( Map< String, Object > ) ZarrArray.open( output, "" ).attributes().get( "featurize" ) ).get( "parameters" );
	}

	@Test
	void classValuesKeepTheirNumbers( @TempDir final Path dir )
	{
		final short[][] scene = scene( 8 );
		final short[] labels = scribbles( scene[ 1 ] );
		final Set< Integer > seen = new HashSet<>();
		for ( int i = 0; i < labels.length; i++ )
			if ( labels[ i ] != 0 )
				labels[ i ] = ( short ) ( labels[ i ] == 1 ? 7 : 300 );
		final Path input = array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		final Path labelArray = array( dir.resolve( "labels.zarr" ), DataType.UINT16, labels );
		final Path out = dir.resolve( "out.zarr" );
		run( request( input ).labels( labelArray, "" ).output( out ) );
		assertEquals( DataType.UINT16, ZarrArray.open( out, "" ).dataType() );
		for ( final short v : read( out ) )
			seen.add( ( int ) v );
		assertEquals( Set.of( 7, 300 ), seen );
	}
}
