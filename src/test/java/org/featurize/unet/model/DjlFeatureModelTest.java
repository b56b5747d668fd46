package org.featurize.unet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlFeatureModelTest
{
	static Path testModel( final String name )
	{
		return Paths.get( "src/test/resources/models", name ).toAbsolutePath();
	}

	@Test
	void measuresAModelWithoutDescription()
	{
		try ( DjlFeatureModel model = DjlFeatureModel.load( testModel( "tiny_unet.pt" ), 1 ) )
		{
			final ModelDescription d = model.description();
			assertEquals( 1, d.inputChannels() );
			assertEquals( 4, d.outputChannels() );
			assertEquals( 4, d.sizeMultiple() );
			assertEquals( "measured", d.source() );
			// analytically 16 plus up to 3 pixels of pooling alignment; measured, rounded up to the multiple
			assertTrue( d.receptiveField() >= 16 && d.receptiveField() <= 20 && d.receptiveField() % 4 == 0,
					"receptive field " + d.receptiveField() );
		}
	}

	@Test
	void readsTheDescriptionFile()
	{
		try ( DjlFeatureModel model = DjlFeatureModel.load( testModel( "tiny_unet_described.pt" ), 1 ) )
		{
			final ModelDescription d = model.description();
			assertEquals( "tiny_unet", d.name() );
			assertEquals( 19, d.receptiveField() );
			assertEquals( 4, d.sizeMultiple() );
			assertTrue( d.source().endsWith( "tiny_unet_described.json" ) );
		}
	}

	@Test
	void predictsPerPixelFeaturesFromManyThreads() throws Exception
	{
		try ( DjlFeatureModel model = DjlFeatureModel.load( testModel( "tiny_unet.pt" ), 2 ) )
		{
			final int h = 24, w = 20;
			final float[] plane = new float[ h * w ];
			for ( int i = 0; i < plane.length; i++ )
				plane[ i ] = ( float ) Math.sin( i * 0.1 );
			final float[] expected = model.predict( plane, h, w );
			assertEquals( 4 * h * w, expected.length );
			final ExecutorService pool = Executors.newFixedThreadPool( 4 );
			try
			{
				final List< Future< float[] > > results = new ArrayList<>();
				for ( int i = 0; i < 16; i++ )
					results.add( pool.submit( () -> model.predict( plane, h, w ) ) );
				for ( final Future< float[] > r : results )
					assertArrayEquals( expected, r.get() );
			}
			finally
			{
				pool.shutdown();
			}
			assertEquals( 2, model.concurrency() );
			final ModelException e = assertThrows( ModelException.class, () -> model.predict( new float[ 18 * 18 ], 18, 18 ) );
			assertTrue( e.getMessage().contains( "not a multiple of the model's size multiple 4" ), e.getMessage() );
		}
	}

	@Test
	void refusesAModelWithThreeInputChannels()
	{
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( testModel( "three_channels.pt" ), 1 ) );
		assertTrue( e.getMessage().contains( "does not run on a one-channel plane" ), e.getMessage() );
		assertTrue( e.getMessage().contains( "expected input[1, 1, 256, 256] to have 3 channels, but got 1" ), e.getMessage() );
	}

	@Test
	void refusesADescriptionWithThreeInputChannels( @TempDir final Path dir ) throws Exception
	{
		final Path model = dir.resolve( "m.pt" );
		Files.copy( testModel( "tiny_unet.pt" ), model );
		Files.writeString( dir.resolve( "m.json" ), "{\"input_channels\": 3, \"output_channels\": 4, \"size_multiple\": 4, \"receptive_field\": 19}" );
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( model, 1 ) );
		assertTrue( e.getMessage().contains( "takes 3 input channels" ) && e.getMessage().contains( "the data has 1 channel" ), e.getMessage() );
	}

	@Test
	void refusesADescriptionWithWrongOutputChannels( @TempDir final Path dir ) throws Exception
	{
		final Path model = dir.resolve( "m.pt" );
		Files.copy( testModel( "tiny_unet.pt" ), model );
		Files.writeString( dir.resolve( "m.json" ), "{\"input_channels\": 1, \"output_channels\": 16, \"size_multiple\": 4, \"receptive_field\": 19}" );
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( model, 1 ) );
		assertTrue( e.getMessage().contains( "returns 4 feature channels" ) && e.getMessage().contains( "says 16" ), e.getMessage() );
	}

	@Test
	void refusesAMalformedDescription( @TempDir final Path dir ) throws Exception
	{
		final Path model = dir.resolve( "m.pt" );
		Files.copy( testModel( "tiny_unet.pt" ), model );
		Files.writeString( dir.resolve( "m.json" ), "{\"input_channels\": 1, \"output_channels\": \"many\"}" );
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( model, 1 ) );
		assertTrue( e.getMessage().contains( "expected an integer \"output_channels\"" ) && e.getMessage().contains( "m.json" ), e.getMessage() );
	}

	@Test
	void refusesAClassifier()
	{
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( testModel( "classifier.pt" ), 1 ) );
		assertTrue( e.getMessage().contains( "does not return per-pixel features" ) && e.getMessage().contains( "(1, 10)" ), e.getMessage() );
	}

	@Test
	void refusesAFileThatIsNotTorchScript( @TempDir final Path dir ) throws Exception
	{
		final Path model = dir.resolve( "notes.pt" );
		Files.writeString( model, "this is not a model" );
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( model, 1 ) );
		assertTrue( e.getMessage().contains( "Cannot load" ) && e.getMessage().contains( "notes.pt" )
				&& e.getMessage().contains( "TorchScript" ), e.getMessage() );
	}

	@Test
	void refusesAMissingFile( @TempDir final Path dir )
	{
		final ModelException e = assertThrows( ModelException.class, () -> DjlFeatureModel.load( dir.resolve( "none.pt" ), 1 ) );
		assertTrue( e.getMessage().contains( "Model file not found" ) && e.getMessage().contains( "none.pt" ), e.getMessage() );
	}

	@Test
	void sharesALoadedModelWithinTheProcess()
	{
		final DjlFeatureModel a = Models.shared( testModel( "tiny_unet_described.pt" ), 1, 1 );
		final DjlFeatureModel b = Models.shared( testModel( "tiny_unet_described.pt" ), 3, 1 );
		assertSame( a, b );
		assertEquals( 3, b.concurrency() );
	}
}
