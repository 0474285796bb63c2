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
        .contains("names related, not the same (sim 0.36)");
    assertThat(v.confidence()).isBetween(0.5, 1.0);
    assertThat(v.provider()).isEqualTo("evidence");
    assertThat(v.model()).isEqualTo("wilson-minilm-v2");
    assertThat(v.promptVersion()).isEqualTo("evidence-v2");
    assertThat(v.tokens()).isZero();
    EvidenceProvider.Figures f = provider().figures(new EntityPair("teacup", "saucer"));
    assertThat(f.lift()).isGreaterThan(5.0);
    assertThat(f.boundedLift()).isLessThan(f.lift()).isGreaterThan(EvidenceOptions.defaults().minLift());
    assertThat(f.lowerBound()).isLessThan(f.conditional());
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
    assertThat(f.boundedLift()).as("bought together often").isGreaterThan(5.0);
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

  /** Names related (0.5) unless the same. */
  private static final SubstituteDetector RELATED = (a, b) -> a.equals(b) ? 1.0 : 0.5;

  @Test
  void confidenceFollowsTheDocumentedFormula() {
    // N = 100 baskets; A in 20, B in 10, both in 8: P(B|A) = 0.4, P(B) = 0.1, lift 4; the Wilson bound at z 1.96
    // of 8 / 20 is 0.2188, so the bounded lift is 2.188 and the confidence 1 - e^-(2.188 - 1).
    EvidenceProvider p = new EvidenceProvider(abStats(1), RELATED, EvidenceOptions.defaults());
    EvidenceProvider.Figures f = p.figures(new EntityPair("a", "b"));
    assertThat(f.lift()).isCloseTo(4.0, offset(1e-9));
    double z2 = 1.96 * 1.96;
    double lower = (0.4 + z2 / 40 - 1.96 * Math.sqrt(0.4 * 0.6 / 20 + z2 / 1600)) / (1 + z2 / 20);
    assertThat(f.lowerBound()).isCloseTo(lower, offset(1e-9)).isCloseTo(0.2188, offset(1e-4));
    assertThat(f.boundedLift()).isCloseTo(lower / 0.1, offset(1e-9));
    Verdict v = p.judgeOne(new EntityPair("a", "b")).orElseThrow();
    assertThat(v.complementary()).isTrue();
    assertThat(v.confidence()).isCloseTo(1 - Math.exp(-(lower / 0.1 - 1)), offset(1e-9));
    assertThat(v.reason()).isEqualTo("bought together in 8 of 20 baskets with a: P(B|A) 0.400, >= 0.219 at 95%,"
        + " lift 4.00, >= 2.19 over the base rate 0.100; names related, not the same (sim 0.50)");
  }

  @Test
  void theBoundIsDirectional() {
    // b -> a: P(a|b) = 0.8 over a base rate of 0.2, from only 10 baskets of b: the bound is wide, yet passes;
    // with z 0 the bound is the point estimate.
    EvidenceProvider p = new EvidenceProvider(abStats(1), RELATED, EvidenceOptions.defaults());
    EvidenceProvider.Figures back = p.figures(new EntityPair("b", "a"));
    assertThat(back.conditional()).isCloseTo(0.8, offset(1e-9));
    assertThat(back.lowerBound()).isBetween(0.4, 0.8);
    assertThat(EvidenceProvider.wilsonLower(8, 10, 0)).isCloseTo(0.8, offset(1e-12));
    assertThat(EvidenceProvider.wilsonLower(0, 0, 1.96)).isZero();
  }

  @Test
  void relatedBillsWithUnrelatedNamesAreNotComplementary() {
    Verdict v = new EvidenceProvider(abStats(1), SubstituteDetector.none(), EvidenceOptions.defaults())
        .judgeOne(new EntityPair("a", "b")).orElseThrow();
    assertThat(v.complementary()).isFalse();
    assertThat(v.reason()).startsWith("unrelated names: sim 0.00 < 0.30 and no shared use word");
  }

  @Test
  void aSharedUseWordMakesNamesRelatedAndTheSameLastWordMakesThemOneKind() {
    assertThat(EvidenceProvider.sharedWord("cake stand", "cake case")).contains("cake");
    assertThat(EvidenceProvider.sharedWord("teapot", "tea cosy")).contains("tea");
    assertThat(EvidenceProvider.sharedWord("doormat", "hot water bottle")).isEmpty();
    assertThat(EvidenceProvider.lastWord("t-light holder")).isEqualTo("holder");
    EvidenceStats s = new EvidenceStats();
    for (int i = 0; i < 100; i++) {
      List<String> items = new ArrayList<>(List.of("other"));
      if (i < 20) {
        items.add("lunch bag");
      }
      if (i < 8 || i >= 98) {
        items.add("jumbo bag");
      }
      s.add("k" + i, items);
    }
    Verdict v = new EvidenceProvider(s, RELATED, EvidenceOptions.defaults())
        .judgeOne(new EntityPair("lunch bag", "jumbo bag")).orElseThrow();
    assertThat(v.complementary()).isFalse();
    assertThat(v.reason()).startsWith("substitute: both are a kind of 'bag'");
    Verdict motif = new EvidenceProvider(abStats(1), RELATED, EvidenceOptions.defaults(), java.util.Set.of("a", "b"))
        .judgeOne(new EntityPair("a", "b")).orElseThrow();
    assertThat(motif.complementary()).isFalse();
    assertThat(motif.reason()).startsWith("substitute: both are decorations shaped as a motif");
  }

  @Test
  void confidenceGrowsWithSupport() {
    // Same proportions (lift 4), ten times the baskets: a narrower interval.
    double small = confidenceFor(1);
    double large = confidenceFor(10);
    assertThat(large).isGreaterThan(small);
  }

  private static EvidenceStats abStats(int scale) {
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
    return s;
  }

  private static double confidenceFor(int scale) {
    return new EvidenceProvider(abStats(scale), RELATED, EvidenceOptions.defaults())
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
