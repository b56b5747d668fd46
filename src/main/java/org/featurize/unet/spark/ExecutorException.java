package org.featurize.unet.spark;

import org.featurize.unet.FeaturizeException;

/**
 * An executor cannot do its part: it does not find the model or sees another file than the driver's, cannot
 * start the engine, or sees another input. Its message names the executor and its host, and says what to
 * change; the driver reports it as the reason a job failed.
 */
public class ExecutorException extends FeaturizeException
{
	private static final long serialVersionUID = 1L;

	public ExecutorException( final String message )
	{
		super( message );
	}

	public ExecutorException( final String message, final Throwable cause )
	{
		super( message, cause );
	}
}
