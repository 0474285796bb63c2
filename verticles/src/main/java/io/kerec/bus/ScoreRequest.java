package io.kerec.bus;

/** Candidates to score, in order. */
public record ScoreRequest(java.util.List<Candidate> candidates) {
}
