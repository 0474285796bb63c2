package io.kerec.bus;

/**
 * Ask graph for ranking samples rebuilt from purchase history; with {@code identities} also each row's candidate
 * identities and the entity views (what a model with id embeddings needs, skipped otherwise).
 */
public record TrainingSetRequest(int maxUsers, long seed, boolean identities) {
}
