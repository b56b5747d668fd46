/**
 * Saving a feature image as Zarr in the seed's layout ({@code (t, z, y, x, c)}, one chunk per tile of one
 * plane with all channels): chunks written in parallel, each atomically; a run that was interrupted resumes
 * where it stopped; the parameters and the completion of a run are recorded in the array's attributes, and
 * an output that does not belong to the same run is never written into unless the user says overwrite.
 */
package org.featurize.unet.io;
