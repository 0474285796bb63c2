package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The protocols and baselines on the shared Online Retail file ({@code shared/datasets/online-retail/
 * transactions.csv.gz}, found by walking up from the working directory), split at 2011-09-01, against the
 * reference figures of {@code shared/notes/eval-anchors.md}. Skipped, with the reason, where the file is not
 * there. Prints every method's metrics.
 */
@Tag("dataset")
class EvalRealFileTest {
  static final Path RELATIVE = Path.of("shared", "datasets", "online-retail", "transactions.csv.gz");
  static final Instant CUT = Instant.parse("2011-09-01T00:00:00Z");
  static final List<Integer> KS = List.of(10, 20);

  static Dataset.Split split;
  static final Map<EvalProtocol, List<EvalCase>> CASES = new EnumMap<>(EvalProtocol.class);
  static final Map<EvalProtocol, EvalReport> REPORTS = new EnumMap<>(EvalProtocol.class);
  static final Map<String, MethodMetrics> AT10 = new HashMap<>();

  /** The shared file, looked for in the working directory and each of its parents. */
  static Optional<Path> sharedFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve(RELATIVE);
      if (Files.isRegularFile(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Why the tests cannot run here, or null; each test reports it as its reason for being skipped. */
  static String missing;

  @BeforeEach
  void needsTheSharedFile() {
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
  }

  @BeforeAll
  static void run() throws IOException {
    Optional<Path> file = sharedFile();
    if (file.isEmpty()) {
      missing = "the shared Online Retail file " + RELATIVE + " is not in " + Path.of("").toAbsolutePath()
          + " or any parent directory";
      return;
    }
    split = Datasets.read(file.get()).splitAt(CUT);
    System.out.printf("catalog %d items, %d cold%n", split.train().catalog().size(),
        EvalCases.coldItems(split).size());
    for (EvalProtocol p : EvalProtocol.values()) {
      long t0 = System.nanoTime();
      List<EvalCase> cases = EvalCases.build(split, p, EvalCases.DEFAULT_HISTORY_ITEMS);
      System.out.printf("%s: %d cases, %d with a cold target, built in %.2f s%n", p.id(), cases.size(),
          cases.stream().filter(EvalCase::hasColdTarget).count(), (System.nanoTime() - t0) / 1e9);
      CASES.put(p, cases);
      EvalReport report = EvalReport.of(p, "train < " + CUT, "test >= " + CUT, cases, KS);
      for (Baseline b : Baselines.all()) {
        List<MethodMetrics> ms = BaselineRunner.evaluate(b, split.train().purchases(), split.train().catalog(),
            cases, KS);
        report.addAll(ms);
        MethodMetrics m = ms.get(0);
        AT10.put(p.id() + "/" + b.name(), m);
        System.out.printf(java.util.Locale.ROOT,
            "%s %-17s HR@10 %.4f Recall@10 %.4f NDCG@10 %.4f cov@10 %.4f cold %d HR %.4f Recall %.4f"
                + " warm %d HR %.4f  %.2f s%n", p.id(), b.name(), m.hr(), m.recall(), m.ndcg(), m.coverage(),
            m.coldUsers(), m.coldHr(), m.coldRecall(), m.warmUsers(), m.warmHr(), m.seconds());
      }
      REPORTS.put(p, report);
    }
  }

  @Test
  void caseCounts() {
    // the reference's 1,308 (769 cold) and 2,192 (1,082 cold); 2 fewer basket cases because two invoices
    // (567183, 571735) have lines a minute apart: one case per invoice here, one per (invoice, time) there
    assertThat(CASES.get(EvalProtocol.PERIOD)).hasSize(1_308);
    assertThat(CASES.get(EvalProtocol.PERIOD).stream().filter(EvalCase::hasColdTarget)).hasSize(769);
    assertThat(CASES.get(EvalProtocol.BASKET)).hasSize(2_190);
    assertThat(CASES.get(EvalProtocol.BASKET).stream().filter(EvalCase::hasColdTarget)).hasSize(1_082);
    // catalog: every product sold, guests' sales included (3,727), so 339 cold items (the reference: 209)
    assertThat(EvalCases.coldItems(split)).hasSize(339);
  }

  @Test
  void basketFeedReplaysTheTestPeriod() {
    List<EvalCase> cases = CASES.get(EvalProtocol.BASKET);
    int fed = 0;
    for (EvalCase c : cases) {
      fed += c.feedBefore().size();
    }
    Instant last = cases.get(cases.size() - 1).at();
    long before = split.test().purchases().stream().filter(x -> x.ts().isBefore(last)).count();
    assertThat(fed).isEqualTo(before);
  }

  @Test
  void baselinesReproduceTheReferenceFigures() {
    assertThat(AT10.get("period/cooccurrence").hr()).isCloseTo(0.422, within(0.03));
    assertThat(AT10.get("period/itemknn").hr()).isCloseTo(0.413, within(0.03));
    assertThat(AT10.get("period/popularity").hr()).isCloseTo(0.284, within(0.03));
    assertThat(AT10.get("period/recent-popularity").hr()).isCloseTo(0.295, within(0.03));
    assertThat(AT10.get("basket/cooccurrence").hr()).isCloseTo(0.302, within(0.03));
    // item-level methods cannot recommend an item that never sold
    for (MethodMetrics m : AT10.values()) {
      assertThat(m.coldHr()).as(m.method()).isZero();
    }
  }

  /** Writes both reports under {@code target/eval-real-file/<protocol>/} for a look at the charts. */
  @Test
  void writesTheReports() throws IOException {
    for (EvalReport r : REPORTS.values()) {
      Path out = Path.of("target", "eval-real-file", r.protocol().id());
      r.write(out);
      assertThat(out.resolve(EvalReport.JSON)).isNotEmptyFile();
      assertThat(out.resolve(EvalReport.HR_CHART)).isNotEmptyFile();
      System.out.println(r.markdown());
    }
  }
}
