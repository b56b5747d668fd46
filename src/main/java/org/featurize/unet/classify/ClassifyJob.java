package org.featurize.unet.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.compute.CellFeatures;
import org.featurize.unet.compute.ExtraChannels;
import org.featurize.unet.compute.FeatureImage;
import org.featurize.unet.input.InputView;
import org.featurize.unet.input.Region;
import org.featurize.unet.io.FeatureOutput;
import org.featurize.unet.io.OutputLock;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.Models;
import org.featurize.unet.ome.OmeInput;
import org.featurize.unet.zarr.DataType;
import org.featurize.unet.zarr.ZarrArray;
import org.featurize.unet.zarr.ZipStores;

/**
 * A classification run, the same from every front end: the lazy features of the input (as {@link Featurizer}
 * makes them, nothing stored), then either training on a label array (features computed only for the tiles that
 * hold labels) or a classifier file read and checked against the features' model, then the labels (and, on
 * request, the class probabilities) written chunk by chunk: each chunk atomically, an interrupted run resumed.
 */
public final class ClassifyJob
{
	private final Consumer< String > log;

	public ClassifyJob( final Consumer< String > log )
	{
		this.log = log;
	}

	/** What a run made. */
	public static final class Result
	{
		public final PixelClassifier classifier;

		public final Classification classification;

		public final ClassWriter.Result written;

		Result( final PixelClassifier classifier, final Classification classification, final ClassWriter.Result written )
		{
			this.classifier = classifier;
			this.classification = classification;
			this.written = written;
		}

		/** The features computed for this run (to reuse in the next), or null where they were read from a features Zarr. */
		public FeatureImage computedFeatures()
		{
			return classification.features() instanceof FeatureImage ? ( FeatureImage ) classification.features() : null;
		}
	}

	public Result run( final ClassifyRequest request, final Progress progress, final BooleanSupplier cancelled )
	{
		request.validate();
		final FeaturizeRequest fr = request.features.output( null );
		// what can be refused without the model: the classifier file, the labels' type and shape, the outputs
		final PixelClassifier given = request.classifier != null ? PixelClassifier.read( request.classifier ) : null;
		if ( given != null )
			applyRecordedOptions( given, fr );
		else if ( request.storedFeatures == null && fr.marginGiven() == null )
			fr.margin( ClassifyRequest.DEFAULT_MARGIN );
		final InputView view = Featurizer.openInput( fr );
		final long[] inputShape = view.shape();
		final StoredFeatures stored = request.storedFeatures != null ? openStored( request, view, fr, given ) : null;
		final ZarrArray labelArray = request.labels != null ? openLabels( request, inputShape, view.part() ) : null;
		for ( final Path out : new Path[] { request.labelArray(), request.probabilities } )
			if ( out != null )
				FeatureOutput.checkBeforeRun( out, fr.input(), request.overwrite );
		if ( given != null && request.output != null )
			Classification.checkType( request.outputDataType() != null ? request.outputDataType() : Classification.smallestType( given.values() ),
					given.values() );

		final CellFeatures image;
		final String modelSha;
		final Map< String, Object > featureRecord, parameters;
		if ( stored != null )
		{
			image = stored;
			modelSha = stored.record().modelSha256();
			featureRecord = storedRecord( stored );
			log.accept( "Features: read from " + stored + ", not computed" );
		}
		else
		{
			modelSha = Featurizer.sha256( Featurizer.modelFile( fr ) );
			final Extras extra = given != null ? given.extra() : request.extra( shippedModels().contains( modelSha ) );
			FeatureImage computed;
			if ( request.reuseFeatures != null )
			{
				computed = request.reuseFeatures;
				log.accept( "Features: those kept from the last run over the same input, model and settings" );
			}
			else
				computed = new Featurizer( log ).run( fr, Progress.NONE, cancelled ).features();
			if ( given != null )
				given.checkModel( computed.model().description().name(), modelSha,
						computed.model().description().outputChannels() + ( extra == null ? 0 : extra.count() ), request.classifier );
			if ( !sameExtra( computed.extra(), extra ) )
				computed = computed.withExtra( extra );
			if ( extra != null )
				log.accept( "Features: the model's, and beside them " + extra );
			image = computed;
			featureRecord = featureRecord( request.features, computed, modelSha );
		}
		final PixelClassifier classifier;
		if ( given != null )
		{
			classifier = given;
			log.accept( "Classifier: " + request.classifier + ", " + classifier );
		}
		else
			classifier = train( request, labelArray, view, image, featureRecord, cancelled );
		if ( request.saveClassifier != null )
		{
			classifier.write( request.saveClassifier );
			log.accept( "Saved the classifier to " + request.saveClassifier );
		}
		final DataType type = request.outputDataType() != null ? request.outputDataType() : Classification.smallestType( classifier.values() );
		// each writer thread's forward passes use the intra-op threads' cores; its forest walk uses them too
		final Classification classification = new Classification( image, classifier, type, Runtime.getRuntime().maxMemory() / 16,
				request.keepFeatures ).forestThreads( stored != null ? 1 : fr.intraOpThreads() );
		if ( request.output == null && request.probabilities == null )
			return new Result( classifier, classification, null );
		final Path lockPath = request.output != null ? request.output : request.probabilities;
		try ( OutputLock lock = OutputLock.acquire( lockPath ) )
		{
			if ( request.labelsOme && request.output != null )
				OmeLabels.writeGroups( request.output, classification, view.axes() );
			final ClassWriter.Result written = new ClassWriter( classification, fr.threads() ).write( request.labelArray(), request.probabilities, fr.input(),
					stored != null ? parameters( request, fr, view, classifier, stored )
							: parameters( request, fr, view, classifier, modelSha, ( FeatureImage ) image ),
					request.overwrite, log, progress, cancelled );
			log.accept( String.format( "Done: %d chunks written, %d already there, %.1f s", written.chunksWritten, written.chunksSkipped,
					written.seconds ) );
			return new Result( classifier, classification, written );
		}
	}

