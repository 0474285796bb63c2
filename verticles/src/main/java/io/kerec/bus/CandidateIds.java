package io.kerec.bus;

/**
 * The identities behind a ranking row, for the E-E-I model's id embeddings: the candidate item, and the trigger and
 * target entities of its {@code because} path (null where recall had none, e.g. popularity).
 */
public record CandidateIds(String itemId, String triggerEntity, String targetEntity) {

  /** The identities of a recall candidate. */
  public static CandidateIds of(Candidate candidate) {
    Because because = candidate.because();
    return new CandidateIds(candidate.itemId(), because == null ? null : because.triggerEntity(),
        because == null ? null : because.entity());
  }
}
