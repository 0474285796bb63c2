package io.kerec.cli;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.eval.BaselineRunner;
import io.kerec.eval.Baselines;
import io.kerec.eval.EngineEvaluation;
import io.kerec.eval.EngineUnderTest;
import io.kerec.eval.MethodMetrics;
import io.kerec.eval.ReplayEvaluation;
import io.kerec.eval.SeedRuns;
import io.kerec.eval.EvalCase;
import io.kerec.eval.EvalCases;
import io.kerec.eval.EvalProtocol;
import io.kerec.eval.EvalReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kerec eval}: offline evaluation of the engine's own pipeline against the baselines a shop would
 * otherwise run, on a time split of bills. Writes {@code report.json}, {@code report.md} and PNG charts.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate the engine against popularity, recent popularity, co-occurrence and item-KNN on a time"
        + " split of bills (Online Retail CSV or the generic user_id,item_id,basket_id,ts,title CSV).")
public final class EvalCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @ArgGroup(exclusive = false)
    OneFile oneFile;
    @ArgGroup(exclusive = false)
    TwoFiles twoFiles;
  }

  static final class OneFile {
    @Option(names = "--transactions", required = true, description = "One bills file, split in time at --split.")
    Path transactions;
    @Option(names = "--split", defaultValue = "2011-09-01",
        description = "First day (UTC) of the test period. Default: ${DEFAULT-VALUE}.")
    LocalDate split;
    @Option(names = "--until", description = "First day (UTC) no longer read (default: the end of the file), so that"
        + " a validation split can be cut inside a training period.")
    LocalDate until;
  }

  static final class TwoFiles {
    @Option(names = "--train", required = true, description = "Bills of the training period.")
    Path train;
    @Option(names = "--test", required = true, description = "Bills of the test period.")
    Path test;
  }

  @Option(names = "--k", split = ",", defaultValue = "10", description = "Cutoffs, e.g. 10,20. Default: ${DEFAULT-VALUE}.")
  List<Integer> ks;

  @Option(names = "--protocol", defaultValue = "period", description = "period, basket or replay (the test period"
      + " day by day, with and without exposure/click feedback). Default: ${DEFAULT-VALUE}.")
  String protocol;

  @Option(names = "--retrain-days", defaultValue = "7",
      description = "replay: judge and retrain every this many test days. Default: ${DEFAULT-VALUE}.")
  int retrainDays;

  @Option(names = "--arms", split = ",", defaultValue = "feedback,no-feedback",
      description = "replay: which arms to run (feedback, no-feedback or both). Default: ${DEFAULT-VALUE}.")
  List<String> arms;

  @Option(names = "--experiment", description = "replay: replay the arms of this A/B experiment of --conf side by"
      + " side (every user in each arm in turn, feedback on) instead of --arms.")
  String experiment;

  @Option(names = "--seeds", split = ",", description = "period, basket: evaluate the engine once per rank-training"
      + " seed (rank.seed), e.g. 42,1,2; the first gives the kerec rows, each other a row 'kerec (seed N)', and the"
      + " report gives kerec's mean and range over them. Default: once, with the configuration's seed.")
  List<Long> seeds = new ArrayList<>();

  @Option(names = "--out", defaultValue = "out/eval", description = "Report folder. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--conf", description = "Engine configuration to evaluate (default: the bundled embedded one).")
  Path conf;

  @Option(names = "--work", description = "Data directory for the throw-away engine (default: a temporary one).")
  Path work;

  @Option(names = "--no-progress", description = "Do not draw progress bars.")
  boolean noProgress;

  @Override
  public Integer call() throws IOException {
    boolean replay = "replay".equalsIgnoreCase(protocol.strip());
    if (replay && !seeds.isEmpty()) {
      System.err.println("kerec eval: --seeds needs --protocol period or basket");
      return 2;
    }
    if (seeds.stream().distinct().count() != seeds.size()) {
      System.err.println("kerec eval: --seeds must not repeat a seed");
      return 2;
    }
    if (experiment != null && !replay) {
      System.err.println("kerec eval: --experiment needs --protocol replay");
      return 2;
    }
    EvalProtocol evalProtocol = replay ? EvalProtocol.PERIOD : EvalProtocol.parse(protocol);
    if (ks.stream().anyMatch(k -> k < 1 || k > 1000)) {
      System.err.println("kerec eval: --k values must be between 1 and 1000");
      return 2;
    }
    long started = System.nanoTime();
    Dataset.Split split;
    String trainName;
    String testName;
    if (input.oneFile != null) {
      Dataset all = Datasets.read(input.oneFile.transactions);
      LocalDate until = input.oneFile.until;
      if (until != null) {
        if (!until.isAfter(input.oneFile.split)) {
          System.err.println("kerec eval: --until must be after --split");
          return 2;
        }
        all = all.splitAt(until.atStartOfDay(ZoneOffset.UTC).toInstant()).train();
      }
      split = all.splitAt(input.oneFile.split.atStartOfDay(ZoneOffset.UTC).toInstant());
      trainName = input.oneFile.transactions + " < " + input.oneFile.split;
      testName = input.oneFile.transactions + " >= " + input.oneFile.split + (until == null ? "" : ", < " + until);
    } else {
      Dataset train = Datasets.read(input.twoFiles.train);
      Dataset test = Datasets.read(input.twoFiles.test);
      List<CatalogItem> catalog = union(train.catalog(), test.catalog());
      split = new Dataset.Split(new Dataset(train.format(), catalog, train.purchases(), train.counts()),
          new Dataset(test.format(), catalog, test.purchases(), test.counts()));
      trainName = input.twoFiles.train.toString();
      testName = input.twoFiles.test.toString();
    }
    List<CatalogItem> catalog = split.train().catalog();
    if (replay) {
      if (retrainDays < 1) {
        System.err.println("kerec eval: --retrain-days must be at least 1");
        return 2;
      }
      if (arms.isEmpty() || !List.of(ReplayEvaluation.FEEDBACK, ReplayEvaluation.NO_FEEDBACK).containsAll(arms)) {
        System.err.println("kerec eval: --arms takes feedback, no-feedback or both");
        return 2;
      }
      List<ReplayEvaluation.Arm> replayed;
      try {
        replayed = experiment == null
            ? new ReplayEvaluation(dir -> EngineUnderTest.config(conf, dir), ks.get(0), retrainDays, arms).arms()
            : ReplayEvaluation.experimentArms(dir -> EngineUnderTest.config(conf, dir), experiment);
      } catch (IllegalArgumentException e) {
        System.err.println("kerec eval: " + e.getMessage());
        return 2;
      }
      Path work = this.work != null ? this.work : Files.createTempDirectory("kerec-replay");
      try {
        List<Path> written = new ReplayEvaluation(replayed, ks.get(0), retrainDays)
            .run(split, catalog, work, out);
        System.out.println(Files.readString(out.resolve("replay.md")));
        written.forEach(p -> System.err.println("kerec eval: wrote " + p));
      } finally {
        if (this.work == null) {
          deleteTree(work);
        }
      }
      return 0;
    }
    List<EvalCase> cases = EvalCases.build(split, evalProtocol, EvalCases.DEFAULT_HISTORY_ITEMS);
    System.err.printf("kerec eval: %s protocol, %d cases (%d with a cold target), %d train purchases, %d items%n",
        evalProtocol.id(), cases.size(), cases.stream().filter(EvalCase::hasColdTarget).count(),
        split.train().purchases().size(), catalog.size());
    EvalReport report = EvalReport.of(evalProtocol, trainName, testName, cases, ks);
    for (String name : Baselines.NAMES) {
      report.addAll(BaselineRunner.evaluate(Baselines.create(name), split.train().purchases(), catalog, cases, ks));
    }
    Path dataDir = work != null ? work : Files.createTempDirectory("kerec-eval");
    Map<String, Object> facts;
    try {
      if (seeds.isEmpty()) {
        EngineEvaluation engine = new EngineEvaluation(EngineUnderTest.config(conf, dataDir), !noProgress);
        report.addAll(engine.evaluate(split, catalog, cases, ks));
        facts = new LinkedHashMap<>(engine.facts());
      } else {
        SeedRuns.Result runs = SeedRuns.evaluate(
            seed -> EngineUnderTest.config(conf, dataDir.resolve("seed-" + seed), seed), seeds, !noProgress,
            split, catalog, cases, ks);
        report.addAll(runs.metrics());
        facts = new LinkedHashMap<>(runs.facts());
      }
    } finally {
      if (work == null) {
        deleteTree(dataDir);
      }
    }
    facts.put("total_seconds", (System.nanoTime() - started) / 1e9);
    report.engineFacts(facts);
    List<Path> written = report.write(out);
    System.out.println(report.markdown());
    written.forEach(p -> System.err.println("kerec eval: wrote " + p));
    return 0;
  }

  private static List<CatalogItem> union(List<CatalogItem> first, List<CatalogItem> second) {
    Map<String, CatalogItem> byId = new LinkedHashMap<>();
    first.forEach(c -> byId.put(c.itemId(), c));
    second.forEach(c -> byId.putIfAbsent(c.itemId(), c));
    return new ArrayList<>(byId.values());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
