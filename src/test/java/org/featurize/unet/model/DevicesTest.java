package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.testutil.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;

/**
 * device=cpu|gpu|auto on a machine without a usable GPU (this project's build machines): gpu is refused with
 * the reason before anything is written, auto picks the CPU and says why. On a machine with a usable GPU these
 * tests are skipped, saying so.
 */
class DevicesTest
{
	static void assumeNoGpu()
	{
		DjlEngine.start();
		final boolean gpu = DjlFeatureModel.engine().hasCapability( "CUDA" ) && DjlFeatureModel.engine().getGpuCount() > 0;
		if ( gpu )
			System.out.println( "Skipping: this machine has a usable GPU; these tests are about refusing device=gpu without one" );
		Assumptions.assumeFalse( gpu, "this machine has a usable GPU" );
	}

	@Test
	void gpuWithoutOneIsRefusedBeforeAnythingIsWritten( @TempDir final Path dir ) throws Exception
	{
		assumeNoGpu();
		final Path input = Fixtures.volume( dir ), output = dir.resolve( "out.zarr" );
		final List< String > log = new ArrayList<>();
		final ModelException e = assertThrows( ModelException.class, () -> new Featurizer( log::add ).run(
				FeaturizeRequest.of( input ).output( output ).model( Fixtures.TINY_MODEL ).device( "gpu" ), Progress.NONE, () -> false ) );
		assertTrue( e.getMessage().startsWith( "device=gpu, but no GPU is usable: the PyTorch native library on the class path is built for "
				+ "the CPU only; a GPU needs pytorch-native-cu124 (build with mvn -Pgpu-cu124, see the README's section Device); "
				+ "engine PyTorch 2.7.1, CPU build (native library 2.7.1-" ), e.getMessage() );
		assertTrue( e.getMessage().endsWith( "Use device=cpu or device=auto to run on the CPU" ), e.getMessage() );
		assertFalse( Files.exists( output ), "nothing written" );
		assertTrue( log.stream().noneMatch( l -> l.startsWith( "Model:" ) ), "no model loaded: " + log );
	}

	@Test
	void theLauncherRefusesGpuWithOneLine( @TempDir final Path dir ) throws Exception
	{
		assumeNoGpu();
		final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
		final int status = org.featurize.unet.cli.FeaturizeMain.run( new String[] { Fixtures.volume( dir ).toString(), dir.resolve( "o.zarr" ).toString(),
				"--model", Fixtures.TINY_MODEL.toString(), "--device", "gpu" }, System.out, new java.io.PrintStream( err, true ) );
		assertEquals( 1, status );
		final String[] lines = err.toString().strip().split( "\n" );
		assertTrue( lines[ lines.length - 1 ].startsWith( "featurize: error: device=gpu, but no GPU is usable: " ), err.toString() );
		assertFalse( Files.exists( dir.resolve( "o.zarr" ) ) );
	}

	@Test
	void autoPicksTheCpuAndSaysWhy( @TempDir final Path dir ) throws Exception
	{
		assumeNoGpu();
		final List< String > log = new ArrayList<>();
		new Featurizer( log::add ).run( FeaturizeRequest.of( Fixtures.volume( dir ) ).model( Fixtures.TINY_MODEL ), Progress.NONE, () -> false );
		final String device = log.stream().filter( l -> l.startsWith( "Device: " ) ).findFirst().orElse( "no Device line in " + log );
		assertTrue( device.startsWith( "Device: cpu (asked for auto; no usable GPU: the PyTorch native library on the class path is built "
				+ "for the CPU only;" ), device );
		assertTrue( device.contains( "engine PyTorch 2.7.1, CPU build" ) && device.contains( ", DJL 0.36.0" ), device );
		final String model = log.stream().filter( l -> l.startsWith( "Model: " ) ).findFirst().orElse( "" );
		assertTrue( model.contains( "PyTorch 2.7.1 on cpu()" ), "the engine that really ran: " + model );
	}

	@Test
	void cpuIsTheCpuAndNamesAreChecked()
	{
		final Devices.Choice cpu = Devices.choose( "CPU", 1 );
		assertEquals( Device.cpu(), cpu.device() );
		assertTrue( cpu.message().startsWith( "Device: cpu (asked for cpu); engine PyTorch " ), cpu.message() );
		final ModelException e = assertThrows( ModelException.class, () -> FeaturizeRequest.of( Path.of( "x" ) ).device( "cuda" ).validate() );
		assertEquals( "Unknown device \"cuda\"; expected \"cpu\", \"gpu\" or \"auto\"", e.getMessage() );
	}
}
