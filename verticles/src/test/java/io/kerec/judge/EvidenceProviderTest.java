package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.kerec.config.EvidenceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvidenceProviderTest {
  private static final int BASKETS = 2000;
  private static EvidenceStats stats;

  /** Similarity stub: only the listed pairs are similar. */
  private static final SubstituteDetector STUB = (a, b) -> {
    if (a.equals(b)) {
      return 1.0;
    }
    Map<String, Double> known = Map.of("tent|camping tent", 0.90, "teacup|saucer", 0.36);
    return known.getOrDefault(a + "|" + b, known.getOrDefault(b + "|" + a, 0.2));
  };

  /**
   * 2,000 synthetic baskets of 5–15 filler entities, plus planted structure:
   * teacup in 10 % of baskets, saucer in 60 % of those and in 2 % of the others (a complement);
   * bag in 50 % of all baskets independently of everything (popular, not complementary);
   * tent in 5 %, camping tent in 70 % of those and 1 % of the others (bought together, but substitutes);
   * "rare lamp" with "rare shade" in exactly 3 baskets (below minSupport).
   */
  @BeforeAll
  static void plantBaskets() {
    Random random = new Random(2024);
    stats = new EvidenceStats();
    int rare = 0;
    for (int b = 0; b < BASKETS; b++) {
      String key = "inv" + b;
      List<String> items = new ArrayList<>();
      int fillers = 5 + random.nextInt(11);
      for (int k = 0; k < fillers; k++) {
        items.add("filler " + random.nextInt(200));
      }
      boolean teacup = random.nextDouble() < 0.10;
      if (teacup) {
        items.add("teacup");
      }
      if (random.nextDouble() < (teacup ? 0.60 : 0.02)) {
        items.add("saucer");
      }
      if (random.nextDouble() < 0.50) {
        items.add("bag");
      }
      boolean tent = random.nextDouble() < 0.05;
      if (tent) {
        items.add("tent");
      }
      if (random.nextDouble() < (tent ? 0.70 : 0.01)) {
        items.add("camping tent");
      }
      if (rare < 3 && b % 100 == 7) {
        items.add("rare lamp");
        items.add("rare shade");
        rare++;
      }
      // Items arrive one by one, as from an invoice stream.
      for (String item : items) {
        stats.add(key, item);
      }
    }
  }

  private static EvidenceProvider provider() {
    return new EvidenceProvider(stats, STUB, EvidenceOptions.defaults());
  }

  private static Optional<Verdict> judge(String a, String b) {
    return provider().judgeOne(new EntityPair(a, b));
  }

  @Test
  void plantedComplementIsComplementaryWithFiguresInTheReason() {
    Verdict v = judge("teacup", "saucer").orElseThrow();
    long both = stats.basketsWithBoth("teacup", "saucer");
    long teacups = stats.basketsWith("teacup");
    assertThat(v.complementary()).isTrue();
    assertThat(v.reason()).startsWith("bought together in " + both + " of " + teacups + " baskets with teacup")
        .contains("names not synonyms (sim 0.36)");
    assertThat(v.confidence()).isBetween(0.5, 1.0);
    assertThat(v.provider()).isEqualTo("evidence");
    assertThat(v.model()).isEqualTo("lift-v1");
    assertThat(v.promptVersion()).isEqualTo("evidence-v1");
    assertThat(v.tokens()).isZero();
    EvidenceProvider.Figures f = provider().figures(new EntityPair("teacup", "saucer"));
    assertThat(f.lift()).isGreaterThan(5.0);
    assertThat(f.shrunkLift()).isLessThan(f.lift()).isGreaterThan(EvidenceOptions.defaults().minLift());
  }

  @Test
  void popularEntityThatCoOccursWithEverythingIsNotComplementary() {
    for (String other : List.of("teacup", "saucer", "filler 3")) {
      Verdict toBag = judge(other, "bag").orElseThrow();
      assertThat(toBag.complementary()).as("%s -> bag", other).isFalse();
      assertThat(toBag.reason()).startsWith("weak association:");
      Verdict fromBag = judge("bag", other).orElseThrow();
      assertThat(fromBag.complementary()).as("bag -> %s", other).isFalse();
    }
    // bag is in half of all baskets, so P(bag | teacup) is high while the lift stays near 1.
    EvidenceProvider.Figures f = provider().figures(new EntityPair("teacup", "bag"));
    assertThat(f.conditional()).isGreaterThan(0.4);
    assertThat(f.lift()).isBetween(0.8, 1.25);
  }

  @Test
  void substitutesBoughtTogetherAreNotComplementary() {
    EvidenceProvider.Figures f = provider().figures(new EntityPair("tent", "camping tent"));
    assertThat(f.shrunkLift()).as("bought together often").isGreaterThan(5.0);
    Verdict v = judge("tent", "camping tent").orElseThrow();
    assertThat(v.complementary()).isFalse();
    assertThat(v.reason()).startsWith("substitute: names too similar (sim 0.90 >= 0.78)");
    assertThat(v.confidence()).isEqualTo(0.90);
  }

  @Test
  void substitutesAreCaughtByTheRealMiniLmModel() {
    EvidenceProvider real = new EvidenceProvider(stats, new MiniLmSubstituteDetector(), EvidenceOptions.defaults());
    List<Verdict> verdicts = real.judgeNow(List.of(
        new EntityPair("tent", "camping tent"), new EntityPair("teacup", "saucer")));
    assertThat(verdicts).hasSize(2);
    assertThat(verdicts.get(0).complementary()).isFalse();
    assertThat(verdicts.get(0).reason()).startsWith("substitute:");
    assertThat(verdicts.get(1).complementary()).isTrue();
  }

  @Test
  void abstainsUnderMinSupport() {
    assertThat(stats.basketsWithBoth("rare lamp", "rare shade")).isEqualTo(3);
    assertThat(judge("rare lamp", "rare shade")).isEmpty();
    assertThat(judge("teacup", "never seen")).isEmpty();
    List<Verdict> verdicts = provider().judgeNow(List.of(
        new EntityPair("rare lamp", "rare shade"), new EntityPair("teacup", "saucer"),
        new EntityPair("rare shade", "rare lamp")));
    assertThat(verdicts).extracting(Verdict::pair).containsExactly(new EntityPair("teacup", "saucer"));
    // With a lower bar the same pair is decided.
    EvidenceProvider lenient = new EvidenceProvider(stats, STUB, new EvidenceOptions(3, 1.5, 0.03, 0.78, 20));
    assertThat(lenient.judgeOne(new EntityPair("rare lamp", "rare shade"))).isPresent();
  }

  @Test
  void loopIsNeverComplementary() {
    Verdict v = judge("teacup", "teacup").orElseThrow();
    assertThat(v.complementary()).isFalse();
    assertThat(v.reason()).isEqualTo("same entity");
  }

  @Test
  void confidenceFollowsTheDocumentedFormula() {
    // N = 100 baskets; A in 20, B in 10, both in 8: P(B|A) = 0.4, P(B) = 0.1, lift 4,
    // shrunk lift 1 + 3 * 8 / 28, confidence (1 - e^-(L' - 1)) * 8 / 28.
    EvidenceStats exact = new EvidenceStats();
    for (int i = 0; i < 100; i++) {
      List<String> items = new ArrayList<>(List.of("other"));
      if (i < 20) {
        items.add("a");
      }
      if (i < 8 || i >= 98) {
        items.add("b");
      }
      exact.add("k" + i, items);
    }
    EvidenceProvider p = new EvidenceProvider(exact, SubstituteDetector.none(), EvidenceOptions.defaults());
    EvidenceProvider.Figures f = p.figures(new EntityPair("a", "b"));
    assertThat(f.lift()).isCloseTo(4.0, offset(1e-9));
    double shrunk = 1 + 3.0 * 8 / 28;
    assertThat(f.shrunkLift()).isCloseTo(shrunk, offset(1e-9));
    Verdict v = p.judgeOne(new EntityPair("a", "b")).orElseThrow();
    assertThat(v.complementary()).isTrue();
    assertThat(v.confidence()).isCloseTo((1 - Math.exp(-(shrunk - 1))) * 8 / 28, offset(1e-9));
    assertThat(v.reason()).isEqualTo(
        "bought together in 8 of 20 baskets with a (P 0.40, lift 4.0, shrunk 1.9); names not synonyms (sim 0.00)");
  }

  @Test
  void confidenceGrowsWithSupport() {
    // Same proportions (lift 4), ten times the baskets.
    double small = confidenceFor(1);
    double large = confidenceFor(10);
    assertThat(large).isGreaterThan(small);
  }

  private static double confidenceFor(int scale) {
    EvidenceStats s = new EvidenceStats();
    for (int i = 0; i < 100 * scale; i++) {
      List<String> items = new ArrayList<>(List.of("other"));
      if (i % 100 < 20) {
        items.add("a");
      }
      if (i % 100 < 8 || i % 100 >= 98) {
        items.add("b");
      }
      s.add("k" + i, items);
    }
    return new EvidenceProvider(s, SubstituteDetector.none(), EvidenceOptions.defaults())
        .judgeOne(new EntityPair("a", "b")).orElseThrow().confidence();
  }

  @Test
  void judgeReturnsACompletedFutureAndRejectsOversizedBatches() {
    var ok = provider().judge(List.of(new EntityPair("teacup", "saucer")));
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.result()).hasSize(1);
    List<EntityPair> tooMany = new ArrayList<>();
    for (int i = 0; i <= EvidenceProvider.MAX_BATCH; i++) {
      tooMany.add(new EntityPair("teacup", "filler " + i));
    }
    var failed = provider().judge(tooMany);
    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).isInstanceOf(IllegalArgumentException.class);
  }
}
