package io.kerec.eval;

import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;

/**
 * The engine evaluated once per rank-training seed ({@code kerec eval --seeds}): the seed alone moves {@code kerec}'s
 * HR@10 by several points on the Online Retail splits, so a change judged on one seed can be a lucky draw. The first
 * seed's run gives the {@code kerec} and {@code kerec-graph-only} rows; each further seed adds a row
 * {@code kerec (seed N)} (the graph-only order has no model, so it does not depend on the seed), and the facts say
 * {@code kerec}'s mean and range over the seeds at each k.
 */
public final class SeedRuns {
  private SeedRuns() {
  }

  /** The metrics and facts of the runs together. */
  public record Result(List<MethodMetrics> metrics, Map<String, Object> facts) {
  }

  /** The name of the {@code kerec} row of a further seed. */
  public static String row(long seed) {
    return EngineEvaluation.KEREC + " (seed " + seed + ")";
  }

  /**
   * Runs the engine once per seed, each on a configuration of its own.
   *
   * @param configFor the engine's configuration with {@code rank.seed} set to the given seed (and a fresh data
   *     directory)
   * @param seeds at least one, no repeats
   */
  public static Result evaluate(LongFunction<KerecConfig> configFor, List<Long> seeds, boolean progress,
                                Dataset.Split split, List<CatalogItem> catalog, List<EvalCase> cases,
                                List<Integer> ks) {
    Objects.requireNonNull(configFor, "configFor");
    if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
      throw new IllegalArgumentException("seeds must be one or more distinct numbers, got " + seeds);
    }
    List<MethodMetrics> metrics = new ArrayList<>();
    Map<String, Object> facts = new LinkedHashMap<>();
    List<List<MethodMetrics>> kerec = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i++) {
      long seed = seeds.get(i);
      EngineEvaluation run = new EngineEvaluation(configFor.apply(seed), progress);
      List<MethodMetrics> got = run.evaluate(split, catalog, cases, ks);
      List<MethodMetrics> own = got.stream().filter(m -> m.method().equals(EngineEvaluation.KEREC)).toList();
      kerec.add(own);
      if (i == 0) {
        metrics.addAll(got);
        facts.putAll(run.facts());
      } else {
        own.forEach(m -> metrics.add(renamed(m, row(seed))));
        facts.put("model (seed " + seed + ")", run.facts().get("model"));
      }
    }
    if (seeds.size() > 1) {
      facts.putAll(spread(seeds, kerec));
    }
    return new Result(metrics, facts);
  }

  /**
   * {@code kerec}'s mean and range over the seeds, per k: keys {@code kerec_over_seeds_hr@k}, {@code ..._ndcg@k}
   * and {@code ..._cold_hr@k}, values such as {@code "mean 0.4515, 0.4495 to 0.4534 (seeds 42, 1)"}.
   *
   * @param perSeed per seed, {@code kerec}'s metrics at each k
   */
  static Map<String, Object> spread(List<Long> seeds, List<List<MethodMetrics>> perSeed) {
    Map<String, Object> out = new LinkedHashMap<>();
    String seedList = String.join(", ", seeds.stream().map(String::valueOf).toList());
    for (MethodMetrics first : perSeed.get(0)) {
      int k = first.k();
      List<MethodMetrics> atK = perSeed.stream()
          .map(runs -> runs.stream().filter(m -> m.k() == k).findFirst().orElseThrow())
          .toList();
      out.put("kerec_over_seeds_hr@" + k, summary(atK, MethodMetrics::hr, seedList));
      out.put("kerec_over_seeds_ndcg@" + k, summary(atK, MethodMetrics::ndcg, seedList));
      out.put("kerec_over_seeds_cold_hr@" + k, summary(atK, MethodMetrics::coldHr, seedList));
    }
    return out;
  }

  private static String summary(List<MethodMetrics> runs, ToDoubleFunction<MethodMetrics> metric, String seeds) {
    double[] values = runs.stream().mapToDouble(metric).toArray();
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return String.format(Locale.ROOT, "mean %.4f, %.4f to %.4f (seeds %s)", sum / values.length, min, max, seeds);
  }

  private static MethodMetrics renamed(MethodMetrics m, String name) {
    return new MethodMetrics(name, m.k(), m.users(), m.hr(), m.recall(), m.ndcg(), m.coverage(), m.coldUsers(),
        m.coldHr(), m.coldRecall(), m.warmUsers(), m.warmHr(), m.warmRecall(), m.seconds());
  }
}
