package io.kerec.eval;

import io.kerec.dataset.Purchase;
import java.util.function.Function;

/**
 * {@code cooccurrence}: "customers who bought this also bought", cosine over training invoices
 * (co-count / sqrt(n<sub>i</sub> n<sub>j</sub>), n = invoices holding the item), scored against the case's
 * recent history with weights 1/(r+1); see {@link NeighbourBaseline} for the scoring and fill rules.
 */
public final class CooccurrenceBaseline extends NeighbourBaseline {
  /** Name in reports. */
  public static final String NAME = "cooccurrence";

  /** 500 neighbours per item ({@link #DEFAULT_TOP_N}), last 20 history items. */
  public CooccurrenceBaseline() {
    this(DEFAULT_TOP_N, EvalCases.DEFAULT_HISTORY_ITEMS);
  }

  /**
   * @param topN         neighbours kept per item
   * @param historyItems most history items scored (rank 0 = most recent)
   */
  public CooccurrenceBaseline(int topN, int historyItems) {
    super(topN, historyItems);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Function<Purchase, String> groupKey() {
    return Purchase::basketId;
  }
}
