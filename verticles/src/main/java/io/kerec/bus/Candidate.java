package io.kerec.bus;

/**
 * A recall candidate: the item, the recall channel that found it, its features (see {@link Features}), the
 * graph-only base score, why it was found ({@code because} is null for popularity), and whether the item has
 * never been sold ({@code fresh}).
 */
public record Candidate(String itemId, String title, String channel, float[] features, double baseScore,
                        Because because, boolean fresh) {
}