	/**
	 * What a saved classifier's run can be refused for before any input is read: the request, the classifier file (a
	 * damaged or foreign one), and the features model, whose SHA-256 must be the one the classifier records. Sets the
	 * classifier's recorded feature options on the request's features; returns the classifier.
	 */
	public static PixelClassifier checkClassifier( final ClassifyRequest request )
	{
		request.validate();
		final PixelClassifier classifier = PixelClassifier.read( request.classifier() );
		final FeaturizeRequest fr = request.features();
		applyRecordedOptions( classifier, fr );
		fr.validate();
		final Path modelFile = Featurizer.modelFile( fr );
		classifier.checkModel( modelFile.getFileName().toString(), Featurizer.sha256( modelFile ), classifier.forest().features(),
				request.classifier() );
		return classifier;
	}

	/**
	 * A classifier is applied to features computed as they were for training: the same normalization, margin and
	 * halo. A margin given that is not the classifier's is refused: the features at the planes' edges would differ.
	 */
	public static void applyRecordedOptions( final PixelClassifier classifier, final FeaturizeRequest request )
	{
		final Map< String, Object > f = classifier.features();
		final int margin = recordedMargin( f );
		if ( request.marginGiven() != null && request.marginGiven() != margin )
			throw new FeaturizeException( String.format( "The classifier was trained on features with a margin of %d pixels; a margin of %d "
					+ "would give other features at the planes' edges: leave the margin out", margin, request.marginGiven() ) );
		request.margin( margin );
		if ( f.get( "normalization" ) != null )
			request.normalization( String.valueOf( f.get( "normalization" ) ) );
		if ( f.get( "percentiles" ) instanceof List )
		{
			final List< ? > p = ( List< ? > ) f.get( "percentiles" );
			request.percentiles( ( ( Number ) p.get( 0 ) ).doubleValue(), ( ( Number ) p.get( 1 ) ).doubleValue() );
		}
		if ( request.haloGiven() == null && f.get( "halo" ) instanceof Number )
			request.halo( ( ( Number ) f.get( "halo" ) ).intValue() );
	}

