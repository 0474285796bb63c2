package io.kerec.bus;

/**
 * Layout of the feature vector that recall attaches to every candidate and rank scores.
 * Graph fills it (it holds the edges, co-purchases, popularity and user history); rank reads it.
 * Every value is finite and roughly in [0, 10]. A never-sold item's sales features are imputed from the average
 * item of its entity, so that new items compete on their entity's strength rather than on an empty history.
 */
public final class Features {
  /** Largest COMPLEMENTS weight among the trigger entities that lead to the candidate's entity. */
  public static final int EDGE_WEIGHT = 0;
  /** Judge confidence of that edge, 0..1. */
  public static final int EDGE_CONFIDENCE = 1;
  /** Sum over complement-trigger items of 1/(recency rank + 1). */
  public static final int TRIGGER_RECENCY = 2;
  /** log1p(number of distinct trigger items that lead to the candidate through a complement). */
  public static final int TRIGGER_COUNT = 3;
  /** log1p(purchases of the item). */
  public static final int ITEM_POPULARITY = 4;
  /** Share of the target entity's purchases that went to this item, smoothed. */
  public static final int ITEM_SHARE = 5;
  /** log1p(purchases of the candidate's entity). */
  public static final int ENTITY_POPULARITY = 6;
  /** Complementary U2E2I score: Σ over triggers of recency · edge weight, times the item's share. */
  public static final int COMPLEMENT_SCORE = 7;
  /** log1p(price), 0 when unknown. */
  public static final int PRICE = 8;
  /** "Also bought": Σ over recent items of recency · cosine co-purchase similarity (over bills). */
  public static final int COOC_SCORE = 9;
  /** Largest cosine co-purchase similarity with any recent item. */
  public static final int COOC_MAX = 10;
  /** Repeat needs: Σ over recent items sharing an entity with the candidate of recency · item share (recalled only
   * for entities with a positive REPEAT_RATE). */
  public static final int SAME_ENTITY = 11;
  /** log1p(purchases of the item in the last 30 days of the data seen). */
  public static final int RECENT_POPULARITY = 12;
  /** COOC_SCORE relative to the largest among this user's candidates (1 = this user's strongest), 0..1. */
  public static final int COOC_RELATIVE = 13;
  /** COMPLEMENT_SCORE relative to the largest among this user's candidates, 0..1. */
  public static final int COMPLEMENT_RELATIVE = 14;
  /** SAME_ENTITY relative to the largest among this user's candidates, 0..1. */
  public static final int SAME_ENTITY_RELATIVE = 15;
  /** Customers who bought it also bought: Σ over recent items of recency · cosine similarity over customers. */
  public static final int KNN_SCORE = 16;
  /** Largest cosine similarity over customers with any recent item. */
  public static final int KNN_MAX = 17;
  /** KNN_SCORE relative to the largest among this user's candidates, 0..1. */
  public static final int KNN_RELATIVE = 18;
  /** New items only: Σ over recent items of recency · TF-IDF cosine of the titles. */
  public static final int TITLE_SIMILARITY = 19;
  /** TITLE_SIMILARITY relative to the largest among this user's candidates, 0..1. */
  public static final int TITLE_RELATIVE = 20;
  /** Share of the candidate entity's buyers who bought two or more of its items (repeat need), 0..1. */
  public static final int REPEAT_RATE = 21;
  /** 1 / (1 + rank by COOC_SCORE among this user's candidates), 0 without co-purchases. */
  public static final int COOC_RANK = 22;
  /** 1 / (1 + rank by COMPLEMENT_SCORE among this user's candidates), 0 without complements. */
  public static final int COMPLEMENT_RANK = 23;
  /** 1 / (1 + rank by SAME_ENTITY among this user's candidates), 0 where not a repeat need. */
  public static final int SAME_ENTITY_RANK = 24;
  /** 1 / (1 + rank by RECENT_POPULARITY among this user's candidates), 0 where not sold lately. */
  public static final int RECENT_POPULARITY_RANK = 25;
  /** Number of features. */
  public static final int SIZE = 26;

  private Features() {
  }
}
