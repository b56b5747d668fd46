package org.featurize.unet.model;

import java.util.Random;

import org.featurize.unet.model.DjlFeatureModel.Tensor;

/**
 * Checks that a model fits one-channel planes and returns per-pixel features, before any real compute; and,
 * for a model without a description file, measures its output channels, size multiple and receptive field
 * with a few small forward passes.
 */
final class ModelProbe
{
	/** The raw forward pass of a model: a (1, channels, height, width) input, whatever shape comes out. */
	@FunctionalInterface
	interface Forward
	{
		Tensor forward( float[] data, int channels, int height, int width );
	}

	/** The largest size multiple and receptive-field plane the measurement tries. */
	private static final int MAX_MULTIPLE = 256;

	private static final int MAX_PLANE = 1024;

	private ModelProbe()
	{}

	/** Runs the model once on a small plane and checks its output against the declared description. */
	static ModelDescription check( final Forward model, final ModelDescription declared )
	{
		final int size = 2 * declared.sizeMultiple();
		final Tensor out = run( model, declared.name(), size );
		final long[] s = out.shape;
		if ( s.length != 4 || s[ 2 ] != size || s[ 3 ] != size )
			throw notPerPixel( declared.name(), size, s );
		if ( s[ 1 ] != declared.outputChannels() )
			throw new ModelException( String.format( "Model %s returns %d feature channels, but its description (%s) says %d",
					declared.name(), s[ 1 ], declared.source(), declared.outputChannels() ) );
		return declared;
	}

	/** Measures a model's description from its behaviour. */
	static ModelDescription measure( final Forward model, final String name )
	{
		final Tensor first = run( model, name, MAX_MULTIPLE );
		final long[] s = first.shape;
		if ( s.length != 4 || s[ 0 ] != 1 || s[ 2 ] != MAX_MULTIPLE || s[ 3 ] != MAX_MULTIPLE )
			throw notPerPixel( name, MAX_MULTIPLE, s );
		final int channels = ( int ) s[ 1 ];

		// The smallest power of two m such that a plane of 3 m pixels (an odd multiple) keeps its size.
		int multiple = 1;
		while ( multiple < MAX_MULTIPLE && !keepsSize( model, 3 * multiple ) )
			multiple *= 2;

		final int field = receptiveField( model, name, multiple, channels );
		return new ModelDescription( name, 1, channels, multiple, field, "measured" );
	}

	private static boolean keepsSize( final Forward model, final int size )
	{
		try
		{
			final long[] s = model.forward( new float[ size * size ], 1, size, size ).shape;
			return s.length == 4 && s[ 2 ] == size && s[ 3 ] == size;
		}
		catch ( final ModelException e )
		{
			return false;
		}
	}

	/**
	 * The receptive-field radius: how far a change of one input pixel changes the output. Measured on two
	 * random backgrounds, with changes of both signs, at three pooling alignments, on planes growing until
	 * the change stays inside; rounded up to the size multiple, since a ReLU or a max-pool can hide part of
	 * the field from any single probe.
	 */
	private static int receptiveField( final Forward model, final String name, final int multiple, final int channels )
	{
		for ( int size = Math.max( 128, 4 * multiple ); size <= MAX_PLANE; size *= 2 )
		{
			final int plane = ( size + multiple - 1 ) / multiple * multiple;
			int radius = 0;
			for ( int seed = 0; seed < 2; seed++ )
			{
				final float[] background = new float[ plane * plane ];
				final Random random = new Random( 42 + seed );
				for ( int i = 0; i < background.length; i++ )
					background[ i ] = random.nextFloat();
				final float[] base = model.forward( background, 1, plane, plane ).data;
				for ( final int offset : new int[] { 0, multiple / 2, multiple - 1 } )
				{
					final int centre = plane / 2 / multiple * multiple + offset;
					final float[] changed = background.clone();
					changed[ centre * plane + centre ] += seed == 0 ? 1 : -1;
					final float[] out = model.forward( changed, 1, plane, plane ).data;
					radius = Math.max( radius, extent( base, out, plane, channels, centre ) );
				}
			}
			if ( radius < plane / 2 - multiple )
				return ( radius + multiple - 1 ) / multiple * multiple;
		}
		throw new ModelException( String.format(
				"Model %s: its receptive field exceeds %d pixels; give it a description file with \"receptive_field\"", name, MAX_PLANE / 2 ) );
	}

	private static int extent( final float[] a, final float[] b, final int plane, final int channels, final int centre )
	{
		int radius = 0;
		final int n = plane * plane;
		for ( int c = 0; c < channels; c++ )
			for ( int y = 0; y < plane; y++ )
				for ( int x = 0; x < plane; x++ )
				{
					final int i = c * n + y * plane + x;
					if ( a[ i ] != b[ i ] )
						radius = Math.max( radius, Math.max( Math.abs( x - centre ), Math.abs( y - centre ) ) );
				}
		return radius;
	}

	private static Tensor run( final Forward model, final String name, final int size )
	{
		final float[] ramp = new float[ size * size ];
		for ( int i = 0; i < ramp.length; i++ )
			ramp[ i ] = ( i % size + i / size ) / ( float ) size;
		try
		{
			return model.forward( ramp, 1, size, size );
		}
		catch ( final ModelException e )
		{
			throw new ModelException( String.format( "Model %s does not run on a one-channel plane (1, 1, %d, %d), "
					+ "as the data needs: %s", name, size, size, e.getMessage() ), e );
		}
	}

	private static ModelException notPerPixel( final String name, final int size, final long[] shape )
	{
		return new ModelException( String.format(
				"Model %s does not return per-pixel features: for input (1, 1, %d, %d) it returned %s; expected (1, channels, %d, %d)",
				name, size, size, Tensor.format( shape ), size, size ) );
	}
}
