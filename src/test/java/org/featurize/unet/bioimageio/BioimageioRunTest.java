package org.featurize.unet.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.DjlFeatureModel;
import org.featurize.unet.testutil.External;
import org.featurize.unet.testutil.Fixtures;
import org.featurize.unet.zarr.ArraySpec;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;

/**
 * Runs with bioimage.io packages: the shipped package gives the features of the TorchScript file it wraps; a
 * format 0.4 package with scale_range preprocessing and sigmoid postprocessing reproduces its test output
 * computed by Python's torch, and in a run its statistics come from the whole dataset once, so tiles equal
 * the whole plane.
 */
class BioimageioRunTest
{
	static Featurizer.Result run( final FeaturizeRequest request )
	{
		return new Featurizer( s -> {} ).run( request, Progress.NONE, () -> false );
	}

	@Test
	void theShippedPackageGivesTheFeaturesOfItsTorchScriptFile( @TempDir final Path dir ) throws Exception
	{
		final Path input = dir.resolve( "in.zarr" );
		final ZarrArray a = ZarrArray.create( input, "", ArraySpec.builder().shape( 2, 208, 208 ).chunks( 1, 208, 208 ).dataType( DataType.FLOAT32 )
				.zarrFormat( 2 ).build() );
		for ( int z = 0; z < 2; z++ )
		{
			final float[] p = new float[ 208 * 208 ];
			for ( int i = 0; i < p.length; i++ )
				p[ i ] = ( float ) ( 100 + 50 * Math.sin( i % 208 * 0.2 + z ) * Math.cos( i / 208 * 0.15 ) );
			a.writeChunk( new long[] { z, 0, 0 }, p );
		}
		// planes of the package's smallest input size (208), so that neither run pads them
		run( FeaturizeRequest.of( input ).output( dir.resolve( "pt.zarr" ) ).model( External.projectDir().resolve( "models/unet16-reference.pt" ) ) );
		run( FeaturizeRequest.of( input ).output( dir.resolve( "pkg.zarr" ) ).model( BioimageioModelTest.SHIPPED ) );
		final ZarrArray pt = ZarrArray.open( dir.resolve( "pt.zarr" ), "" ), pkg = ZarrArray.open( dir.resolve( "pkg.zarr" ), "" );
		for ( int z = 0; z < 2; z++ )
			assertArrayEquals( ( float[] ) pt.readChunk( z, 0, 0, 0 ), ( float[] ) pkg.readChunk( z, 0, 0, 0 ), "plane " + z );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > record = ( Map< String, Object > ) pkg.attributes().get( FeatureOutput.KEY );
		assertTrue( record.get( "bioimageio" ).toString().contains( "format_version=0.5.3" ), record.toString() );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > parameters = ( Map< String, Object > ) record.get( "parameters" );
		assertEquals( 136, parameters.get( "halo" ), "the package's receptive field is the default halo" );
		assertEquals( BioimageioModel.shared( BioimageioModelTest.SHIPPED, 1, Device.cpu() ).sha256(), parameters.get( "model_sha256" ) );

		final FeaturizeException e = assertThrows( FeaturizeException.class, () -> run( FeaturizeRequest.of( input ).model( BioimageioModelTest.SHIPPED )
				.normalization( "percentile" ) ) );
		assertTrue( e.getMessage().startsWith( "normalization=percentile cannot be combined with a bioimage.io model package" ), e.getMessage() );
	}