	/** The margin a classifier's feature record names: 0 where it names none (a classifier from before margins). */
	static int recordedMargin( final Map< String, Object > features )
	{
		return features.get( "margin" ) instanceof Number ? ( ( Number ) features.get( "margin" ) ).intValue() : 0;
	}

	/**
	 * The label array: a Zarr array, or an OME-Zarr label image (as napari and ome-zarr write scribbles, in an image's
	 * {@code labels} group) at the resolution level that has the input's shape; the {@code labels} group itself where
	 * it lists one label image.
	 */
	private static ZarrArray openLabels( final ClassifyRequest request, final long[] inputShape, final String part )
	{
		if ( !Files.exists( request.labels ) )
			throw new LabelException( "Labels " + request.labels + " do not exist" );
		String dataset = request.labelsDataset == null ? "" : request.labelsDataset;
		final String where = "Labels " + ( dataset.isEmpty() ? request.labels : request.labels.resolve( dataset ) );
		final Path root = ZipStores.root( request.labels ); // a zipped store is read in place
		final List< String > listed = OmeLabels.listed( root, dataset );
		if ( listed != null )
		{
			if ( listed.size() != 1 )
				throw new LabelException( String.format( "%s is an OME-Zarr labels group of %d label images: %s; give one with labels_dataset "
						+ "(bin/featurize classify --labels-dataset)", where, listed.size(), String.join( ", ", listed ) ) );
			dataset = dataset.isEmpty() ? listed.get( 0 ) : dataset + "/" + listed.get( 0 );
		}
		final OmeInput ome = OmeInput.probe( root, dataset );
		if ( ome == null )
			return ZarrArray.open( root, dataset );
		final List< String > shapes = new ArrayList<>();
		for ( int k = 0; k < ome.levels(); k++ )
		{
			final ZarrArray level = ome.level( k ).array();
			if ( Arrays.equals( Labels.squeeze( level.shape() ), Labels.squeeze( inputShape ) ) )
				return level;
			shapes.add( Arrays.toString( level.shape() ) );
		}
		throw new LabelException( String.format( "%s is an OME-Zarr label image none of whose %d level(s) has the shape of %s, %s: %s", where,
				ome.levels(), part, Arrays.toString( inputShape ), String.join( ", ", shapes ) ) );
	}

