package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.util.List;

/**
 * A reference recommender for the offline evaluation. Fitted once on the training purchases, then asked
 * each case; it does not learn from the test period (the basket protocol's earlier test baskets reach it only
 * through {@link EvalCase#recentHistory()} and {@link EvalCase#bought()}).
 *
 * <p>Contract of {@link #recommend}: at most {@code k} distinct item ids, best first, none of them in
 * {@link EvalCase#bought()}; deterministic (ties broken by item id); safe to call from several threads
 * after {@link #fit} returned.
 */
public interface Baseline {

  /** Name in reports, e.g. {@code popularity}. */
  String name();

  /**
   * Learns from the training purchases (time-sorted, as in {@link io.kerec.dataset.Dataset#purchases()}).
   * May be called again to refit from scratch.
   */
  void fit(List<Purchase> train, List<CatalogItem> catalog);

  /** The top {@code k} items for a case; see the interface comment. */
  List<String> recommend(EvalCase c, int k);
}
