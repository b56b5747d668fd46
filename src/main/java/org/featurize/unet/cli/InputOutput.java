package org.featurize.unet.cli;

import java.nio.file.Path;

import picocli.CommandLine.Parameters;

/** The two positional parameters of a command that featurizes one input: INPUT and OUTPUT (a picocli mixin). */
public final class InputOutput
{
	@Parameters( index = "0", paramLabel = "INPUT", description = "Input Zarr array or group (2D, 3D or 4D)" )
	Path input;

	@Parameters( index = "1", paramLabel = "OUTPUT", description = "Output Zarr (created; an unfinished run there is resumed)" )
	Path output;

	/** The input folder given. */
	public Path input()
	{
		return input;
	}

	/** The output folder given. */
	public Path output()
	{
		return output;
	}
}
