package org.featurize.unet.model;

import java.util.Locale;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * How glibc's allocator treats libtorch's activations. A forward pass allocates and frees tensors of tens of MB
 * (16 float channels of a 768 x 1024 plane: 50 MB). glibc serves anything over its mmap threshold with a fresh mapping
 * and unmaps it when freed; the threshold adapts upwards, but never past 32 MB, so every pass page-faults (and the
 * kernel zeroes) its largest tensors again: at 768 x 1024 that made a pass 260 ms instead of 200 ms. Keeping freed
 * memory in the heap (mmap and trim thresholds of 1 GiB and a top pad of 64 MB, {@code mallopt}) lets later passes
 * reuse it. The peak is the same, but it stays reserved for reuse until the process ends (in Fiji: until Fiji
 * quits); glibc cannot give back the memory of its per-thread heaps on request ({@code malloc_trim} only trims the
 * main heap's top).
 * <p>
 * Done once per process, by the engine's start, so that every way in (Fiji, {@code bin/featurize}, Spark executors,
 * the Java API) gets it. Only with glibc, through JNA (which DJL and Fiji ship); left alone where the environment
 * already sets these ({@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_}, {@code MALLOC_TOP_PAD_},
 * {@code GLIBC_TUNABLES}) or
 * where {@code -Dfeaturize.malloc=default} says so ({@code keep}, the default, is the other value). Any failure leaves glibc's defaults, which are correct, only
 * slower.
 */
public final class NativeMemory
{
	private static final int M_TRIM_THRESHOLD = -1;

	private static final int M_TOP_PAD = -2;

	private static final int M_MMAP_THRESHOLD = -3;

	/** Larger than any activation. */
	static final int KEEP_BYTES = 1 << 30;

	/**
	 * A worker thread's allocations live in heaps of at most 64 MB, and glibc deletes a thread's extra heap as soon as
	 * it is all free, whatever the thresholds: a forward pass needs several, so each pass faulted them in again. A top
	 * pad of one such heap keeps them (address space only, until used).
	 */
	static final int TOP_PAD_BYTES = 64 << 20;

	private static String state;

	private NativeMemory()
	{}

	/**
	 * Makes glibc keep freed memory for reuse, once per process.
	 *
	 * @return what was done, or why not (for logs and tests)
	 * @throws ModelException
	 *             when {@code -Dfeaturize.malloc} is neither {@code keep} nor {@code default}
	 */
	public static synchronized String keepFreedMemory()
	{
		if ( state == null )
			state = configure();
		return state;
	}

	private static String configure()
	{
		if ( !System.getProperty( "os.name", "" ).toLowerCase( Locale.ROOT ).startsWith( "linux" ) )
			return "unchanged: not Linux";
		final String asked = System.getProperty( "featurize.malloc" );
		if ( asked != null && !asked.equals( "default" ) && !asked.equals( "keep" ) )
			throw new ModelException( "-Dfeaturize.malloc must be \"keep\" (glibc keeps freed memory for the next forward pass; the default) or "
					+ "\"default\" (glibc's own settings), got \"" + asked + "\"" );
		if ( "default".equals( asked ) )
			return "unchanged: -Dfeaturize.malloc=default";
		for ( final String variable : new String[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_" } )
			if ( System.getenv( variable ) != null )
				return "unchanged: " + variable + " is set";
		final String tunables = System.getenv( "GLIBC_TUNABLES" );
		if ( tunables != null && ( tunables.contains( "mmap_threshold" ) || tunables.contains( "trim_threshold" ) || tunables.contains( "top_pad" ) ) )
			return "unchanged: GLIBC_TUNABLES sets them";
		try
		{
			final NativeLibrary c = NativeLibrary.getInstance( "c" );
			c.getFunction( "gnu_get_libc_version" ); // glibc only: mallopt elsewhere means other things, or nothing
			final Function mallopt = c.getFunction( "mallopt" );
			if ( mallopt.invokeInt( new Object[] { M_MMAP_THRESHOLD, KEEP_BYTES } ) != 1
					|| mallopt.invokeInt( new Object[] { M_TRIM_THRESHOLD, KEEP_BYTES } ) != 1
					|| mallopt.invokeInt( new Object[] { M_TOP_PAD, TOP_PAD_BYTES } ) != 1 )
				return "unchanged: mallopt refused";
			return "kept: glibc's mmap and trim thresholds are " + KEEP_BYTES + " bytes, its top pad " + TOP_PAD_BYTES;
		}
		catch ( final LinkageError | RuntimeException e )
		{
			return "unchanged: " + e;
		}
	}
}
