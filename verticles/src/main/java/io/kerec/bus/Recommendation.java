package io.kerec.bus;

/** One recommended item; {@code because} is null for popularity fill-ins. */
public record Recommendation(String itemId, String title, double score, String channel, Because because) {
}
