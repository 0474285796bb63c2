package io.kerec.eval;

import java.util.Objects;

/**
 * The metrics of one method at one cutoff {@code k}, averaged over the cases of one protocol run
 * (see {@link MetricsAccumulator} for the definitions).
 *
 * @param method     method name, e.g. {@code kerec}, {@code cooccurrence}
 * @param k          cutoff
 * @param users      cases evaluated (users for {@code period}, invoices for {@code basket})
 * @param hr         mean HR@k
 * @param recall     mean Recall@k
 * @param ndcg       mean NDCG@k
 * @param coverage   distinct items recommended in a top k over all cases / catalog size
 * @param coldUsers  cases with at least one cold target
 * @param coldHr     mean HR@k over those cases, counting cold targets only (0 when there are none)
 * @param coldRecall mean Recall@k over those cases, counting cold targets only
 * @param warmUsers  cases with at least one warm (non-cold) target
 * @param warmHr     mean HR@k over those cases, counting warm targets only
 * @param warmRecall mean Recall@k over those cases, counting warm targets only
 * @param seconds    wall time the method took (fit and recommend), as set by the runner; 0 when unset
 */
public record MethodMetrics(String method, int k, int users, double hr, double recall, double ndcg,
    double coverage, int coldUsers, double coldHr, double coldRecall, int warmUsers, double warmHr,
    double warmRecall, double seconds) {

  public MethodMetrics {
    Objects.requireNonNull(method, "method");
  }
}