	private PixelClassifier train( final ClassifyRequest request, final ZarrArray labelArray, final InputView view, final CellFeatures image,
			final Map< String, Object > featureRecord, final BooleanSupplier cancelled )
	{
		final long t0 = System.nanoTime();
		final Labels labels = request.givenLabels != null ? request.givenLabels
				: Labels.read( labelArray, view.shape(), view.part(), request.maxSamples, request.seed );
		final long[] values = labels.values();
		final TrainingData.Collected collected = collect( image, labels, request.features.threads(), cancelled, request.keepFeatures );
		final Samples samples = collected.samples.capped( request.maxSamples, values.length, request.seed );
		final long t1 = System.nanoTime();
		final ForestTrainer trainer = new ForestTrainer().trees( request.trees ).depth( request.depth ).seed( request.seed )
				.threads( request.features.threads() );
		final Forest forest = trainer.train( samples, values.length );
		final long t2 = System.nanoTime();
		final Map< String, Object > counts = new LinkedHashMap<>();
		for ( final long v : values )
			counts.put( Long.toString( v ), labels.count( v ) );
		final Map< String, Object > training = new LinkedHashMap<>();
		if ( image instanceof StoredFeatures )
			training.put( "features", ( ( StoredFeatures ) image ).path().toAbsolutePath().normalize().toString() );
		training.put( "labels", request.givenLabels != null ? request.givenLabelsSource : request.labels.toAbsolutePath().normalize().toString() );
		training.put( "labelled_pixels", counts );
		training.put( "samples", samples.size() );
		if ( image instanceof StoredFeatures )
		{
			training.put( "cells_read", collected.tiles );
			training.put( "cells_in_volume", collected.tilesInVolume );
		}
		else if ( request.keepFeatures )
		{
			training.put( "cells_computed", collected.tiles );
			training.put( "cells_reused", collected.cellsReused );
			training.put( "cells_in_volume", collected.tilesInVolume );
		}
		else
		{
			training.put( "tiles_computed", collected.tiles );
			training.put( "tiles_in_volume", collected.tilesInVolume );
		}
		training.put( "trees", trainer.trees() );
		training.put( "depth", trainer.depth() );
		training.put( "samples_per_tree", Math.min( samples.size(), trainer.bag() ) );
		training.put( "seed", trainer.seed() );
		training.put( "features_seconds", ( t1 - t0 ) * 1e-9 );
		training.put( "training_seconds", ( t2 - t1 ) * 1e-9 );
		final String[] names = PixelClassifier.defaultNames( values );
		for ( int c = 0; c < values.length; c++ )
			names[ c ] = request.classNames.getOrDefault( values[ c ], names[ c ] );
		final PixelClassifier classifier = new PixelClassifier( forest, values, names, PixelClassifier.defaultColors( values ),
				featureRecord, training );
		log.accept( String.format( "Trained %s on %d labelled pixels (%s): features of %d of %d %s%s in %.1f s, forest in %.1f s", classifier,
				samples.size(), counts, collected.tiles, collected.tilesInVolume,
				image instanceof StoredFeatures ? "cells read" : request.keepFeatures ? "cells" : "tiles",
				request.keepFeatures && !( image instanceof StoredFeatures ) ? " (" + collected.cellsReused + " more kept from before)" : "", ( t1 - t0 ) * 1e-9, ( t2 - t1 ) * 1e-9 ) );
		return classifier;
	}

	/**
	 * The features a training reads: computed tile by tile (or cell by cell, kept), or read from their Zarr by cells,
	 * the labelled pixels grouped by the tile of the run that wrote them so that the samples come in the same order.
	 */
	private static TrainingData.Collected collect( final CellFeatures image, final Labels labels, final int threads, final BooleanSupplier cancelled,
			final boolean keep )
	{
		if ( image instanceof FeatureImage )
			return TrainingData.collect( ( FeatureImage ) image, labels, threads, cancelled, keep );
		final int[] tile = ( ( StoredFeatures ) image ).record().tile(); // (height, width)
		final int w = tile != null ? tile[ 1 ] : image.cellGrid().cellDimension( 0 ), h = tile != null ? tile[ 0 ] : image.cellGrid().cellDimension( 1 );
		return TrainingData.collect( image, labels, w, h, threads, cancelled );
	}

	/**
	 * Opens a features Zarr and refuses, before anything is computed or written, what does not fit: an unfinished run,
	 * another shape than the input's, another number of features than the classifier takes, and, where the Zarr has a
	 * run record, another model (SHA-256) or normalization than the classifier's. A Zarr without a record (another
	 * tool's) is taken on the user's word, with a warning.
	 */
	private StoredFeatures openStored( final ClassifyRequest request, final InputView view, final FeaturizeRequest fr,
			final PixelClassifier classifier )
	{
		final Path path = request.storedFeatures, classifierFile = request.classifier;
		StoredFeatures stored = StoredFeatures.open( path ).checkComplete();
		final Extras extra = classifier != null ? classifier.extra()
				: request.extra( stored.record().exists() && shippedModels().contains( stored.record().modelSha256() ) );
		if ( extra != null )
		{
			stored = stored.withExtra( extra );
			log.accept( "Features: beside those read, " + extra );
		}
		stored.checkShape( view.shape(), fr.input() );
		checkPart( stored, view );
		if ( classifier == null && fr.marginGiven() != null && stored.record().exists() && fr.marginGiven().intValue() != stored.record().margin().intValue() )
			throw new FeaturesException( String.format( "Features %s were computed with a margin of %d pixels, not the %d asked for: leave the "
					+ "margin out to train on them as they are, or compute them again with that margin", path, stored.record().margin(),
					fr.marginGiven() ) );
		if ( !stored.record().exists() )
			log.accept( "Warning: features " + path + " have no bin/featurize run record: their model and normalization are not known"
					+ ( classifier != null ? " and cannot be checked against the classifier's" : "; the classifier records none" )
					+ ", and they are used as they are" );
		if ( classifier != null )
		{
			stored.check( classifier, classifierFile );
			final Object halo = classifier.features().get( "halo" );
			if ( stored.record().halo() != null && halo instanceof Number && ( ( Number ) halo ).intValue() != stored.record().halo() )
				log.accept( String.format( "Note: features %s were computed with a halo of %d pixels, the classifier's with %s: the features near "
						+ "tile edges differ a little from those it was trained on", path, stored.record().halo(), halo ) );
		}
		return stored;
	}

