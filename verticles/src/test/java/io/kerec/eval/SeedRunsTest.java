package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedRunsTest {
  @TempDir
  Path dir;

  private static MethodMetrics kerec(int k, double hr, double ndcg, double coldHr) {
    return new MethodMetrics(EngineEvaluation.KEREC, k, 100, hr, 0, ndcg, 0, 10, coldHr, 0, 90, 0, 0, 0);
  }

  @Test
  void spreadGivesMeanAndRangePerMetricAndK() {
    Map<String, Object> facts = SeedRuns.spread(List.of(42L, 1L, 2L), List.of(
        List.of(kerec(10, 0.3658, 0.0772, 0.05), kerec(20, 0.5, 0.08, 0.1)),
        List.of(kerec(10, 0.3228, 0.0705, 0.02), kerec(20, 0.4, 0.07, 0.1)),
        List.of(kerec(10, 0.3466, 0.0746, 0.02), kerec(20, 0.45, 0.09, 0.1))));
    assertThat(facts).containsExactly(
        Map.entry("kerec_over_seeds_hr@10", "mean 0.3451, 0.3228 to 0.3658 (seeds 42, 1, 2)"),
        Map.entry("kerec_over_seeds_ndcg@10", "mean 0.0741, 0.0705 to 0.0772 (seeds 42, 1, 2)"),
        Map.entry("kerec_over_seeds_cold_hr@10", "mean 0.0300, 0.0200 to 0.0500 (seeds 42, 1, 2)"),
        Map.entry("kerec_over_seeds_hr@20", "mean 0.4500, 0.4000 to 0.5000 (seeds 42, 1, 2)"),
        Map.entry("kerec_over_seeds_ndcg@20", "mean 0.0800, 0.0700 to 0.0900 (seeds 42, 1, 2)"),
        Map.entry("kerec_over_seeds_cold_hr@20", "mean 0.1000, 0.1000 to 0.1000 (seeds 42, 1, 2)"));
  }

  @Test
  void seedsMustBeGivenAndDistinct() {
    assertThatThrownBy(() -> SeedRuns.evaluate(s -> null, List.of(), false, null, List.of(), List.of(), List.of(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
    assertThatThrownBy(() -> SeedRuns.evaluate(s -> null, List.of(1L, 1L), false, null, List.of(), List.of(),
        List.of(10))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 1]");
  }

  @Test
  void theEvaluationConfigurationTakesTheSeedOrKeepsTheFilesOne() {
    assertThat(EngineUnderTest.config(null, dir, 7L).rank().seed()).isEqualTo(7L);
    assertThat(EngineUnderTest.config(null, dir, null).rank().seed())
        .isEqualTo(EngineUnderTest.config(null, dir).rank().seed());
  }
}
