package io.kerec.bus;

/**
 * Ranking samples: features, 0/1 labels (1 = the user went on to buy the candidate), per row which of the sampled
 * users it belongs to (0, 1, …), for ranking metrics and for holding users out, and per row the candidate's
 * identities ({@code ids}, null when the sender has none), with the graph's two views of how entities relate
 * ({@code views}, null when absent).
 */
public record TrainingSet(float[][] features, float[] labels, int[] groups, CandidateIds[] ids, EntityViews views) {

  /** Samples without identities. */
  public TrainingSet(float[][] features, float[] labels, int[] groups) {
    this(features, labels, groups, null, null);
  }
}