	/** Whether two sets of extra channels are the same operation (null: none). */
	static boolean sameExtra( final ExtraChannels a, final Extras b )
	{
		return a == null ? b == null : b != null && b.equals( a );
	}

	/**
	 * Whether {@code model} (null: the default) is the shipped model's file, whose features the default coherence suits;
	 * false for a file that cannot be read.
	 */
	public static boolean isShippedModel( final Path model )
	{
		if ( model == null )
			return true;
		try
		{
			return Files.isRegularFile( model ) && shippedModels().contains( Featurizer.sha256( model ) );
		}
		catch ( final FeaturizeException e )
		{
			return false;
		}
	}

	/** The SHA-256s of the shipped model's files (float32 and bfloat16), whose features the default extra inputs suit. */
	static List< String > shippedModels()
	{
		final Path model = Models.defaultModelFile();
		return List.of( Featurizer.sha256( model ), Featurizer.sha256( Models.bf16Variant( model ) ) );
	}

	/**
	 * Refuses stored features whose run record says they are of another part of the input than the one classified:
	 * another region, level, channel or channel axis (features of the same shape from elsewhere would be classified
	 * as if they lay here).
	 */
	static void checkPart( final StoredFeatures stored, final InputView view )
	{
		if ( !stored.record().exists() )
			return;
		final Map< String, Object > recorded = stored.record().parameters(), here = new LinkedHashMap<>();
		view.record( here );
		// no region is the whole (of the features' shape, which is the view's), no level is level 0
		final long[][] whole = new long[ view.shape().length ][];
		for ( int d = 0; d < whole.length; d++ )
			whole[ d ] = new long[] { 0, view.shape()[ d ] };
		final Map< String, Object[] > pairs = new LinkedHashMap<>();
		pairs.put( "region", new Object[] { recorded.containsKey( "region" ) ? recorded.get( "region" ) : Region.toList( whole ),
				Region.toList( view.bounds() ) } );
		pairs.put( "level", new Object[] { recorded.getOrDefault( "level", 0 ), here.getOrDefault( "level", 0 ) } );
		pairs.put( "channel", new Object[] { recorded.get( "channel" ), here.get( "channel" ) } );
		pairs.put( "channel_axis", new Object[] { recorded.get( "channel_axis" ), here.get( "channel_axis" ) } );
		for ( final Map.Entry< String, Object[] > e : pairs.entrySet() )
		{
			final Object was = e.getValue()[ 0 ], now = e.getValue()[ 1 ];
			if ( !String.valueOf( was ).equals( String.valueOf( now ) ) )
				throw new FeaturesException( String.format( "Features %s were computed with %s %s; this run classifies %s with %s %s: give the "
						+ "features of that part", stored.path(), e.getKey(), was == null ? "unset" : was, view.part(), e.getKey(),
						now == null ? "unset" : now ) );
		}
	}

