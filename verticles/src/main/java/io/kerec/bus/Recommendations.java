package io.kerec.bus;

/** A user's recommendations; {@code fallback} is true when they come from popularity alone. */
public record Recommendations(String userId, java.util.List<Recommendation> items, boolean fallback) {
}
