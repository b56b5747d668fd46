/**
 * Helpers shared by tests across packages: finding and running the independent implementations that results are
 * compared against (Python's zarr and torch, Node.js with zarrita), skipping visibly when one is missing and failing
 * under CI, and temporary folders in memory for tests that write many small files.
 */
package org.featurize.unet.testutil;
