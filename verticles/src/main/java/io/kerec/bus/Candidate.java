package io.kerec.bus;

/**
 * A recall candidate: the item, the recall channel that found it, its features (see {@link Features}), the
 * graph-only base score, and why it was found ({@code because} is null for popularity).
 */
public record Candidate(String itemId, String title, String channel, float[] features, double baseScore,
                        Because because) {
}
