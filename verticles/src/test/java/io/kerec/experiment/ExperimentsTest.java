package io.kerec.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.ExperimentOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentsTest {
  private static final int USERS = 100_000;

  private static ExperimentOptions experiment(String name, String salt, double... weights) {
    ExperimentOptions.Arm[] arms = new ExperimentOptions.Arm[weights.length];
    for (int i = 0; i < weights.length; i++) {
      arms[i] = new ExperimentOptions.Arm("arm" + i, weights[i], null);
    }
    return new ExperimentOptions(name, salt, List.of(arms));
  }

  @Test
  void armsTakeTheirWeightsShareOf100000Users() {
    ExperimentOptions even = experiment("even", "s1", 1, 1);
    ExperimentOptions skewed = experiment("skewed", "s2", 1, 3, 6);
    Map<String, Integer> evenCounts = new HashMap<>();
    Map<String, Integer> skewedCounts = new HashMap<>();
    for (int u = 0; u < USERS; u++) {
      String user = Integer.toString(12_000 + u);
      evenCounts.merge(Experiments.arm(even, user).name(), 1, Integer::sum);
      skewedCounts.merge(Experiments.arm(skewed, user).name(), 1, Integer::sum);
    }
    assertShare(evenCounts.get("arm0"), 0.5);
    assertShare(evenCounts.get("arm1"), 0.5);
    assertShare(skewedCounts.get("arm0"), 0.1);
    assertShare(skewedCounts.get("arm1"), 0.3);
    assertShare(skewedCounts.get("arm2"), 0.6);
  }

  /** Within 4 standard deviations of a binomial(100,000, p): fails by chance about once in 16,000 runs. */
  private static void assertShare(int count, double p) {
    double sd = Math.sqrt(USERS * p * (1 - p));
    assertThat((double) count).as("users in an arm of share " + p).isBetween(USERS * p - 4 * sd, USERS * p + 4 * sd);
  }

  @Test
  void aUserKeepsTheirArmAcrossInstancesAndReleases() {
    ExperimentOptions e = experiment("graph-vs-base", "2026-12", 1, 1);
    Experiments one = new Experiments(List.of(e));
    Experiments another = new Experiments(List.of(e));
    for (int u = 0; u < 1_000; u++) {
      assertThat(one.armNames("u" + u)).isEqualTo(another.armNames("u" + u));
    }
    // pinned, as computed by an independent implementation of the documented hash (Python's hashlib): a change
    // of the hash would move users between the arms of a running experiment
    assertThat(Experiments.unit("2026-12", "graph-vs-base", "14286.0")).isEqualTo(0.7788999324337177);
    assertThat(Experiments.unit("2026-12", "graph-vs-base", "alice")).isEqualTo(0.098051636606582);
    assertThat(Experiments.arm(e, "alice").name()).isEqualTo("arm0");
    assertThat(Experiments.arm(e, "14286.0").name()).isEqualTo("arm1");
  }

  @Test
  void experimentsWithDifferentSaltsSplitIndependently() {
    ExperimentOptions a = experiment("a", "salt-a", 1, 1);
    ExperimentOptions b = experiment("b", "salt-b", 1, 1);
    int[][] cells = new int[2][2];
    for (int u = 0; u < USERS; u++) {
      String user = "user-" + u;
      cells[Experiments.arm(a, user).name().equals("arm0") ? 0 : 1][Experiments.arm(b, user).name().equals("arm0")
          ? 0 : 1]++;
    }
    // each of the four combinations holds a quarter of the users (chi-square with 1 degree of freedom < 15.1,
    // p = 0.0001)
    double chi = 0;
    int[] rows = {cells[0][0] + cells[0][1], cells[1][0] + cells[1][1]};
    int[] cols = {cells[0][0] + cells[1][0], cells[0][1] + cells[1][1]};
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double expected = rows[i] * (double) cols[j] / USERS;
        chi += Math.pow(cells[i][j] - expected, 2) / expected;
      }
    }
    assertThat(chi).isLessThan(15.1);
    // the same salt and name in two experiments would not be independent: the check can fail
    ExperimentOptions twin = experiment("a", "salt-a", 1, 1);
    for (int u = 0; u < 100; u++) {
      assertThat(Experiments.arm(twin, "user-" + u)).isEqualTo(Experiments.arm(a, "user-" + u));
    }
  }

  @Test
  void overridesComeFromTheFirstExperimentThatSetsThem() {
    ExperimentOptions first = new ExperimentOptions("first", "s", List.of(
        new ExperimentOptions.Arm("only", 1, new ExperimentOptions.Overrides("base", null, null)),
        new ExperimentOptions.Arm("never", 0.000_000_001, null)));
    ExperimentOptions second = new ExperimentOptions("second", "t", List.of(
        new ExperimentOptions.Arm("only", 1, new ExperimentOptions.Overrides("model", 2, 50, null, 3)),
        new ExperimentOptions.Arm("never", 0.000_000_001, null)));
    ExperimentOptions.Overrides o = new Experiments(List.of(first, second)).overrides("someone");
    assertThat(o).isEqualTo(new ExperimentOptions.Overrides("base", 2, 50, null, 3));
    assertThat(Experiments.NONE.overrides("someone")).isEqualTo(ExperimentOptions.Overrides.NONE);
    assertThat(Experiments.NONE.armNames("someone")).isEmpty();
  }
}
