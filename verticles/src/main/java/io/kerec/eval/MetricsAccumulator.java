package io.kerec.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Accumulates the metrics of one method at one cutoff {@code k} over the cases of a protocol run.
 *
 * <ul>
 *   <li>HR, Recall, NDCG: means over all cases of {@link Metrics#hit}, {@link Metrics#recall},
 *       {@link Metrics#ndcg} against {@link EvalCase#targets()}.</li>
 *   <li>coverage@k: distinct items in any case's top k / catalog size.</li>
 *   <li>cold slice: the cases with at least one cold target; cold HR@k and cold Recall@k are
 *       {@link Metrics#hit} and {@link Metrics#recall} against {@link EvalCase#coldTargets()} only
 *       (hits among cold targets / min(k, |coldTargets|)).</li>
 *   <li>warm slice: likewise over the cases with at least one warm target (a target that sold in training),
 *       against the warm targets only.</li>
 *   <li>seconds: whatever the runner sets with {@link #seconds(double)}.</li>
 * </ul>
 * {@link #add} is synchronized, so several threads may feed one accumulator.
 */
public final class MetricsAccumulator {
  private final String method;
  private final int k;
  private final int catalogSize;
  private final Set<String> recommended = new HashSet<>();
  private int users;
  private double hr;
  private double recall;
  private double ndcg;
  private int coldUsers;
  private double coldHr;
  private double coldRecall;
  private int warmUsers;
  private double warmHr;
  private double warmRecall;
  private double seconds;

  /**
   * @param method      method name as it should appear in reports
   * @param k           cutoff, at least 1
   * @param catalogSize catalog size for coverage, at least 1
   */
  public MetricsAccumulator(String method, int k, int catalogSize) {
    this.method = Objects.requireNonNull(method, "method");
    if (k < 1 || catalogSize < 1) {
      throw new IllegalArgumentException("k and catalogSize must be at least 1: k=" + k + ", catalogSize="
          + catalogSize);
    }
    this.k = k;
    this.catalogSize = catalogSize;
  }

  public String method() {
    return method;
  }

  public int k() {
    return k;
  }

  /** Adds one case with the method's ranking for it (only the first k entries count; it may be longer). */
  public synchronized void add(EvalCase c, List<String> ranked) {
    users++;
    hr += Metrics.hit(ranked, c.targets(), k);
    recall += Metrics.recall(ranked, c.targets(), k);
    ndcg += Metrics.ndcg(ranked, c.targets(), k);
    recommended.addAll(ranked.subList(0, Math.min(k, ranked.size())));
    if (c.hasColdTarget()) {
      coldUsers++;
      coldHr += Metrics.hit(ranked, c.coldTargets(), k);
      coldRecall += Metrics.recall(ranked, c.coldTargets(), k);
    }
    if (c.coldTargets().size() < c.targets().size()) {
      Set<String> warm = new HashSet<>(c.targets());
      warm.removeAll(c.coldTargets());
      warmUsers++;
      warmHr += Metrics.hit(ranked, warm, k);
      warmRecall += Metrics.recall(ranked, warm, k);
    }
  }

  /** Sets the wall time the method took, in seconds. */
  public synchronized void seconds(double seconds) {
    this.seconds = seconds;
  }

  /** The metrics so far (all 0 before the first case). */
  public synchronized MethodMetrics result() {
    return new MethodMetrics(method, k, users, mean(hr, users), mean(recall, users), mean(ndcg, users),
        (double) recommended.size() / catalogSize, coldUsers, mean(coldHr, coldUsers),
        mean(coldRecall, coldUsers), warmUsers, mean(warmHr, warmUsers), mean(warmRecall, warmUsers), seconds);
  }

  private static double mean(double sum, int n) {
    return n == 0 ? 0.0 : sum / n;
  }
}
