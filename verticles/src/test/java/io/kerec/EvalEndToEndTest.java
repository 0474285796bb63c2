package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Purchase;
import io.kerec.eval.BaselineRunner;
import io.kerec.eval.Baselines;
import io.kerec.eval.EngineEvaluation;
import io.kerec.eval.EngineUnderTest;
import io.kerec.eval.EvalCase;
import io.kerec.eval.EvalCases;
import io.kerec.eval.EvalProtocol;
import io.kerec.eval.MethodMetrics;
import io.kerec.eval.SeedRuns;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation end to end on a generated shop with a planted complementary structure: "teachers" buy a trigger
 * entity together with its complement (teacup with saucer, tent with sleeping bag, …) among random filler;
 * "learners" buy only the triggers before the split, then a complement item that was never sold before it.
 * The only way to that item is the entity graph the judge must infer, so {@code kerec} must reach the cold targets
 * that co-occurrence and item-KNN cannot, and the same inputs must give the same numbers.
 */
@Tag("e2e")
class EvalEndToEndTest {
  static final Instant START = Instant.parse("2011-01-03T10:00:00Z");
  static final Instant SPLIT = Instant.parse("2011-06-01T00:00:00Z");
  static final List<String[]> PAIRS = List.of(
      new String[] {"TEACUP", "SAUCER"},
      new String[] {"TENT", "SLEEPING BAG"},
      new String[] {"CAKE STAND", "CAKE CASE"},
      new String[] {"LUNCH BOX", "WATER BOTTLE"});
  static final List<String> FILLER = List.of("DOORMAT", "NOTEBOOK", "CUSHION", "PENCIL", "CANDLE", "APRON",
      "UMBRELLA", "KEYRING");
  static final List<String> STYLES = List.of("RED", "BLUE", "GREEN", "PINK");

  @TempDir
  Path work;

  @Test
  void kerecFindsThePlantedComplementsAndReachesColdItemsDeterministically() {
    Dataset.Split split = plantedShop(7);
    List<EvalCase> cases = EvalCases.build(split, EvalProtocol.PERIOD, EvalCases.DEFAULT_HISTORY_ITEMS);
    assertThat(cases).hasSizeGreaterThan(30);
    assertThat(cases.stream().filter(EvalCase::hasColdTarget).count()).isGreaterThan(30);

    EngineEvaluation first = new EngineEvaluation(plantedConfig(work.resolve("a")), false);
    Map<String, MethodMetrics> kerec = byMethod(first.evaluate(split, split.train().catalog(), cases,
        List.of(10)));
    Map<String, MethodMetrics> baselines = baselines(split, cases);

    assertThat(((Number) first.facts().get("verdicts")).longValue()).isPositive();
    assertThat(((Number) first.facts().get("judge_complementary")).longValue())
        .as("at least the planted pairs, %s", first.facts()).isGreaterThanOrEqualTo(PAIRS.size());
    MethodMetrics full = kerec.get(EngineEvaluation.KEREC);
    assertThat(full.coldUsers()).isGreaterThan(30);
    assertThat(full.coldHr()).as("cold targets reached through the inferred complements").isGreaterThan(0.9);
    assertThat(baselines.get("cooccurrence").coldHr()).isZero();
    assertThat(baselines.get("itemknn").coldHr()).isZero();
    double bestBaseline = baselines.values().stream().mapToDouble(MethodMetrics::hr).max().orElseThrow();
    assertThat(full.hr()).isGreaterThan(bestBaseline);

    EngineEvaluation again = new EngineEvaluation(plantedConfig(work.resolve("b")), false);
    MethodMetrics repeat = byMethod(again.evaluate(split, split.train().catalog(), cases, List.of(10)))
        .get(EngineEvaluation.KEREC);
    assertThat(List.of(repeat.hr(), repeat.recall(), repeat.ndcg(), repeat.coldHr(), repeat.coverage()))
        .as("same inputs, same numbers")
        .isEqualTo(List.of(full.hr(), full.recall(), full.ndcg(), full.coldHr(), full.coverage()));
  }