	/** A format 0.4 package around the tiny test model: scale_range 1..99.8 %, sigmoid; its test output from Python. */
	static Path tinyPackage04( final Path dir ) throws Exception
	{
		final Path python = External.pythonWithTorch();
		final Path pkg = Files.createDirectories( dir.resolve( "tiny.bioimageio" ) );
		Files.copy( Fixtures.TINY_MODEL, pkg.resolve( "weights.pt" ) );
		final float[] x = new float[ 32 * 36 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( float ) ( 500 + 300 * Math.sin( i % 36 * 0.3 ) * Math.cos( i / 36 * 0.2 ) + ( i % 7 == 0 ? 900 : 0 ) );
		Npy.write( pkg.resolve( "test_input.npy" ), new long[] { 1, 1, 32, 36 }, x );
		External.run( List.of( python.toString(), NpyTest.SCRIPT.toString(), "run", pkg.resolve( "weights.pt" ).toString(),
				pkg.resolve( "test_input.npy" ).toString(), pkg.resolve( "test_output.npy" ).toString(), "1", "99.8" ), null, Duration.ofMinutes( 1 ) );
		Files.writeString( pkg.resolve( "rdf.yaml" ), String.join( "\n",
				"format_version: 0.4.10",
				"type: model",
				"name: tiny",
				"description: a two-level UNet for tests",
				"authors: [{name: test}]",
				"cite: [{text: none, url: 'https://example.org'}]",
				"license: MIT",
				"documentation: README.md",
				"timestamp: '2026-01-01T00:00:00'",
				"test_inputs: [test_input.npy]",
				"test_outputs: [test_output.npy]",
				"inputs:",
				"- name: raw",
				"  axes: bcyx",
				"  data_type: float32",
				"  shape: {min: [1, 1, 8, 8], step: [0, 0, 4, 4]}",
				"  preprocessing:",
				"  - name: scale_range",
				"    kwargs: {mode: per_sample, axes: xy, min_percentile: 1, max_percentile: 99.8}",
				"outputs:",
				"- name: probabilities",
				"  axes: bcyx",
				"  data_type: float32",
				"  shape: {reference_tensor: raw, scale: [1, 0, 1, 1], offset: [0, 2, 0, 0]}",
				"  halo: [0, 0, 20, 20]",
				"  postprocessing:",
				"  - name: sigmoid",
				"weights:",
				"  torchscript: {source: weights.pt}",
				"" ) );
		return pkg;
	}

	@Test
	void aFormat04PackageWithProcessingReproducesPythonAndUsesDatasetStatistics( @TempDir final Path dir ) throws Exception
	{
		final Path pkg = tinyPackage04( dir ); // loading checks Java against Python's output for the test input
		final BioimageioModel model = BioimageioModel.shared( pkg, 2, Device.cpu() );
		assertEquals( "tiny (in 1, out 4 channels, size multiple 4, receptive field 20 px)", model.description().toString() );

		final Path input = Fixtures.volume( dir ), whole = dir.resolve( "whole.zarr" ), tiled = dir.resolve( "tiled.zarr" );
		// exact values: rounding=block takes its steps per chunk, and the two outputs' chunks hold different tiles
		run( FeaturizeRequest.of( input ).output( whole ).model( pkg ).rounding( "none" ) );
		run( FeaturizeRequest.of( input ).output( tiled ).model( pkg ).tile( 12 ).rounding( "none" ) );
		final ZarrArray w = ZarrArray.open( whole, "" ), t = ZarrArray.open( tiled, "" );
		final float[] a = ( float[] ) w.readRegion( new long[ 5 ], new int[] { 2, 3, 20, 28, 4 } );
		final float[] b = ( float[] ) t.readRegion( new long[ 5 ], new int[] { 2, 3, 20, 28, 4 } );
		assertArrayEquals( a, b, 1e-5f, "tiles equal the whole plane: one normalization for the dataset" );

		// the statistics are the whole dataset's percentiles (all 6 planes, every pixel), numpy-style
		final ZarrArray in = ZarrArray.open( input, "" );
		final short[] raw = ( short[] ) in.readRegion( new long[ 4 ], new int[] { 2, 3, 20, 28 } );
		final float[] values = new float[ raw.length ];
		for ( int i = 0; i < raw.length; i++ )
			values[ i ] = raw[ i ] & 0xffff;
		Arrays.sort( values );
		final double low = ProcessingStep.percentile( values, 1 ), high = ProcessingStep.percentile( values, 99.8 );
		@SuppressWarnings( "unchecked" )
		final Map< String, Object > parameters = ( Map< String, Object > ) ( ( Map< String, Object > ) w.attributes().get( FeatureOutput.KEY ) )
				.get( "parameters" );
		final String recorded = parameters.get( "preprocessing" ).toString();
		assertTrue( recorded.contains( "low=" + low + "," ) && recorded.contains( "high=" + high + "," ) && recorded.contains( "sampled_planes=6" ),
				recorded + " vs low " + low + ", high " + high );

		// and the features of plane (t 1, z 2) are sigmoid(model((x - low) / (high - low + eps))), as stored: within
		// 2^-14 of themselves (13 mantissa bits kept)
		final float[] plane = new float[ 20 * 28 ];
		for ( int i = 0; i < plane.length; i++ )
			plane[ i ] = ( float ) ( ( ( raw[ ( 1 * 3 + 2 ) * 560 + i ] & 0xffff ) - low ) * ( 1 / ( high - low + 1e-6 ) ) );
		try ( DjlFeatureModel tiny = DjlFeatureModel.load( Fixtures.TINY_MODEL, 1 ) )
		{
			final float[] f = tiny.predict( plane, 20, 28 );
			for ( int c = 0; c < 4; c++ )
				for ( int i = 0; i < 560; i++ )
					assertEquals( 1 / ( 1 + Math.exp( -f[ c * 560 + i ] ) ), a[ ( ( 1 * 3 + 2 ) * 560 + i ) * 4 + c ], 1e-5 + 0x1p-14, "c " + c + " at " + i );
		}
	}
}
