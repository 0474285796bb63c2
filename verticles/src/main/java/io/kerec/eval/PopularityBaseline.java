package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.util.List;

/**
 * {@code popularity}: the items bought by the most distinct users in training, ties by item id, that the user
 * has not bought. The same ranking fills the other baselines' lists when they have fewer than k candidates.
 * (Counting users rather than baskets or lines keeps a few wholesalers' repeat orders from dominating; it is
 * also what reproduces the reference figures.)
 */
public final class PopularityBaseline implements Baseline {
  /** Name in reports. */
  public static final String NAME = "popularity";
  private volatile Popularity popularity;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(List<Purchase> train, List<CatalogItem> catalog) {
    popularity = Popularity.of(train, null, null, null);
  }

  @Override
  public List<String> recommend(EvalCase c, int k) {
    Popularity p = popularity;
    if (p == null) {
      throw new IllegalStateException(NAME + ": recommend before fit");
    }
    return p.top(c.bought(), k);
  }
}
