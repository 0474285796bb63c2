package io.kerec.eval;

import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Evaluates the engine itself — ingest → entities → pairs → judge → graph → recall → rank — on a split: feeds the
 * training purchases to a fresh engine, judges and trains on request, then asks for every case's recommendations
 * (feeding the test purchases that came before each case). Reports {@code kerec} (full engine) and
 * {@code kerec-graph-only} (what the engine serves without an E-E-I model: the recall's base-score order, never-sold
 * items held to the fresh slots, as before its first model and in an experiment's {@code base} arm).
 */
public final class EngineEvaluation {
  /** The full engine. */
  public static final String KEREC = "kerec";
  /** The engine's served order without the learned ranker. */
  public static final String GRAPH_ONLY = "kerec-graph-only";

  private final KerecConfig config;
  private final boolean progress;
  private final Map<String, Object> facts = new LinkedHashMap<>();

  public EngineEvaluation(KerecConfig config, boolean progress) {
    this.config = config;
    this.progress = progress;
  }

  /** What the run learned about the engine (verdicts, training samples, model), for the report. */
  public Map<String, Object> facts() {
    return facts;
  }

  /** Runs the engine over the split and scores both engine methods at every k. */
  public List<MethodMetrics> evaluate(Dataset.Split split, List<CatalogItem> catalog, List<EvalCase> cases,
                                      List<Integer> ks) {
    Map<String, List<MetricsAccumulator>> accs = new LinkedHashMap<>();
    for (String method : List.of(KEREC, GRAPH_ONLY)) {
      List<MetricsAccumulator> list = new ArrayList<>();
      ks.forEach(k -> list.add(new MetricsAccumulator(method, k, Math.max(1, catalog.size()))));
      accs.put(method, list);
    }
    long start = System.nanoTime();
    try (EngineUnderTest engine = EngineUnderTest.start(config)) {
      engine.loadCatalog(catalog, EvalCases.listedAt(split, catalog));
      try (ProgressBar bar = bar("feed", split.train().purchases().size())) {
        engine.feed(split.train().purchases(), bar::stepBy);
      }
      long judgeStart = System.nanoTime();
      facts.put("verdicts", engine.judge());
      facts.put("judge_seconds", seconds(judgeStart));
      facts.putAll(prefixed("judge_", engine.details("judge")));
      long trainStart = System.nanoTime();
      facts.put("training_samples", engine.train());
      facts.put("train_seconds", seconds(trainStart));
      facts.put("model", engine.details("rank").get("lastTraining"));
      double prepared = seconds(start);
      double[] spent = new double[2];
      try (ProgressBar bar = bar("recommend", cases.size())) {
        for (EvalCase c : cases) {
          if (!c.feedBefore().isEmpty()) {
            engine.feed(c.feedBefore(), n -> { });
          }
          record(accs.get(KEREC), c, spent, 0, (user, k) -> engine.recommend(user, k));
          record(accs.get(GRAPH_ONLY), c, spent, 1,
              (user, k) -> engine.recommendGraphOnly(user, k));
          bar.step();
        }
      }
      List<MethodMetrics> out = new ArrayList<>();
      for (int m = 0; m < 2; m++) {
        String method = m == 0 ? KEREC : GRAPH_ONLY;
        for (MetricsAccumulator acc : accs.get(method)) {
          acc.seconds(prepared + spent[m]);
          out.add(acc.result());
        }
      }
      return out;
    }
  }

  /**
   * Asks for each k on its own, as a client of the API would: a top-10 is not the head of a top-20, since the
   * fresh slots for never-sold items sit at the end of whatever list is asked for.
   */
  private static void record(List<MetricsAccumulator> accs, EvalCase c, double[] spent, int slot,
                             BiFunction<String, Integer, List<String>> recommend) {
    for (MetricsAccumulator acc : accs) {
      long t = System.nanoTime();
      List<String> ranked = recommend.apply(c.userId(), acc.k());
      spent[slot] += seconds(t);
      acc.add(c, ranked);
    }
  }

  private ProgressBar bar(String task, long total) {
    ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed();
    if (!progress) {
      builder.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> { }));
    }
    return builder.build();
  }

  private static Map<String, Object> prefixed(String prefix, Map<String, Object> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(prefix + k, v));
    return out;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
