/**
 * The cluster driver: the features of a Zarr volume computed on Apache Spark, identical, chunk for chunk, to
 * what one machine writes. The driver ({@link org.featurize.unet.spark.SparkFeaturize}, run by
 * {@code spark-submit}) checks everything and writes the output's metadata first; the work is partitioned by
 * output chunk into ranges of chunk indices; each executor JVM loads the model once, lazily, and keeps its
 * predictor pool; a task computes its chunks (tile plus halo read from the input) and writes each atomically,
 * skipping chunks that exist, so that a retried task or a rerun only does what is missing; dataset
 * statistics for normalization are computed once on the driver and broadcast; the completion record is
 * written last. A saved pixel classifier is applied the same way ({@link org.featurize.unet.spark.SparkClassifier}):
 * executors rebuild the features, run the forest per cell and write label chunks as one machine does. Spark is
 * provided by the cluster and is not a run-time dependency of the plugin.
 */
package org.featurize.unet.spark;
