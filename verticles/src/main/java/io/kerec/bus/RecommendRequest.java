package io.kerec.bus;

/** Ask for a user's top-k recommendations. */
public record RecommendRequest(String userId, int k) {
}
