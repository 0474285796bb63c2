package io.kerec.rank;

/**
 * Contents of the JSON file saved next to the parameters of an {@link EeiModel}.
 *
 * @param format artefact format version ({@link EeiModel#FORMAT_VERSION})
 * @param version the model version string ({@link EeiModel#version()})
 * @param architecture the network layout ({@link EeiModel#ARCHITECTURE})
 * @param featureSize length of the feature vector ({@code Features.SIZE} when saved)
 * @param means per-feature means used for standardisation
 * @param stds per-feature standard deviations used for standardisation (never 0)
 * @param createdAt ISO-8601 instant at which training finished
 * @param djlVersion DJL version that wrote the parameters
 * @param report the training report
 * @param embeddingSize width of the id embeddings, 0 for a feature-only model
 * @param entities the entity vocabulary (row i + 1 of the entity table), null for a feature-only model
 * @param items the item vocabulary (row i + 1 of the item table), null for a feature-only model
 */
record ModelMetadata(
    int format,
    String version,
    String architecture,
    int featureSize,
    float[] means,
    float[] stds,
    String createdAt,
    String djlVersion,
    TrainingReport report,
    int embeddingSize,
    java.util.List<String> entities,
    java.util.List<String> items) {
}
