package io.kerec.bus;

/** Ask recall for a user's candidates. */
public record RecallRequest(String userId, int maxCandidates) {
}
