package org.featurize.unet.preview;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.compute.PlaneReader;
import org.featurize.unet.compute.TileGrid;

/**
 * A picture of what the model responds to, for one plane: the input (grey, 1st..99th percentile stretched to
 * black..white) on the left, and on the right an RGB image of the plane's first three principal components of
 * the features (PCA over the plane's pixels; red, green, blue = components 1, 2, 3, each stretched from its
 * 1st to its 99th percentile). The PNG is twice the plane's width and as high as the plane. Non-finite pixels
 * are black. The features are computed tile by tile twice (once for the statistics, once for the projection),
 * so a plane of any size needs only 3 floats per pixel besides one tile.
 */
public final class Preview
{
	/** The percentiles each half is stretched between. */
	static final double LOW = 1, HIGH = 99;

	private Preview()
	{}

	/** What was written. */
	public static final class Result
	{
		public final Path file;

		public final long plane, z, t;

		public final int width, height;

		/** The fraction of the features' variance over the plane that the three components hold. */
		public final double explained;

		Result( final Path file, final long plane, final long z, final long t, final int width, final int height, final double explained )
		{
			this.file = file;
			this.plane = plane;
			this.z = z;
			this.t = t;
			this.width = width;
			this.height = height;
			this.explained = explained;
		}

		@Override
		public String toString()
		{
			return String.format( Locale.ROOT, "%s: plane %d (z %d, t %d), %d x %d, components 1-3 hold %.0f%% of the features' variance",
					file, plane, z, t, width, height, 100 * explained );
		}
	}

	/** The default plane: the middle z of the first time point, as a plane index {@code t * depth + z}. */
	public static long defaultPlane( final FeatureImage features )
	{
		return features.depth() / 2;
	}

	/**
	 * Checks, before any compute, that a preview can be written there: a {@code .png} name outside the input,
	 * not an existing file unless {@code overwrite}, a plane within range.
	 */
	public static void check( final Path file, final Path input, final Long plane, final long planes, final boolean overwrite )
	{
		if ( input != null && file.toAbsolutePath().normalize().startsWith( input.toAbsolutePath().normalize() ) )
			throw new FeaturizeException( "preview " + file + " lies inside the input " + input + "; the input is never written to" );
		if ( !file.getFileName().toString().toLowerCase( Locale.ROOT ).endsWith( ".png" ) )
			throw new FeaturizeException( "preview must name a .png file, got " + file );
		if ( Files.isDirectory( file ) )
			throw new FeaturizeException( "preview " + file + " is a folder; give a .png file name" );
		if ( Files.exists( file ) && !overwrite )
			throw new FeaturizeException( "preview " + file + " already exists; set overwrite=true to replace it" );
		if ( plane != null && ( plane < 0 || plane >= planes ) )
			throw new FeaturizeException( String.format( "preview_plane must be a plane index t * Z + z in 0..%d, got %d", planes - 1, plane ) );
	}

