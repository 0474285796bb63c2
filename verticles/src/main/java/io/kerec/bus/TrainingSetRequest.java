package io.kerec.bus;

/** Ask graph for ranking samples rebuilt from purchase history. */
public record TrainingSetRequest(int maxUsers, long seed) {
}
