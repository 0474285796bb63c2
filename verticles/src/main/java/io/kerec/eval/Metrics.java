package io.kerec.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Top-k ranking metrics with binary relevance.
 *
 * <p>Only the first {@code k} entries of {@code ranked} count. A ranked item counts as a hit when it is in
 * {@code targets} and has not appeared higher in the list (a repeated item is a miss the second time, so no
 * value exceeds 1). With no targets, or {@code k <= 0}, every metric is 0.
 */
public final class Metrics {
  private static final double LN2 = Math.log(2);

  private Metrics() {
  }

  /** Hit rate of one case: 1 when any target is in the top {@code k}, else 0. */
  public static double hit(List<String> ranked, Set<String> targets, int k) {
    return hits(ranked, targets, k) > 0 ? 1.0 : 0.0;
  }

  /** Number of distinct targets in the top {@code k}. */
  public static int hits(List<String> ranked, Set<String> targets, int k) {
    if (targets.isEmpty() || k <= 0) {
      return 0;
    }
    int n = Math.min(k, ranked.size());
    Set<String> seen = new HashSet<>();
    int hits = 0;
    for (int i = 0; i < n; i++) {
      String item = ranked.get(i);
      if (targets.contains(item) && seen.add(item)) {
        hits++;
      }
    }
    return hits;
  }

  /** Recall@k: distinct targets in the top {@code k} / min(k, |targets|). */
  public static double recall(List<String> ranked, Set<String> targets, int k) {
    if (targets.isEmpty() || k <= 0) {
      return 0.0;
    }
    return (double) hits(ranked, targets, k) / Math.min(k, targets.size());
  }

  /**
   * NDCG@k with binary relevance: DCG = &Sigma; 1/log2(rank + 1) over the hits in the top {@code k} (rank
   * from 1), divided by the ideal DCG = &Sigma;<sub>rank=1..min(k, |targets|)</sub> 1/log2(rank + 1).
   */
  public static double ndcg(List<String> ranked, Set<String> targets, int k) {
    if (targets.isEmpty() || k <= 0) {
      return 0.0;
    }
    int n = Math.min(k, ranked.size());
    Set<String> seen = new HashSet<>();
    double dcg = 0;
    for (int i = 0; i < n; i++) {
      String item = ranked.get(i);
      if (targets.contains(item) && seen.add(item)) {
        dcg += discount(i + 1);
      }
    }
    double ideal = 0;
    for (int rank = 1, m = Math.min(k, targets.size()); rank <= m; rank++) {
      ideal += discount(rank);
    }
    return dcg / ideal;
  }

  /** 1 / log2(rank + 1), rank from 1. */
  static double discount(int rank) {
    return LN2 / Math.log(rank + 1.0);
  }
}
