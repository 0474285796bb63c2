package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {
  static final double EPS = 1e-9;
  // 1/log2(r+1) for ranks 1..6
  static final double D1 = 1.0;
  static final double D2 = 1 / (Math.log(3) / Math.log(2)); // 0.6309297536
  static final double D3 = 0.5;
  static final double D5 = 1 / (Math.log(6) / Math.log(2)); // 0.3868528072

  final List<String> ranked = List.of("a", "b", "c", "d", "e");
  final Set<String> targets = Set.of("b", "e", "x");

  @Test
  void topThreeHasOneOfThreeTargets() {
    assertThat(Metrics.hit(ranked, targets, 3)).isEqualTo(1.0);
    assertThat(Metrics.hits(ranked, targets, 3)).isEqualTo(1);
    assertThat(Metrics.recall(ranked, targets, 3)).isCloseTo(1.0 / 3, within(EPS));
    // DCG = 1/log2(3) (b at rank 2); ideal = 1 + 1/log2(3) + 1/log2(4)
    assertThat(Metrics.ndcg(ranked, targets, 3)).isCloseTo(D2 / (D1 + D2 + D3), within(EPS))
        .isCloseTo(0.296082, within(1e-6));
  }

  @Test
  void topFiveHasTwoTargets() {
    assertThat(Metrics.recall(ranked, targets, 5)).isCloseTo(2.0 / 3, within(EPS));
    // DCG = 1/log2(3) + 1/log2(6); ideal over min(5, 3) = 3 positions
    assertThat(Metrics.ndcg(ranked, targets, 5)).isCloseTo((D2 + D5) / (D1 + D2 + D3), within(EPS))
        .isCloseTo(0.477624, within(1e-6));
  }

  @Test
  void recallDividesByKWhenThereAreMoreTargetsThanK() {
    Set<String> many = Set.of("a", "c", "x", "y", "z");
    assertThat(Metrics.recall(ranked, many, 2)).isCloseTo(0.5, within(EPS)); // a hit, 1 / min(2, 5)
    // DCG = 1 (a at rank 1); ideal = 1 + 1/log2(3)
    assertThat(Metrics.ndcg(ranked, many, 2)).isCloseTo(1 / (D1 + D2), within(EPS));
    assertThat(Metrics.recall(List.of("a", "c"), many, 2)).isEqualTo(1.0);
    assertThat(Metrics.ndcg(List.of("a", "c"), many, 2)).isCloseTo(1.0, within(EPS));
  }

  @Test
  void missesAndEdgeCases() {
    assertThat(Metrics.hit(ranked, targets, 1)).isZero();
    assertThat(Metrics.recall(ranked, targets, 1)).isZero();
    assertThat(Metrics.ndcg(ranked, targets, 1)).isZero();
    assertThat(Metrics.hit(ranked, Set.of(), 10)).isZero();
    assertThat(Metrics.recall(ranked, Set.of(), 10)).isZero();
    assertThat(Metrics.ndcg(ranked, Set.of(), 10)).isZero();
    assertThat(Metrics.hit(List.of(), targets, 10)).isZero();
    assertThat(Metrics.hit(ranked, targets, 0)).isZero();
    // k beyond the list: only what is there counts, the ideal still uses min(k, |targets|)
    assertThat(Metrics.recall(List.of("e"), targets, 10)).isCloseTo(1.0 / 3, within(EPS));
    assertThat(Metrics.ndcg(List.of("e"), Set.of("e"), 10)).isCloseTo(1.0, within(EPS));
  }

  @Test
  void aRepeatedItemCountsOnce() {
    List<String> dup = List.of("b", "b");
    Set<String> t = Set.of("b", "c");
    assertThat(Metrics.hits(dup, t, 2)).isEqualTo(1);
    assertThat(Metrics.recall(dup, t, 2)).isCloseTo(0.5, within(EPS));
    assertThat(Metrics.ndcg(dup, t, 2)).isCloseTo(1 / (D1 + D2), within(EPS));
  }

  static EvalCase evalCase(String id, Set<String> targets, Set<String> cold) {
    return new EvalCase("u" + id, id, Instant.EPOCH, List.of(), Set.of(), targets, cold, List.of());
  }

  @Test
  void accumulatorAveragesOverCasesAndSlices() {
    MetricsAccumulator acc = new MetricsAccumulator("m", 2, 10);
    // case 1: targets {a, x}, x cold; ranked [a, b]: hit, recall 1/2, ndcg 1/(1+D2); cold: miss; warm {a}: hit
    acc.add(evalCase("1", Set.of("a", "x"), Set.of("x")), List.of("a", "b", "z"));
    // case 2: targets {c}, warm; ranked [b, c]: hit, recall 1, ndcg D2
    acc.add(evalCase("2", Set.of("c"), Set.of()), List.of("b", "c"));
    // case 3: targets {y}, cold; ranked [y, d]: hit, recall 1, ndcg 1; cold: hit, recall 1; no warm target
    acc.add(evalCase("3", Set.of("y"), Set.of("y")), List.of("y", "d"));
    acc.seconds(1.5);
    MethodMetrics m = acc.result();
    assertThat(m.method()).isEqualTo("m");
    assertThat(m.k()).isEqualTo(2);
    assertThat(m.users()).isEqualTo(3);
    assertThat(m.hr()).isCloseTo(1.0, within(EPS));
    assertThat(m.recall()).isCloseTo((0.5 + 1 + 1) / 3, within(EPS));
    assertThat(m.ndcg()).isCloseTo((1 / (D1 + D2) + D2 + 1) / 3, within(EPS));
    // top 2 lists: {a, b}, {b, c}, {y, d}: 5 distinct items ("z" is beyond k) over a catalog of 10
    assertThat(m.coverage()).isCloseTo(0.5, within(EPS));
    assertThat(m.coldUsers()).isEqualTo(2);
    assertThat(m.coldHr()).isCloseTo(0.5, within(EPS));
    assertThat(m.coldRecall()).isCloseTo(0.5, within(EPS));
    assertThat(m.warmUsers()).isEqualTo(2);
    assertThat(m.warmHr()).isCloseTo(1.0, within(EPS));
    assertThat(m.warmRecall()).isCloseTo(1.0, within(EPS));
    assertThat(m.seconds()).isEqualTo(1.5);
  }

  @Test
  void emptyAccumulatorIsAllZero() {
    MethodMetrics m = new MetricsAccumulator("m", 10, 5).result();
    assertThat(m.users()).isZero();
    assertThat(m.hr()).isZero();
    assertThat(m.coverage()).isZero();
    assertThat(m.coldHr()).isZero();
  }
}
