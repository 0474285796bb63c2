package io.kerec.eval;

import io.kerec.dataset.Purchase;
import java.util.function.Function;

/**
 * {@code itemknn}: item-item cosine over customers (binary user &times; item matrix of training purchases),
 * scored against the case's recent history with weights 1/(r+1); see {@link NeighbourBaseline} for the
 * scoring and fill rules.
 */
public final class ItemKnnBaseline extends NeighbourBaseline {
  /** Name in reports. */
  public static final String NAME = "itemknn";

  /** 500 neighbours per item ({@link #DEFAULT_TOP_N}), last 20 history items. */
  public ItemKnnBaseline() {
    this(DEFAULT_TOP_N, EvalCases.DEFAULT_HISTORY_ITEMS);
  }

  /**
   * @param topN         neighbours kept per item
   * @param historyItems most history items scored (rank 0 = most recent)
   */
  public ItemKnnBaseline(int topN, int historyItems) {
    super(topN, historyItems);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Function<Purchase, String> groupKey() {
    return Purchase::userId;
  }
}
