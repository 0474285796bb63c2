package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.util.ArrayList;
import java.util.List;

/** Fits a {@link Baseline} and scores it on a list of cases. */
public final class BaselineRunner {
  private BaselineRunner() {
  }

  /**
   * Fits {@code baseline} on {@code train}, asks it each case for max(ks) items and accumulates the
   * metrics at each k. {@link MethodMetrics#seconds()} is the wall time of the fit and all the
   * recommendations.
   *
   * @param catalog the catalog the baseline is fitted with; its size is the coverage denominator
   * @param ks      cutoffs, each at least 1
   * @return one result per k, in the order of {@code ks}
   */
  public static List<MethodMetrics> evaluate(Baseline baseline, List<Purchase> train, List<CatalogItem> catalog,
      List<EvalCase> cases, List<Integer> ks) {
    if (ks.isEmpty()) {
      throw new IllegalArgumentException("no cutoff k given");
    }
    List<MetricsAccumulator> accs = new ArrayList<>();
    int maxK = 0;
    for (int k : ks) {
      accs.add(new MetricsAccumulator(baseline.name(), k, Math.max(1, catalog.size())));
      maxK = Math.max(maxK, k);
    }
    long t0 = System.nanoTime();
    baseline.fit(train, catalog);
    for (EvalCase c : cases) {
      List<String> ranked = baseline.recommend(c, maxK);
      for (MetricsAccumulator a : accs) {
        a.add(c, ranked);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<MethodMetrics> out = new ArrayList<>(accs.size());
    for (MetricsAccumulator a : accs) {
      a.seconds(seconds);
      out.add(a.result());
    }
    return out;
  }
}
