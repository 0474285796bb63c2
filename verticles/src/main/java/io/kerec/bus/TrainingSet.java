package io.kerec.bus;

/** Ranking samples: features and 0/1 labels (1 = the user went on to buy the candidate). */
public record TrainingSet(float[][] features, float[] labels) {
}