  @Test
  void basketProtocolFeedsTestBillsInTimeOrderAndStillReachesColdItems() {
    Dataset.Split split = plantedShop(11);
    List<EvalCase> cases = EvalCases.build(split, EvalProtocol.BASKET, EvalCases.DEFAULT_HISTORY_ITEMS);
    assertThat(cases.stream().anyMatch(c -> !c.feedBefore().isEmpty())).isTrue();

    EngineEvaluation evaluation = new EngineEvaluation(plantedConfig(work.resolve("basket")), false);
    MethodMetrics full = byMethod(evaluation.evaluate(split, split.train().catalog(), cases, List.of(10)))
        .get(EngineEvaluation.KEREC);
    Map<String, MethodMetrics> baselines = baselines(split, cases);
    EngineEvaluation without = new EngineEvaluation(plantedConfig(work.resolve("basket-no-arrivals"), null,
        rank -> rank.put("newArrivalSlots", 0)), false);
    MethodMetrics noArrivals = byMethod(without.evaluate(split, split.train().catalog(), cases, List.of(10)))
        .get(EngineEvaluation.KEREC);
    System.out.printf("planted basket: kerec hr %.4f cold %.4f; without new-arrival place hr %.4f cold %.4f%n",
        full.hr(), full.coldHr(), noArrivals.hr(), noArrivals.coldHr());

    // Here a cold target, once bought in an earlier test bill, is no longer never-sold: it is a new arrival (first
    // sold within the last 30 days), which the model, trained on the history before, ranks low (without the
    // new-arrival place: 0.07 of the cold cases at seeds 42, 1 and 2; one network 0.07 to 0.87 by seed). With the
    // place (rank.newArrivalSlots, default 1): 1.0, 0.98 and 1.0 at those seeds (2026-12-06). The co-purchase
    // baselines reach none.
    assertThat(full.coldHr()).as("cold targets reached through the new-arrival place").isGreaterThan(0.9);
    assertThat(noArrivals.coldHr()).as("without it the model ranks them low").isLessThan(0.5);
    assertThat(baselines.get("cooccurrence").coldHr()).isZero();
    double bestBaseline = baselines.values().stream().mapToDouble(MethodMetrics::hr).max().orElseThrow();
    assertThat(full.hr()).isGreaterThan(bestBaseline + 0.2);
  }

  @Test
  void seedsAddAKerecRowPerFurtherSeedAndKerecsMeanAndRangeOverThem() {
    Dataset.Split split = plantedShop(7);
    List<EvalCase> cases = EvalCases.build(split, EvalProtocol.PERIOD, EvalCases.DEFAULT_HISTORY_ITEMS);
    SeedRuns.Result runs = SeedRuns.evaluate(seed -> plantedConfig(work.resolve("seed-" + seed), seed),
        List.of(3L, 4L), false, split, split.train().catalog(), cases, List.of(10));
    Map<String, MethodMetrics> rows = byMethod(runs.metrics());
    assertThat(rows).containsOnlyKeys(EngineEvaluation.KEREC, EngineEvaluation.GRAPH_ONLY, SeedRuns.row(4));

    MethodMetrics alone = byMethod(new EngineEvaluation(plantedConfig(work.resolve("alone"), 4L), false)
        .evaluate(split, split.train().catalog(), cases, List.of(10))).get(EngineEvaluation.KEREC);
    MethodMetrics four = rows.get(SeedRuns.row(4));
    assertThat(List.of(four.hr(), four.ndcg(), four.coldHr()))
        .as("a further seed's row is that seed's run").isEqualTo(List.of(alone.hr(), alone.ndcg(), alone.coldHr()));

    double low = Math.min(rows.get(EngineEvaluation.KEREC).hr(), four.hr());
    double high = Math.max(rows.get(EngineEvaluation.KEREC).hr(), four.hr());
    assertThat(runs.facts().get("kerec_over_seeds_hr@10")).isEqualTo(String.format(java.util.Locale.ROOT,
        "mean %.4f, %.4f to %.4f (seeds 3, 4)", (low + high) / 2, low, high));
    assertThat(runs.facts()).containsKeys("kerec_over_seeds_ndcg@10", "kerec_over_seeds_cold_hr@10",
        "model (seed 4)", "verdicts", "model");
  }

  /**
   * The engine's evaluation settings for the planted shop: without the shop's knowledge file (it knows teacup /
   * saucer and cake stand / cake case), so every planted pair must come from the bills, and with the evidence rule's
   * "related names" band widened to 0.2: MiniLM scores the planted lunch box / water bottle 0.28, below the default
   * 0.30 (a complement the default rule misses, as it misses many on the yardstick).
   */
  private static io.kerec.config.KerecConfig plantedConfig(Path dir) {
    return plantedConfig(dir, null);
  }

  private static io.kerec.config.KerecConfig plantedConfig(Path dir, Long rankSeed) {
    return plantedConfig(dir, rankSeed, rank -> { });
  }

