package org.featurize.unet.classify;

import static org.featurize.unet.classify.ClassifyJobTest.H;
import static org.featurize.unet.classify.ClassifyJobTest.MODEL;
import static org.featurize.unet.classify.ClassifyJobTest.T;
import static org.featurize.unet.classify.ClassifyJobTest.W;
import static org.featurize.unet.classify.ClassifyJobTest.Z;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.FeatureOptions;
import org.featurize.unet.compute.Features;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.Models;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.Compressor;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZarrGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.array.ArrayImgs;

/**
 * Classifying features that {@code bin/featurize} wrote before ({@link ClassifyRequest#storedFeatures}): the same
 * classifier and labels as on the features computed on the fly, in both layouts; float16; a Zarr without a run
 * record; and every refusal, each before anything is written.
 */
class StoredFeaturesTest
{
	@TempDir
	static Path dir;

	static Path input, labels, seed, ome, half, computedOut, computedClassifier;

	static short[] truth;

	/** The features of the scene as bin/featurize writes them, with the tile and chunk the classify runs below use. */
	static Path featurize( final Path out, final String layout, final String type, final String rounding )
	{
		// with the margin that classify computes features with unless told otherwise
		new Featurizer( s -> {} ).run( FeaturizeRequest.of( input ).output( out ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ).layout( layout )
				.outputType( type ).rounding( rounding ).margin( ClassifyRequest.DEFAULT_MARGIN ), Progress.NONE, () -> false );
		return out;
	}

	@BeforeAll
	static void features()
	{
		final short[][] scene = ClassifyJobTest.scene( 1 );
		truth = scene[ 1 ];
		input = ClassifyJobTest.array( dir.resolve( "in.zarr" ), DataType.UINT16, scene[ 0 ] );
		labels = ClassifyJobTest.array( dir.resolve( "labels.zarr" ), DataType.UINT16, ClassifyJobTest.scribbles( scene[ 1 ] ) );
		// exact values (rounding none): what the model computes, as classify computes them on the fly
		seed = featurize( dir.resolve( "seed.zarr" ), "seed", "float32", "none" );
		ome = featurize( dir.resolve( "ome.zarr" ), "ome", "float32", "none" );
		half = featurize( dir.resolve( "half.zarr" ), "seed", "float16", null );
		computedOut = dir.resolve( "computed.zarr" );
		computedClassifier = dir.resolve( "computed.json" );
		ClassifyJobTest.run( ClassifyJobTest.request( input ).labels( labels, "" ).output( computedOut ).saveClassifier( computedClassifier ) );
	}

	static ClassifyJob.Result run( final ClassifyRequest request, final Consumer< String > log )
	{
		return new ClassifyJob( log ).run( request, Progress.NONE, () -> false );
	}

	static ClassifyJob.Result train( final Path features, final Path out, final Path classifier, final List< String > log )
	{
		return run( ClassifyJobTest.request( input ).storedFeatures( features ).labels( labels, "" ).output( out ).saveClassifier( classifier ), log::add );
	}

	static Path copy( final Path from, final String name ) throws IOException
	{
		final Path to = dir.resolve( name );
		try ( Stream< Path > files = Files.walk( from ) )
		{
			for ( final Path f : ( Iterable< Path > ) files::iterator )
				Files.copy( f, to.resolve( from.relativize( f ).toString() ) );
		}
		return to;
	}

