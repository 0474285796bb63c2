package io.kerec.bus;

/**
 * Layout of the feature vector that recall attaches to every candidate and rank scores.
 * Graph fills it (it holds the edges, popularity and user history); rank reads it.
 * Every value is finite and roughly in [0, 10].
 */
public final class Features {
  /** Largest COMPLEMENTS weight among the trigger entities that lead to the candidate's entity. */
  public static final int EDGE_WEIGHT = 0;
  /** Judge confidence of that edge, 0..1. */
  public static final int EDGE_CONFIDENCE = 1;
  /** Sum over supporting trigger items of 1/(recency rank + 1). */
  public static final int TRIGGER_RECENCY = 2;
  /** log1p(number of distinct trigger items that lead to the candidate). */
  public static final int TRIGGER_COUNT = 3;
  /** log1p(purchases of the item). */
  public static final int ITEM_POPULARITY = 4;
  /** Share of the target entity's purchases that went to this item, smoothed for new items. */
  public static final int ITEM_SHARE = 5;
  /** log1p(baskets containing the target entity). */
  public static final int ENTITY_POPULARITY = 6;
  /** 1 when the item has never been sold, else 0. */
  public static final int ITEM_IS_NEW = 7;
  /** log1p(price), 0 when unknown. */
  public static final int PRICE = 8;
  /** Number of features. */
  public static final int SIZE = 9;

  private Features() {
  }
}
