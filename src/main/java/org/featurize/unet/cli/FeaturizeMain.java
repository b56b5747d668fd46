package org.featurize.unet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

import org.featurize.unet.FeaturizeException;
import org.featurize.unet.io.Progress;
import org.featurize.unet.job.Batch;
import org.featurize.unet.job.FeaturizeRequest;
import org.featurize.unet.job.Featurizer;
import org.featurize.unet.model.DjlEngine;
import org.featurize.unet.plugin.ProgressText;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bin/featurize}: three forms.
 * <ul>
 * <li>{@code featurize --headless --run UNet "input='in.zarr',output='out.zarr'"}: the Fiji launcher's form,
 * handled by SciJava's console arguments exactly as in Fiji ({@link ScijavaRun});</li>
 * <li>{@code featurize in.zarr out.zarr [--model m.pt] [--threads N] ...}: the plain form;</li>
 * <li>{@code featurize --output-dir DIR [--inputs LIST] [--name PATTERN] [IN.zarr...]}: many inputs, one engine
 * ({@link Batch}), a table of what was done, skipped or failed at the end;</li>
 * <li>{@code featurize demo [--output dir]}: a sample volume featurized with the shipped model;</li>
 * <li>{@code featurize classify IN LABELS OUT} or {@code featurize classify IN --classifier F OUT}: pixel classification
 * ({@link ClassifyMain}).</li>
 * </ul>
 * Failure: a non-zero exit status and one line on stderr.
 */
@Command( name = "featurize", mixinStandardHelpOptions = true, versionProvider = FeaturizeMain.Version.class,
		customSynopsis = { "featurize [OPTIONS] INPUT OUTPUT",
				"   or: featurize [OPTIONS] --output-dir DIR [--inputs LIST] [--name PATTERN] [INPUT...]" },
		description = "Per-pixel UNet features of a Zarr (or N5) volume (t, z, y, x), saved as Zarr (t, z, y, x, c).",
		footer = { "", "Also: featurize --headless --run UNet \"input='in.zarr',output='out.zarr',threads=2\" (the Fiji launcher's form)",
				"      featurize demo [--output DIR]   (a generated sample volume, featurized with the shipped model)",
				"      featurize classify IN LABELS OUT | IN --classifier F OUT   (pixel classification; featurize classify --help)" } )
public final class FeaturizeMain implements Callable< Integer >
{
	@Spec
	CommandSpec spec;

	@Parameters( paramLabel = "PATH", arity = "0..*", description = "INPUT OUTPUT: one input Zarr array or group, or N5 dataset or container (2D, 3D or 4D), and its output "
			+ "(created; an unfinished run there is resumed). With --output-dir: the inputs, any number (a shell glob such as data/*.zarr)" )
	List< Path > paths = new ArrayList<>();

	@Mixin
	BatchOptions batch = new BatchOptions();

	@Mixin
	JobOptions job = new JobOptions();

	@Option( names = "--model", paramLabel = "FILE", description = "TorchScript model, or a bioimage.io model package (folder, rdf.yaml or .zip) "
			+ "with TorchScript weights (default: the shipped UNet)" )
	Path model;

	@Option( names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core; fewer, each with more intra-op threads, for tiles larger than 512 x 512)" )
	Integer threads;

	@Option( names = "--intra-op-threads", paramLabel = "N", description = "Threads per forward pass (default: cores / threads)" )
	Integer intraOpThreads;

	@Option( names = "--layout", paramLabel = "LAYOUT", description = "seed (default): one array (t, z, y, x, c); ome: OME-Zarr (NGFF 0.4)" )
	String layout = "seed";

	@Option( names = "--levels", paramLabel = "N", description = "Resolution levels of an OME-Zarr output (default 1: level 0 only)" )
	Integer levels = 1;

	@Option( names = "--device", paramLabel = "DEVICE", description = "auto (default: a GPU when one is usable), cpu or gpu (refused without a GPU)" )
	String device = "auto";

	@Option( names = "--preview", paramLabel = "FILE.png", description = "Write a PNG of one plane: the input beside its features' first three principal components" )
	Path preview;

	@Option( names = "--preview-plane", paramLabel = "N", description = "The preview's plane, t * Z + z (default: the middle z of the first time point)" )
	Long previewPlane;

	private PrintStream out = System.out, err = System.err;