  private static io.kerec.config.KerecConfig plantedConfig(Path dir, Long rankSeed,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> rankSettings) {
    try (var in = EvalEndToEndTest.class.getClassLoader().getResourceAsStream("conf/embedded.json")) {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(in);
      var judge = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("judge");
      judge.put("knowledge", "none").putObject("evidence").put("relatedSimilarity", 0.2);
      rankSettings.accept((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("rank"));
      Path file = dir.resolveSibling(dir.getFileName() + ".json");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, tree.toString());
      return EngineUnderTest.config(file, dir, rankSeed);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, MethodMetrics> baselines(Dataset.Split split, List<EvalCase> cases) {
    List<MethodMetrics> all = new ArrayList<>();
    for (String name : Baselines.NAMES) {
      all.addAll(BaselineRunner.evaluate(Baselines.create(name), split.train().purchases(),
          split.train().catalog(), cases, List.of(10)));
    }
    return byMethod(all);
  }

  @Test
  void replaySendsFeedbackInOneArmOnlyAndReportsBothDayByDay() throws Exception {
    Dataset.Split split = plantedShop(11);
    java.nio.file.Path out = work.resolve("replay-report");
    List<java.nio.file.Path> written = new io.kerec.eval.ReplayEvaluation(
        dir -> EngineUnderTest.config(dir), 10, 7).run(split, split.train().catalog(), work.resolve("replay"), out);
    assertThat(written).extracting(p -> p.getFileName().toString())
        .containsExactly("replay.json", "replay.md", "replay.png");
    io.vertx.core.json.JsonObject report = new io.vertx.core.json.JsonObject(java.nio.file.Files.readString(
        out.resolve("replay.json")));
    io.vertx.core.json.JsonArray withFeedback = report.getJsonObject("days").getJsonArray("feedback");
    io.vertx.core.json.JsonArray without = report.getJsonObject("days").getJsonArray("no-feedback");
    assertThat(withFeedback.size()).isEqualTo(without.size()).isGreaterThan(10);
    long attributed = withFeedback.stream().mapToLong(d -> ((io.vertx.core.json.JsonObject) d).getLong("attributed"))
        .sum();
    assertThat(attributed).as("shown items with a because path").isPositive();
    io.vertx.core.json.JsonObject facts = report.getJsonObject("facts");
    assertThat(facts.getJsonObject("feedback_graph").getLong("feedbackExposures")).isEqualTo(attributed);
    assertThat(facts.getJsonObject("no-feedback_graph").getLong("feedbackExposures")).isZero();
    double hr = report.getJsonObject("summary").getJsonObject("feedback").getDouble("hitRate");
    assertThat(hr).isBetween(0.0, 1.0);
  }

  @Test
  void replayRunsTheArmsOfAnExperimentSideBySide() throws Exception {
    Dataset.Split split = plantedShop(11);
    io.kerec.config.ExperimentOptions experiment = new io.kerec.config.ExperimentOptions("fresh", "s", List.of(
        new io.kerec.config.ExperimentOptions.Arm("control", 1, null),
        new io.kerec.config.ExperimentOptions.Arm("no-fresh", 1,
            new io.kerec.config.ExperimentOptions.Overrides(null, 0, null))));
    List<io.kerec.eval.ReplayEvaluation.Arm> arms = io.kerec.eval.ReplayEvaluation.experimentArms(
        dir -> EngineUnderTest.config(dir).withExperiments(List.of(experiment)), "fresh");
    assertThat(arms).extracting(io.kerec.eval.ReplayEvaluation.Arm::name).containsExactly("control", "no-fresh");
    java.nio.file.Path out = work.resolve("experiment-report");
    new io.kerec.eval.ReplayEvaluation(arms, 10, 7).run(split, split.train().catalog(), work.resolve("experiment"),
        out);
    io.vertx.core.json.JsonObject report = new io.vertx.core.json.JsonObject(java.nio.file.Files.readString(
        out.resolve("replay.json")));
    assertThat(report.getJsonObject("days").fieldNames()).containsExactly("control", "no-fresh");
    double control = report.getJsonObject("summary").getJsonObject("control").getDouble("hitRate");
    double noFresh = report.getJsonObject("summary").getJsonObject("no-fresh").getDouble("hitRate");
    // the learners' targets were never sold: only the fresh slots can show them
    assertThat(control).as("HR with fresh slots against without (%s)", noFresh).isGreaterThan(noFresh);
    assertThat(java.nio.file.Files.readString(out.resolve("replay.md"))).contains("| no-fresh | yes |");
    assertThatThrownBy(() -> io.kerec.eval.ReplayEvaluation.experimentArms(
        dir -> EngineUnderTest.config(dir).withExperiments(List.of(experiment)), "other"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
  }

  @Test
  void theFeedbackArmIsReproducibleBecauseEdgeWeightsMoveAtFixedPointsOfEachDay() throws Exception {
    Dataset.Split split = plantedShop(13);
    List<io.vertx.core.json.JsonObject> runs = new ArrayList<>();
    for (String run : List.of("first", "second")) {
      java.nio.file.Path out = work.resolve("replay-" + run);
      new io.kerec.eval.ReplayEvaluation(dir -> EngineUnderTest.config(dir), 10, 3,
          List.of(io.kerec.eval.ReplayEvaluation.FEEDBACK))
          .run(split, split.train().catalog(), work.resolve("replay-engine-" + run), out);
      runs.add(new io.vertx.core.json.JsonObject(java.nio.file.Files.readString(out.resolve("replay.json"))));
    }
    io.vertx.core.json.JsonObject first = runs.get(0);
    assertThat(first.getJsonObject("days").fieldNames()).containsExactly("feedback");
    assertThat(first.getJsonObject("facts").getJsonObject("feedback_graph").getLong("feedbackFlushes"))
        .as("weights moved by the replay's own flushes, the engine's timer being off").isPositive();
    assertThat(runs.get(1).getJsonObject("days")).isEqualTo(first.getJsonObject("days"));
    assertThat(runs.get(1).getJsonObject("facts").getJsonObject("feedback_graph"))
        .isEqualTo(first.getJsonObject("facts").getJsonObject("feedback_graph"));
  }

  private static Map<String, MethodMetrics> byMethod(List<MethodMetrics> metrics) {
    return metrics.stream().collect(Collectors.toMap(MethodMetrics::method, Function.identity()));
  }

  /**
   * 120 teachers and 60 learners over five months before the split; after it, each learner buys another trigger
   * and then, in a later bill, the "NEW" variant of its complement, listed in the catalog but never sold before.
   */
  static Dataset.Split plantedShop(long seed) {
    Random random = new Random(seed);
    List<CatalogItem> catalog = new ArrayList<>();
    for (String[] pair : PAIRS) {
      for (String style : STYLES) {
        catalog.add(new CatalogItem(id(pair[0], style), style + " " + pair[0], 2.0));
        catalog.add(new CatalogItem(id(pair[1], style), style + " " + pair[1], 1.0));
      }
      catalog.add(new CatalogItem(id(pair[1], "NEW"), "NEW " + pair[1], 1.0));
    }
    for (String filler : FILLER) {
      for (String style : STYLES) {
        catalog.add(new CatalogItem(id(filler, style), style + " " + filler, 1.5));
      }
    }
    List<Purchase> train = new ArrayList<>();
    List<Purchase> test = new ArrayList<>();
    int bill = 0;
    for (int u = 0; u < 120; u++) {
      String user = "t" + u;
      for (int b = 0; b < 4; b++) {
        String[] pair = PAIRS.get(random.nextInt(PAIRS.size()));
        Instant ts = START.plus(random.nextInt(140 * 24), ChronoUnit.HOURS);
        String basket = "B" + bill++;
        train.add(line(user, id(pair[0], pick(random)), basket, ts));
        train.add(line(user, id(pair[1], pick(random)), basket, ts));
        train.add(line(user, id(FILLER.get(random.nextInt(FILLER.size())), pick(random)), basket, ts));
      }
      String basket = "B" + bill++;
      Instant ts = START.plus(random.nextInt(140 * 24), ChronoUnit.HOURS);
      train.add(line(user, id(FILLER.get(random.nextInt(FILLER.size())), pick(random)), basket, ts));
      train.add(line(user, id(FILLER.get(random.nextInt(FILLER.size())), pick(random)), basket, ts));
    }
    for (int u = 0; u < 60; u++) {
      String user = "l" + u;
      String[] pair = PAIRS.get(u % PAIRS.size());
      for (int b = 0; b < 2; b++) {
        String basket = "B" + bill++;
        Instant ts = START.plus(random.nextInt(140 * 24), ChronoUnit.HOURS);
        train.add(line(user, id(pair[0], STYLES.get(b)), basket, ts));
        train.add(line(user, id(FILLER.get(random.nextInt(FILLER.size())), pick(random)), basket, ts));
      }
      Instant first = SPLIT.plus(1 + random.nextInt(10 * 24), ChronoUnit.HOURS);
      String basket = "B" + bill++;
      test.add(line(user, id(pair[0], STYLES.get(2)), basket, first));
      Instant ts = first.plus(1 + random.nextInt(10 * 24), ChronoUnit.HOURS);
      basket = "B" + bill++;
      test.add(line(user, id(pair[1], "NEW"), basket, ts));
      test.add(line(user, id(FILLER.get(random.nextInt(FILLER.size())), pick(random)), basket, ts));
    }
    train.sort((a, b) -> a.ts().compareTo(b.ts()));
    test.sort((a, b) -> a.ts().compareTo(b.ts()));
    return new Dataset.Split(new Dataset("generic", catalog, train, Map.of()),
        new Dataset("generic", catalog, test, Map.of()));
  }

  private static String pick(Random random) {
    return STYLES.get(random.nextInt(STYLES.size()));
  }

  private static String id(String entity, String style) {
    return (style + "-" + entity).replace(' ', '_');
  }

  private static Purchase line(String user, String item, String basket, Instant ts) {
    return new Purchase(user, item, basket, ts, 1, 1.0);
  }
}