	/** What a classifier trained on stored features records of them: the run record's model, SHA-256, normalization and halo. */
	static Map< String, Object > storedRecord( final StoredFeatures stored )
	{
		final Map< String, Object > f = new LinkedHashMap<>();
		f.put( "model", stored.record().modelName() );
		f.put( "model_sha256", stored.record().modelSha256() );
		f.put( "channels", stored.channels() - ( stored.extra() == null ? 0 : stored.extra().count() ) );
		if ( stored.extra() != null )
			f.put( PixelClassifier.EXTRA, ( ( Extras ) stored.extra() ).toRecord() );
		f.put( "normalization", stored.record().normalizationMethod() );
		if ( stored.record().percentiles() != null )
			f.put( "percentiles", stored.record().percentiles() );
		f.put( "halo", stored.record().halo() );
		if ( stored.record().exists() )
			f.put( "margin", stored.record().margin() );
		f.put( "training_normalization", stored.record().normalization() );
		f.put( "stored", stored.path().toAbsolutePath().normalize().toString() );
		f.put( "stored_type", stored.dataType().toString() );
		return f;
	}

	/** What makes two classification runs over stored features the same. */
	static Map< String, Object > parameters( final ClassifyRequest request, final FeaturizeRequest fr, final InputView view,
			final PixelClassifier classifier, final StoredFeatures stored )
	{
		final Map< String, Object > p = new LinkedHashMap<>();
		p.put( "input", fr.input().toAbsolutePath().normalize().toString() );
		p.put( "dataset", fr.dataset() );
		p.put( "input_shape", Arrays.stream( view.shape() ).boxed().toList() );
		view.record( p ); // the region, channel and level, where given
		p.put( "classifier_sha256", classifier.forestSha256() );
		p.put( "features", stored.path().toAbsolutePath().normalize().toString() );
		if ( stored.extra() != null )
			p.put( PixelClassifier.EXTRA, ( ( Extras ) stored.extra() ).toRecord() );
		p.put( "model_sha256", stored.record().modelSha256() );
		p.put( "normalization", stored.record().normalizationMethod() );
		return p;
	}

	/** What a classifier records of its features, so that applying it computes the same ones. */
	public static Map< String, Object > featureRecord( final FeaturizeRequest request, final FeatureImage image, final String modelSha )
	{
		final Map< String, Object > f = new LinkedHashMap<>();
		f.put( "model", image.model().description().name() );
		f.put( "model_sha256", modelSha );
		f.put( "channels", image.model().description().outputChannels() );
		if ( image.extra() != null )
			f.put( PixelClassifier.EXTRA, ( ( Extras ) image.extra() ).toRecord() );
		f.put( "normalization", request.normalization() );
		f.put( "percentiles", Arrays.asList( request.percentiles()[ 0 ], request.percentiles()[ 1 ] ) );
		f.put( "halo", image.tiles().halo() );
		f.put( "margin", image.tiles().margin() );
		f.put( "training_normalization", image.normalization().toMap() );
		return f;
	}

	/** What makes two classification runs the same (an unfinished output with other parameters is refused). */
	public static Map< String, Object > parameters( final ClassifyRequest request, final FeaturizeRequest fr, final InputView view,
			final PixelClassifier classifier, final String modelSha, final FeatureImage image )
	{
		final Map< String, Object > p = new LinkedHashMap<>();
		p.put( "input", fr.input().toAbsolutePath().normalize().toString() );
		p.put( "dataset", fr.dataset() );
		p.put( "input_shape", Arrays.stream( view.shape() ).boxed().toList() ); // the part classified
		view.record( p ); // the region, channel and level, where given
		p.put( "classifier_sha256", classifier.forestSha256() );
		p.put( "model_sha256", modelSha );
		p.put( "normalization", fr.normalization() );
		p.put( "halo", image.tiles().halo() );
		if ( image.tiles().margin() != 0 )
			p.put( "margin", image.tiles().margin() );
		p.put( "tile", Arrays.asList( image.tiles().tileWidth(), image.tiles().tileHeight() ) );
		if ( image.extra() != null )
			p.put( PixelClassifier.EXTRA, ( ( Extras ) image.extra() ).toRecord() );
		return p;
	}
}
