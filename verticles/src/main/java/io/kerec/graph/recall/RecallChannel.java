package io.kerec.graph.recall;

/**
 * One way of finding candidates for a user. A channel reads the triggers of a {@link RecallPass} (the user's recent
 * items, weighted by recency), adds the items it finds, unless the pass excludes them, to the pass's accumulators,
 * and writes only its own fields of each {@link Accumulator}: channels are independent and their order does not
 * change the result. {@link CandidateFeatures} later turns what every channel gathered into one candidate per item.
 *
 * <p>Implementations run on the view's one thread, on the hot path of every recommendation: plain loops, no boxing,
 * no streams, and no objects per item (only the similar-title channel keeps a list of its title neighbours per
 * trigger, as it always did).
 */
interface RecallChannel {
  /** Adds this channel's candidates for the pass's triggers to the pass. */
  void collect(RecallPass pass);
}
