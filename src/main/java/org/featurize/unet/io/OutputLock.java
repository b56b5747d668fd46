package org.featurize.unet.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Keeps two runs from writing the same output at once: an operating-system lock on a file beside the
 * output ({@code .<name>.featurize-lock}), held for the whole run. The operating system releases it when the
 * process ends, however it ends (kill -9 included), so a crashed run never leaves it stuck; the file's
 * content only says who holds it, for the message of the run that is refused.
 */
public final class OutputLock implements AutoCloseable
{
	private final Path file;

	private final FileChannel channel;

	private final FileLock lock;

	private OutputLock( final Path file, final FileChannel channel, final FileLock lock )
	{
		this.file = file;
		this.channel = channel;
		this.lock = lock;
	}

	/** The lock file of an output. */
	public static Path lockFile( final Path output )
	{
		final Path absolute = output.toAbsolutePath().normalize();
		return absolute.resolveSibling( "." + absolute.getFileName() + ".featurize-lock" );
	}

	/** Takes the lock of {@code output}, or refuses with who holds it. */
	public static OutputLock acquire( final Path output )
	{
		final Path file = lockFile( output );
		FileChannel channel = null;
		try
		{
			Files.createDirectories( file.getParent() );
			channel = FileChannel.open( file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE );
			FileLock lock;
			try
			{
				lock = channel.tryLock();
			}
			catch ( final OverlappingFileLockException e )
			{
				lock = null; // held by this process, in another run
			}
			if ( lock == null )
			{
				final String holder = holder( channel );
				channel.close();
				throw new OutputException( "Output " + output + " is being written by another run" + ( holder.isEmpty() ? "" : " (" + holder + ")" )
						+ "; wait for it to finish, or choose another output" );
			}
			channel.truncate( 0 );
			channel.write( ByteBuffer.wrap( ( "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now() )
					.getBytes( StandardCharsets.UTF_8 ) ), 0 );
			channel.force( false );
			return new OutputLock( file, channel, lock );
		}
		catch ( final IOException e )
		{
			closeQuietly( channel );
			throw new OutputException( "Cannot lock output " + output + " (" + file + "): " + e.getMessage(), e );
		}
	}

	private static String holder( final FileChannel channel )
	{
		try
		{
			final ByteBuffer buffer = ByteBuffer.allocate( 512 );
			channel.read( buffer, 0 );
			return new String( buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8 ).trim();
		}
		catch ( final IOException e )
		{
			return "";
		}
	}

	private static String host()
	{
		final String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
		final int at = name.indexOf( '@' );
		return at >= 0 ? name.substring( at + 1 ) : name;
	}

	private static void closeQuietly( final FileChannel channel )
	{
		if ( channel != null )
			try
			{
				channel.close();
			}
			catch ( final IOException e )
			{
				// nothing more to release
			}
	}

	/** Releases the lock and removes the lock file. */
	@Override
	public void close()
	{
		try
		{
			Files.deleteIfExists( file );
			lock.release();
		}
		catch ( final IOException e )
		{
			// the lock goes with the channel in any case
		}
		finally
		{
			closeQuietly( channel );
		}
	}
}
