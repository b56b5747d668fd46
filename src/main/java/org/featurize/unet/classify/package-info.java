/**
 * Pixel classification on the lazy features: from sparse labels (a label array, or ImageJ ROIs) to a random forest
 * ({@link org.featurize.unet.classify.ForestTrainer}, trees trained by Tribuo and copied into the flat arrays of a
 * {@link org.featurize.unet.classify.Forest} for fast prediction), saved as one file
 * ({@link org.featurize.unet.classify.PixelClassifier}), and applied as a lazy label image
 * ({@link org.featurize.unet.classify.Classification}) that is written chunk by chunk, resumably
 * ({@link org.featurize.unet.classify.ClassWriter}). {@link org.featurize.unet.classify.ClassifyJob} is the run that
 * every front end shares. Only the tiles that hold a label have their features computed for training; an
 * interactive session (Fiji's Pixel Classifier) keeps them in the feature image's cache and trains again over them.
 * Features that {@code bin/featurize} wrote before are read instead, by their chunks, from
 * {@link org.featurize.unet.classify.StoredFeatures}, which refuses (with a
 * {@link org.featurize.unet.classify.FeaturesException}) features that do not fit the input or the classifier.
 */
package org.featurize.unet.classify;