	/**
	 * Computes the preview of plane {@code plane} ({@code t * depth + z}) and writes it to {@code file}, atomically.
	 *
	 * @param input
	 *            reads the input's planes, as the features were computed from them
	 */
	public static Result write( final Path file, final PlaneReader< ? > input, final FeatureImage features, final long plane )
	{
		final TileGrid tiles = features.tiles();
		final int width = ( int ) tiles.width(), height = ( int ) tiles.height(), channels = features.channels();
		final long z = plane % features.depth(), t = plane / features.depth();
		if ( ( long ) width * height > Integer.MAX_VALUE / 4 )
			throw new FeaturizeException( String.format( "A preview of a %d x %d plane is too large for one image", width, height ) );

		final Pca pca = new Pca( channels );
		forEachTile( features, z, t, ( data, x0, y0, w, h ) -> {
			for ( int i = 0; i < w * h; i++ )
				pca.add( data, i, w * h );
		} );
		final int k = Math.min( 3, channels );
		final double[][] axes = pca.components( k );
		final double[] mean = pca.mean(), variances = pca.variances();
		final float[][] projected = new float[ k ][ width * height ];
		forEachTile( features, z, t, ( data, x0, y0, w, h ) -> {
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
				{
					final int i = y * w + x;
					for ( int r = 0; r < k; r++ )
					{
						double v = 0;
						for ( int c = 0; c < channels; c++ )
							v += axes[ r ][ c ] * ( data[ c * w * h + i ] - mean[ c ] );
						projected[ r ][ ( y0 + y ) * width + x0 + x ] = ( float ) v;
					}
				}
		} );
		final float[] grey = input.read( 0, 0, width, height, z, t );

		final BufferedImage image = new BufferedImage( 2 * width, height, BufferedImage.TYPE_INT_RGB );
		final int[] g = bytes( grey ), r = bytes( projected[ 0 ] );
		final int[] gr = k > 1 ? bytes( projected[ 1 ] ) : r, b = k > 2 ? bytes( projected[ 2 ] ) : gr;
		for ( int y = 0; y < height; y++ )
			for ( int x = 0; x < width; x++ )
			{
				final int i = y * width + x;
				image.setRGB( x, y, g[ i ] << 16 | g[ i ] << 8 | g[ i ] );
				image.setRGB( width + x, y, r[ i ] << 16 | gr[ i ] << 8 | b[ i ] );
			}
		save( image, file );
		double total = 0, first = 0;
		for ( int i = 0; i < variances.length; i++ )
		{
			total += variances[ i ];
			if ( i < k )
				first += variances[ i ];
		}
		return new Result( file, plane, z, t, 2 * width, height, total > 0 ? first / total : 0 );
	}

	@FunctionalInterface
	interface TileConsumer
	{
		/** {@code data}: the features of a w x h tile at (x0, y0), (c, y, x) with x fastest. */
		void accept( float[] data, int x0, int y0, int w, int h );
	}

	private static void forEachTile( final FeatureImage features, final long z, final long t, final TileConsumer consumer )
	{
		final TileGrid tiles = features.tiles();
		for ( long iy = 0; iy < tiles.tilesY(); iy++ )
			for ( long ix = 0; ix < tiles.tilesX(); ix++ )
			{
				final long[] tx = tiles.tileX( ix ), ty = tiles.tileY( iy );
				consumer.accept( features.computeTile( ix, iy, z, t ), ( int ) tx[ 0 ], ( int ) ty[ 0 ], ( int ) ( tx[ 1 ] - tx[ 0 ] ),
						( int ) ( ty[ 1 ] - ty[ 0 ] ) );
			}
	}

	/** Values stretched from their {@link #LOW} to their {@link #HIGH} percentile (finite values) to 0..255; non-finite: 0. */
	static int[] bytes( final float[] values )
	{
		final float[] finite = new float[ values.length ];
		int n = 0;
		for ( final float v : values )
			if ( Float.isFinite( v ) )
				finite[ n++ ] = v;
		final int[] out = new int[ values.length ];
		if ( n == 0 )
			return out;
		Arrays.sort( finite, 0, n );
		final double lo = finite[ ( int ) Math.floor( LOW / 100 * ( n - 1 ) ) ], hi = finite[ ( int ) Math.ceil( HIGH / 100 * ( n - 1 ) ) ];
		final double scale = hi > lo ? 255 / ( hi - lo ) : 0;
		for ( int i = 0; i < values.length; i++ )
			out[ i ] = Float.isFinite( values[ i ] ) ? ( int ) Math.round( Math.max( 0, Math.min( 255, ( values[ i ] - lo ) * scale ) ) ) : 0;
		return out;
	}

	static void save( final BufferedImage image, final Path file )
	{
		try
		{
			final Path dir = file.toAbsolutePath().getParent();
			Files.createDirectories( dir );
			final Path tmp = Files.createTempFile( dir, "." + file.getFileName(), ".tmp" );
			try
			{
				if ( !ImageIO.write( image, "png", tmp.toFile() ) )
					throw new FeaturizeException( "No PNG writer in this Java runtime" );
				Files.move( tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING );
			}
			finally
			{
				Files.deleteIfExists( tmp );
			}
		}
		catch ( final IOException e )
		{
			throw new FeaturizeException( "Cannot write the preview " + file + ": " + e.getMessage(), e );
		}
	}
}
