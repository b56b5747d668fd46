package org.featurize.unet.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Properties;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Which device runs the model: {@code cpu}, {@code gpu} (the first GPU; refused with the reason when none is
 * usable, never replaced by the CPU) or {@code auto} (the first GPU when one is usable, else the CPU, saying
 * which and why). A GPU is usable when the PyTorch native library on the class path is a CUDA build
 * ({@code pytorch-native-cu124}, see the {@code gpu-cu124} Maven profile) and it sees at least one GPU.
 */
public final class Devices
{
	public static final String CPU = "cpu", GPU = "gpu", AUTO = "auto";

	private Devices()
	{}

	/** A device chosen for a run, with the sentence the log shows. */
	public static final class Choice
	{
		private final Device device;

		private final String message;

		Choice( final Device device, final String message )
		{
			this.device = device;
			this.message = message;
		}

		public Device device()
		{
			return device;
		}

		/** Says which device was chosen, what was asked for, and the engine: for the log. */
		public String message()
		{
			return message;
		}

		@Override
		public String toString()
		{
			return message;
		}
	}

	/** Checks a device name as typed by a user; returns it lower-cased. */
	public static String checkName( final String name )
	{
		final String n = name == null || name.isBlank() ? AUTO : name.trim().toLowerCase( Locale.ROOT );
		if ( !n.equals( CPU ) && !n.equals( GPU ) && !n.equals( AUTO ) )
			throw new ModelException( "Unknown device \"" + name + "\"; expected \"cpu\", \"gpu\" or \"auto\"" );
		return n;
	}

	/**
	 * Chooses the device (starting the engine with {@code intraOpThreads} if it is not running yet).
	 *
	 * @throws ModelException
	 *             for {@code gpu} when no GPU is usable, with the reason
	 */
	public static Choice choose( final String name, final int intraOpThreads )
	{
		final String asked = checkName( name );
		try
		{
			DjlEngine.configure( intraOpThreads );
		}
		catch ( final ModelException e )
		{
			final String flavor = nativeFlavor();
			if ( flavor.startsWith( "cu" ) ) // DJL will not start a CUDA build of libtorch where it finds no CUDA
				throw new ModelException( String.format( "device=%s: the PyTorch native library on the class path is the CUDA build "
						+ "(pytorch-native-%s), and DJL found no usable CUDA here (no NVIDIA GPU, or no driver for CUDA 12.4), so the engine "
						+ "cannot start, not even on the CPU; run on a machine with a GPU, or use the default build (without -Pgpu-cu124) "
						+ "for the CPU (%s)", asked, flavor, e.getMessage() ), e );
			throw e;
		}
		final Engine engine = DjlFeatureModel.engine();
		final boolean cudaBuild = engine.hasCapability( "CUDA" );
		final int gpus = cudaBuild ? engine.getGpuCount() : 0;
		final String library = describeLibrary( engine, cudaBuild );
		if ( asked.equals( CPU ) )
			return new Choice( Device.cpu(), "Device: cpu (asked for cpu); " + library );
		if ( gpus > 0 )
			return new Choice( Device.gpu( 0 ), String.format( "Device: %s (asked for %s; %d GPU%s visible); %s", Device.gpu( 0 ), asked, gpus,
					gpus == 1 ? "" : "s", library ) );
		final String why = cudaBuild
				? "the CUDA build of PyTorch sees no GPU (no NVIDIA driver for CUDA 12.4, or CUDA_VISIBLE_DEVICES hides them)"
				: "the PyTorch native library on the class path is built for the CPU only; a GPU needs pytorch-native-cu124 "
						+ "(build with mvn -Pgpu-cu124, see the README's section Device)";
		if ( asked.equals( GPU ) )
			throw new ModelException( "device=gpu, but no GPU is usable: " + why + "; " + library + ". Use device=cpu or device=auto to run on the CPU" );
		return new Choice( Device.cpu(), "Device: cpu (asked for auto; no usable GPU: " + why + "); " + library );
	}

	/** The flavor of the PyTorch native jar on the class path ("cpu", "cu124"), or "" when there is none. */
	static String nativeFlavor()
	{
		try ( InputStream in = Devices.class.getResourceAsStream( "/native/lib/pytorch.properties" ) )
		{
			if ( in == null )
				return "";
			final Properties properties = new Properties();
			properties.load( in );
			return properties.getProperty( "flavor", "" );
		}
		catch ( final IOException e )
		{
			return "";
		}
	}

	/** "PyTorch 2.7.1, CPU build (native library ~/.djl.ai/pytorch/2.7.1-...-cpu-linux-x86_64), DJL 0.36.0". */
	static String describeLibrary( final Engine engine, final boolean cudaBuild )
	{
		String path;
		try
		{
			final Path p = Paths.get( LibUtils.getLibtorchPath() );
			path = p.getFileName() == null ? p.toString() : p.getFileName().toString();
		}
		catch ( final RuntimeException e )
		{
			path = "unknown";
		}
		return String.format( "engine PyTorch %s, %s build (native library %s), DJL %s", engine.getVersion(), cudaBuild ? "CUDA" : "CPU", path,
				Engine.getDjlVersion() );
	}
}
