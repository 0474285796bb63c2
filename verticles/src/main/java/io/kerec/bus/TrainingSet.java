package io.kerec.bus;

/**
 * Ranking samples: features, 0/1 labels (1 = the user went on to buy the candidate) and, per row, which of the
 * sampled users it belongs to (0, 1, …), for ranking metrics and for holding users out.
 */
public record TrainingSet(float[][] features, float[] labels, int[] groups) {
}