	public static void main( final String[] args )
	{
		System.exit( run( args, System.out, System.err ) );
	}

	/** Runs the launcher; returns the exit status. */
	public static int run( final String[] args, final PrintStream out, final PrintStream err )
	{
		try
		{
			if ( Arrays.asList( args ).contains( "--run" ) )
				return new ScijavaRun( err ).run( args );
			if ( args.length > 0 && args[ 0 ].equals( "demo" ) )
				return Demo.run( Arrays.copyOfRange( args, 1, args.length ), out, err );
			if ( args.length > 0 && args[ 0 ].equals( "classify" ) )
			{
				final ClassifyMain classify = new ClassifyMain();
				classify.out = out;
				classify.err = err;
				return execute( classify, Arrays.copyOfRange( args, 1, args.length ), out, err );
			}
			final FeaturizeMain main = new FeaturizeMain();
			main.out = out;
			main.err = err;
			return execute( main, args, out, err );
		}
		catch ( final RuntimeException e )
		{
			err.println( "featurize: error: " + message( e ) );
			return 1;
		}
	}

	/** Runs a picocli command with this launcher's handling of errors: one line on stderr, exit status 1 (2 for bad parameters). */
	static int execute( final Object command, final String[] args, final PrintStream out, final PrintStream err )
	{
		try
		{
			final CommandLine cli = new CommandLine( command );
			cli.setOut( new java.io.PrintWriter( out, true ) );
			cli.setErr( new java.io.PrintWriter( err, true ) );
			cli.setExecutionExceptionHandler( ( e, line, parsed ) -> {
				err.println( "featurize: error: " + message( e ) );
				return 1;
			} );
			cli.setParameterExceptionHandler( ( e, a ) -> {
				err.println( "featurize: error: " + e.getMessage() + " (see featurize --help)" );
				return 2;
			} );
			return cli.execute( args );
		}
		catch ( final RuntimeException e )
		{
			err.println( "featurize: error: " + message( e ) );
			return 1;
		}
	}

	@Override
	public Integer call()
	{
		if ( batch.given() )
			return batch();
		batch.checkNotGivenAlone( spec.commandLine() );
		if ( paths.size() != 2 )
			throw new ParameterException( spec.commandLine(), "Expected INPUT OUTPUT (two paths), found " + paths.size()
					+ ( paths.size() > 2 ? "; for several inputs give --output-dir DIR" : "" ) );
		DjlEngine.startInBackground(); // while the input and the output are checked
		new Featurizer( err::println ).run( request( paths.get( 0 ), paths.get( 1 ) ).preview( preview ).previewPlane( previewPlane ),
				consoleProgress( err ), () -> false );
		out.println( paths.get( 1 ).toAbsolutePath() );
		return 0;
	}

	/** The batch form: every input checked, then each run in turn; the table on stderr; 1 if any failed. */
	private int batch()
	{
		if ( preview != null )
			throw new ParameterException( spec.commandLine(), "--preview writes one picture: give it with INPUT OUTPUT, not with --output-dir" );
		final List< Batch.Item > items = batch.plan( paths, job.dataset() );
		DjlEngine.startInBackground();
		batch.createOutputDir();
		final List< Batch.Row > rows = new Batch( err::println ).run( items, i -> request( i.input(), i.output() ), () -> consoleProgress( err ) );
		return BatchOptions.report( rows, out, err );
	}

	private FeaturizeRequest request( final Path input, final Path output )
	{
		return job.request( input, output, model ).threads( threads ).intraOpThreads( intraOpThreads ).layout( layout ).levels( levels ).device( device );
	}

	static Progress consoleProgress( final PrintStream err )
	{
		return Progress.throttled( ( done, total, rate, eta ) -> err.println( ProgressText.format( done, total, rate, eta ) ), 2000 );
	}

	static String message( final Throwable e )
	{
		if ( e instanceof FeaturizeException || e instanceof CancellationException )
			return e.getMessage();
		return e.getClass().getSimpleName() + ( e.getMessage() == null ? "" : ": " + e.getMessage() );
	}

	static final class Version implements CommandLine.IVersionProvider
	{
		@Override
		public String[] getVersion()
		{
			final String v = FeaturizeMain.class.getPackage().getImplementationVersion();
			return new String[] { "featurize-unet " + ( v == null ? "development" : v ) };
		}
	}
}
