package io.kerec.bus;

/** Recall candidates; {@code knownUser} is false when the user has no purchase history. */
public record RecallResult(String userId, boolean knownUser, java.util.List<Candidate> candidates) {
}