	@SuppressWarnings( "unchecked" )
	static Path editRecord( final Path features, final String name, final Consumer< Map< String, Object > > edit ) throws IOException
	{
		final Path copy = copy( features, name );
		final ZarrArray array = ZarrArray.open( copy, "" );
		final Map< String, Object > attributes = new LinkedHashMap<>( array.attributes() );
		final Map< String, Object > record = new LinkedHashMap<>( ( Map< String, Object > ) attributes.get( FeatureOutput.KEY ) );
		record.put( "parameters", new LinkedHashMap<>( ( Map< String, Object > ) record.get( "parameters" ) ) );
		edit.accept( record );
		if ( record.isEmpty() )
			attributes.remove( FeatureOutput.KEY );
		else
			attributes.put( FeatureOutput.KEY, record );
		array.writeAttributes( attributes );
		return copy;
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > parameters( final Map< String, Object > record )
	{
		return ( Map< String, Object > ) record.get( "parameters" );
	}

	/** A float array (t, z, y, x, c) of zeros and ones, without a run record. */
	static Path handWritten( final String name, final DataType type, final int width, final int channels )
	{
		final Path path = dir.resolve( name );
		final ZarrArray a = ZarrArray.create( path, "", ArraySpec.builder().shape( T, Z, H, width, channels ).chunks( 1, 1, H, width, channels )
				.dataType( type ).compressor( Compressor.zstd( 1 ) ).zarrFormat( 2 ).build() );
		assertEquals( type, a.dataType() );
		return path;
	}

	@Test
	void aClassifierTrainedOnStoredFeaturesIsTheOneTrainedOnComputedFeatures()
	{
		final List< String > log = new ArrayList<>();
		final Path out = dir.resolve( "stored-seed.zarr" ), file = dir.resolve( "stored-seed.json" );
		final ClassifyJob.Result r = train( seed, out, file, log );
		final PixelClassifier computed = PixelClassifier.read( computedClassifier );
		assertEquals( computed.forestSha256(), r.classifier.forestSha256() );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( out ) );
		assertTrue( ClassifyJobTest.accuracy( ClassifyJobTest.read( out ), truth ) > 0.9 );
		// the record names the features' model, so that the classifier applies to computed features as well
		assertEquals( computed.modelSha256(), r.classifier.modelSha256() );
		assertEquals( computed.features().get( "model" ), r.classifier.features().get( "model" ) );
		assertEquals( computed.features().get( "halo" ), r.classifier.features().get( "halo" ) );
		assertEquals( ClassifyRequest.DEFAULT_MARGIN, computed.features().get( "margin" ) );
		assertEquals( ClassifyRequest.DEFAULT_MARGIN, r.classifier.features().get( "margin" ) );
		assertEquals( "none", r.classifier.features().get( "normalization" ) );
		assertEquals( 4L, ( ( Number ) r.classifier.training().get( "cells_read" ) ).longValue() ); // plane 0's: 2 x 2 cells of 16 x 16 over 24 x 32
		assertEquals( 16L, ( ( Number ) r.classifier.training().get( "cells_in_volume" ) ).longValue() );
		assertTrue( log.stream().anyMatch( l -> l.startsWith( "Features: read from " + seed ) ), log.toString() );
		final Path applied = dir.resolve( "stored-classifier-computed-features.zarr" );
		ClassifyJobTest.run( ClassifyJobTest.request( input ).classifier( file ).output( applied ) );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( applied ) );
	}

	@Test
	void aSavedClassifierAppliedToStoredFeaturesWritesTheLabelsOfComputedFeatures()
	{
		final Path out = dir.resolve( "applied-seed.zarr" );
		final ClassifyJob.Result r = run( ClassifyJobTest.request( input ).storedFeatures( seed ).classifier( computedClassifier ).output( out ), s -> {} );
		assertEquals( 16, r.written.chunksWritten );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( out ) );
		assertEquals( seed.toAbsolutePath().normalize().toString(),
				( ( Map< ?, ? > ) ZarrArray.open( out, "" ).attributes().get( FeatureOutput.KEY ) ).get( "parameters" ) instanceof Map< ?, ? > p
						? p.get( "features" ) : null );
	}

	@Test
	void theOmeLayoutGivesTheSameClassifierAndLabels()
	{
		final Path out = dir.resolve( "stored-ome.zarr" );
		final ClassifyJob.Result r = train( ome, out, dir.resolve( "stored-ome.json" ), new ArrayList<>() );
		assertEquals( PixelClassifier.read( computedClassifier ).forestSha256(), r.classifier.forestSha256() );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( out ) );
		final Path applied = dir.resolve( "applied-ome.zarr" );
		run( ClassifyJobTest.request( input ).storedFeatures( ome ).classifier( computedClassifier ).output( applied ), s -> {} );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( applied ) );
	}

	@Test
	void labelsGoIntoTheOmeFeaturesTheyWereClassifiedFrom() throws Exception
	{
		final Path both = copy( ome, "ome-with-labels.zarr" );
		run( ClassifyJobTest.request( input ).storedFeatures( both ).classifier( computedClassifier ).output( both ).labelsOme( true ), s -> {} );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( OmeLabels.array( both ) ) );
		assertArrayEquals( new long[] { T, Z, H, W }, StoredFeatures.open( both ).shape(), "the features are still read as the image" );
	}

	@Test
	void float16FeaturesAreReadAsFloat()
	{
		final StoredFeatures f = StoredFeatures.open( half );
		assertEquals( DataType.FLOAT16, f.dataType() );
		final StoredFeatures exact = StoredFeatures.open( seed );
		final float[] a = f.cellData( 0 ), b = exact.cellData( 0 );
		assertEquals( b.length, a.length );
		float largest = 0;
		for ( final float v : b )
			largest = Math.max( largest, Math.abs( v ) );
		for ( int i = 0; i < a.length; i++ )
			assertEquals( b[ i ], a[ i ], largest * 1e-3, "value " + i );
		final Path out = dir.resolve( "stored-half.zarr" );
		final ClassifyJob.Result r = train( half, out, dir.resolve( "stored-half.json" ), new ArrayList<>() );
		assertEquals( "FLOAT16", r.classifier.features().get( "stored_type" ) );
		final short[] computed = ClassifyJobTest.read( computedOut ), stored = ClassifyJobTest.read( out );
		assertTrue( ClassifyJobTest.accuracy( stored, computed ) > 0.97, "agreement " + ClassifyJobTest.accuracy( stored, computed ) );
	}

	@Test
	void cellsAreTheStoredValuesInBothLayouts()
	{
		final StoredFeatures s = StoredFeatures.open( seed ), o = StoredFeatures.open( ome );
		assertArrayEquals( new long[] { T, Z, H, W }, s.shape() );
		assertArrayEquals( new long[] { T, Z, H, W }, o.shape() );
		assertEquals( 16, s.channels() );
		assertEquals( s.numCells(), o.numCells() );
		// cell 5: x cell 1 (16 wide), y cell 0, plane 1 = (t 0, z 1); channel 3 at (y 2, x 20) of the array
		final float[] cell = s.cellData( 5 );
		final float stored = ( ( float[] ) ZarrArray.open( seed, "" ).readRegion( new long[] { 0, 1, 2, 20, 3 }, new int[] { 1, 1, 1, 1, 1 } ) )[ 0 ];
		assertEquals( stored, cell[ 3 * 16 * 16 + 2 * 16 + 4 ] );
		assertArrayEquals( cell, o.cellData( 5 ) );
		final float[][] interleaved = new float[ 1 ][];
		o.interleavedCell( 5, ( values, w, h, row, first ) -> {
			assertEquals( 16, w );
			assertEquals( 16, h );
			interleaved[ 0 ] = new float[ w * h * 16 ];
			values.get( interleaved[ 0 ] );
		} );
		assertEquals( stored, interleaved[ 0 ][ ( 2 * 16 + 4 ) * 16 + 3 ] );
	}

	@Test
	void featuresWithoutARunRecordAreTakenWithAWarning() throws Exception
	{
		final Path bare = editRecord( seed, "bare.zarr", Map::clear );
		assertFalse( StoredFeatures.open( bare ).record().exists() );
		final List< String > log = new ArrayList<>();
		final Path out = dir.resolve( "stored-bare.zarr" ), file = dir.resolve( "stored-bare.json" );
		// without a record the features' model is not known to be the shipped one: the coherence and the minimum are
		// asked for, as computed
		final ClassifyJob.Result r = run( ClassifyJobTest.request( input ).storedFeatures( bare ).labels( labels, "" ).output( out ).saveClassifier( file )
				.coherence( "1.6" ).minimum( "2" ), log::add );
		assertTrue( log.stream().anyMatch( l -> l.equals( "Warning: features " + bare + " have no bin/featurize run record: their model and "
				+ "normalization are not known; the classifier records none, and they are used as they are" ) ), log.toString() );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( out ) );
		assertNull( r.classifier.features().get( "model_sha256" ) );
		// a classifier of unknown features does not apply to computed ones
		final LabelException e = assertThrows( LabelException.class,
				() -> ClassifyJobTest.run( ClassifyJobTest.request( input ).classifier( file ).output( dir.resolve( "never.zarr" ) ) ) );
		assertTrue( e.getMessage().contains( "(sha256 null)" ), e.getMessage() );
		assertFalse( Files.exists( dir.resolve( "never.zarr" ) ) );
		// a saved classifier applies to record-less features with a warning, as the user vouches for them
		log.clear();
		final Path applied = dir.resolve( "applied-bare.zarr" );
		run( ClassifyJobTest.request( input ).storedFeatures( bare ).classifier( computedClassifier ).output( applied ), log::add );
		assertTrue( log.stream().anyMatch( l -> l.contains( "cannot be checked against the classifier's" ) ), log.toString() );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( applied ) );
	}

	/** Runs {@code request}, expects {@code FeaturesException} with {@code message}, and that nothing was written. */
	static void refused( final ClassifyRequest request, final String message )
	{
		final Path out = request.output();
		final FeaturesException e = assertThrows( FeaturesException.class, () -> run( request, s -> {} ) );
		assertEquals( message, e.getMessage() );
		assertFalse( Files.exists( out ), out + " was written" );
	}

	@Test
	void anotherShapeIsRefused()
	{
		final Path narrow = handWritten( "narrow.zarr", DataType.FLOAT32, W - 8, 16 );
		refused( ClassifyJobTest.request( input ).storedFeatures( narrow ).labels( labels, "" ).output( dir.resolve( "no-shape.zarr" ) ),
				"Features " + narrow + " are of shape [2, 2, 24, 24] (features 16); the input " + input + " is of shape [2, 2, 24, 32]: give the "
						+ "features of that input" );
	}

	@Test
	void anotherNumberOfFeaturesThanTheClassifiersIsRefused()
	{
		final Path eight = handWritten( "eight.zarr", DataType.FLOAT32, W, 8 );
		refused( ClassifyJobTest.request( input ).storedFeatures( eight ).classifier( computedClassifier ).output( dir.resolve( "no-count.zarr" ) ),
				"Classifier " + computedClassifier + " takes 18 features per pixel; features " + eight + " have 8 and 2 computed from them" );
	}

	@Test
	void anIntegerArrayIsRefused()
	{
		final Path ints = handWritten( "ints.zarr", DataType.INT16, W, 16 );
		refused( ClassifyJobTest.request( input ).storedFeatures( ints ).labels( labels, "" ).output( dir.resolve( "no-ints.zarr" ) ),
				"Features " + ints + " are INT16; expected float32 or float16" );
	}

	@Test
	void missingFeaturesAreRefused()
	{
		final Path none = dir.resolve( "none.zarr" );
		refused( ClassifyJobTest.request( input ).storedFeatures( none ).labels( labels, "" ).output( dir.resolve( "no-none.zarr" ) ),
				"Features " + none + " do not exist" );
	}

	@Test
	void anUnfinishedRunIsRefused() throws Exception
	{
		final Path unfinished = editRecord( seed, "unfinished.zarr", r -> r.put( "complete", false ) );
		refused( ClassifyJobTest.request( input ).storedFeatures( unfinished ).labels( labels, "" ).output( dir.resolve( "no-unfinished.zarr" ) ),
				"Features " + unfinished + " are an unfinished bin/featurize run (its record says \"complete\": false): run bin/featurize again to "
						+ "finish them" );
	}

	@Test
	void anotherModelThanTheClassifiersIsRefused() throws Exception
	{
		final Path other = editRecord( seed, "other-model.zarr", r -> parameters( r ).put( "model_sha256", "0123" ) );
		final PixelClassifier c = PixelClassifier.read( computedClassifier );
		refused( ClassifyJobTest.request( input ).storedFeatures( other ).classifier( computedClassifier ).output( dir.resolve( "no-model.zarr" ) ),
				"Classifier " + computedClassifier + " was trained on the features of model " + c.features().get( "model" ) + " (sha256 "
						+ c.modelSha256() + "); features " + other + " are of model " + StoredFeatures.open( other ).record().modelName()
						+ " (sha256 0123): give features of that model, or train again" );
	}

	@Test
	void anotherNormalizationThanTheClassifiersIsRefused() throws Exception
	{
		final Path other = editRecord( seed, "other-normalization.zarr", r -> parameters( r ).put( "normalization",
				Map.of( "method", "percentile", "low_percentile", 1.0, "high_percentile", 99.8, "low", 0.0, "high", 1.0 ) ) );
		refused( ClassifyJobTest.request( input ).storedFeatures( other ).classifier( computedClassifier )
				.output( dir.resolve( "no-normalization.zarr" ) ), "Classifier " + computedClassifier + " was trained on features normalized by none; "
						+ "features " + other + " are normalized by percentile 1.0..99.8: give features of that normalization, or train again" );
	}

	@Test
	void anotherMarginThanTheClassifiersIsRefused() throws Exception
	{
		final Path none = editRecord( seed, "no-margin.zarr", r -> parameters( r ).remove( "margin" ) );
		assertEquals( 0, StoredFeatures.open( none ).record().margin(), "a record without a margin: features computed without one" );
		refused( ClassifyJobTest.request( input ).storedFeatures( none ).classifier( computedClassifier ).output( dir.resolve( "no-margin-out.zarr" ) ),
				"Classifier " + computedClassifier + " was trained on features with a margin of 32 pixels (the planes mirrored that far beyond "
						+ "their edges before the model); features " + none + " have a margin of 0: give features computed with margin 32, "
						+ "or train again" );
		// training on them takes them as they are, and the classifier records their margin; another margin asked for is refused
		final ClassifyJob.Result r = train( none, dir.resolve( "no-margin-trained.zarr" ), dir.resolve( "no-margin.json" ), new ArrayList<>() );
		assertEquals( 0, r.classifier.features().get( "margin" ) );
		refused( ClassifyRequest.of( FeaturizeRequest.of( input ).model( MODEL ).threads( 2 ).tile( 16 ).chunk( 16 ).margin( 32 ) ).storedFeatures( none ).labels( labels, "" ).output( dir.resolve( "no-margin-32.zarr" ) ),
				"Features " + none + " were computed with a margin of 0 pixels, not the 32 asked for: leave the margin out to train on them "
						+ "as they are, or compute them again with that margin" );
	}

	@Test
	void anotherHaloIsNotedAndClassified() throws Exception
	{
		final Path wide = editRecord( seed, "halo.zarr", r -> parameters( r ).put( "halo", 99 ) );
		final Object halo = PixelClassifier.read( computedClassifier ).features().get( "halo" );
		final List< String > log = new ArrayList<>();
		final Path out = dir.resolve( "applied-halo.zarr" );
		run( ClassifyJobTest.request( input ).storedFeatures( wide ).classifier( computedClassifier ).output( out ), log::add );
		assertTrue( log.contains( "Note: features " + wide + " were computed with a halo of 99 pixels, the classifier's with " + halo
				+ ": the features near tile edges differ a little from those it was trained on" ), log.toString() );
		assertArrayEquals( ClassifyJobTest.read( computedOut ), ClassifyJobTest.read( out ) ); // the same values: only the record says 99
	}

	@Test
	void storedFeaturesAndFeaturesKeptFromTheLastRunAreRefusedTogether()
	{
		final FeatureImage kept = Features.lazy( ArrayImgs.floats( W, H, Z, T ), Models.shared( ClassifyJobTest.TINY, 1, 1 ), FeatureOptions.defaults() );
		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> ClassifyJobTest.request( input ).storedFeatures( seed )
				.reuseFeatures( kept ).labels( labels, "" ).output( dir.resolve( "no-kept.zarr" ) ).validate() );
		assertEquals( "Give a features Zarr or features kept from the last run, not both", e.getMessage() );
	}

	@Test
	void anOmeImageWithoutChannelsIsRefused()
	{
		final Path group = dir.resolve( "no-channels.zarr" );
		ZarrGroup.create( group, "", 2, Map.of( "multiscales", List.of( Map.of( "version", "0.4", "axes",
				List.of( Map.of( "name", "y", "type", "space" ), Map.of( "name", "x", "type", "space" ) ), "datasets",
				List.of( Map.of( "path", "0", "coordinateTransformations", List.of( Map.of( "type", "scale", "scale", List.of( 1.0, 1.0 ) ) ) ) ) ) ) ) );
		ZarrArray.create( group, "0", ArraySpec.builder().shape( H, W ).chunks( H, W ).dataType( DataType.FLOAT32 ).zarrFormat( 2 ).build() );
		final FeaturesException e = assertThrows( FeaturesException.class, () -> StoredFeatures.open( group ) );
		assertEquals( "Features " + group + " are an OME-Zarr image without a channel axis; the features are its channels", e.getMessage() );
	}
}
