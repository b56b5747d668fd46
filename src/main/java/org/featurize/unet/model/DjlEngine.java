package org.featurize.unet.model;

import java.io.IOException;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;

/**
 * Starts DJL's PyTorch engine the way this project needs it: offline (the native library comes from the
 * {@code pytorch-native-cpu} jar, nothing is downloaded), with the number of intra-op threads chosen by the
 * caller. libtorch reads its thread settings once, at start; later changes go through {@link JniUtils}.
 */
public final class DjlEngine
{
	static final String NAME = "PyTorch";

	private static volatile boolean started;

	private DjlEngine()
	{}

	/** Intra-op threads per forward pass when none is asked for: one, since workers run in parallel. */
	public static final int DEFAULT_INTRA_OP_THREADS = 1;

	/**
	 * Sets the engine's intra-op thread count (per forward pass) and starts the engine if needed.
	 */
	public static synchronized void configure( final int intraOpThreads )
	{
		if ( intraOpThreads < 1 )
			throw new ModelException( "Intra-op threads must be at least 1, got " + intraOpThreads );
		if ( !started )
		{
			System.setProperty( "ai.djl.pytorch.num_threads", Integer.toString( intraOpThreads ) );
			System.setProperty( "ai.djl.pytorch.num_interop_threads", "1" );
			start();
		}
		else if ( JniUtils.getNumThreads() != intraOpThreads )
			JniUtils.setNumThreads( intraOpThreads );
	}

	/**
	 * Starts loading the engine (libtorch, about half a second) on a background thread, for a caller that knows it
	 * will need it and has other work to do first; {@link #configure} and every model load wait for it. A failure
	 * here is left for that later call to report.
	 */
	public static void startInBackground()
	{
		final Thread t = new Thread( () -> {
			try
			{
				start();
			}
			catch ( final RuntimeException e )
			{
				// reported by the call that needs the engine
			}
		}, "featurize-engine-start" );
		t.setDaemon( true );
		t.start();
	}

	/** Starts the engine (once per process) with the thread settings in force. */
	static synchronized void start()
	{
		if ( started )
			return;
		if ( System.getProperty( "ai.djl.offline" ) == null )
			System.setProperty( "ai.djl.offline", "true" );
		if ( System.getProperty( "ai.djl.pytorch.num_threads" ) == null )
			System.setProperty( "ai.djl.pytorch.num_threads", Integer.toString( DEFAULT_INTRA_OP_THREADS ) );
		if ( System.getProperty( "ai.djl.pytorch.num_interop_threads" ) == null )
			System.setProperty( "ai.djl.pytorch.num_interop_threads", "1" );
		NativeMemory.keepFreedMemory();
		final String cache = EngineCache.check();
		if ( cache.startsWith( "damaged" ) )
			System.err.println( "featurize: DJL's unpacked libtorch was " + cache );
		try
		{
			Engine.getEngine( NAME );
		}
		catch ( final EngineException | IllegalArgumentException e )
		{
			throw new ModelException( failure( e ), e );
		}
		started = true;
	}

	/**
	 * What stopped the engine. DJL unpacks libtorch (about 0.5 GB) from the {@code pytorch-native-cpu} jar into its
	 * cache folder the first time; a folder that is read-only, missing or full fails there with an I/O error whose
	 * message is often the bare path, so that case names the folder, the reason and how to choose another.
	 */
	static String failure( final Throwable e )
	{
		for ( Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause() )
			if ( c instanceof IOException )
				return String.format( "Cannot start DJL's PyTorch engine: its native library could not be unpacked into DJL's cache folder %s "
						+ "(%s: %s). That folder must be writable and have room for it (about 0.5 GB); another can be given with "
						+ "-DENGINE_CACHE_DIR=DIR (for bin/featurize: JAVA_OPTS=-DENGINE_CACHE_DIR=DIR) or the environment variable ENGINE_CACHE_DIR.",
						Utils.getEngineCacheDir( "pytorch" ), c.getClass().getSimpleName(), c.getMessage() );
		return "Cannot start DJL's PyTorch engine (is pytorch-native-cpu for this platform on the class path?): "
				+ DjlFeatureModel.rootMessage( e );
	}

	/** "PyTorch 2.7.1 on cpu(), 2 intra-op threads". */
	static String describe( final Device device )
	{
		final int threads = JniUtils.getNumThreads();
		return String.format( "%s %s on %s, %d intra-op thread%s", NAME, Engine.getEngine( NAME ).getVersion(), device,
				threads, threads == 1 ? "" : "s" );
	}
}
