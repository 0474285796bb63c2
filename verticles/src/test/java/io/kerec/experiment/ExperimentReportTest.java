package io.kerec.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kerec.bus.ExperimentCounts;
import io.kerec.config.ExperimentOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report against figures computed by hand (Python's statistics.NormalDist, the formulas in the Javadoc). */
class ExperimentReportTest {
  private static final ExperimentOptions EXPERIMENT = new ExperimentOptions("graph", "s", List.of(
      new ExperimentOptions.Arm("control", 1, null), new ExperimentOptions.Arm("treatment", 1, null),
      new ExperimentOptions.Arm("idle", 2, null)));

  @Test
  @SuppressWarnings("unchecked")
  void countsIntervalsAndTheDifferenceToTheControl() {
    // control: 200 exposed users, 40 of them bought, 50 purchases over 600 exposures, 30 clicks;
    // treatment: 200 users, 60 buyers, 90 purchases over 600 exposures
    ExperimentCounts counts = new ExperimentCounts("graph", List.of(
        new ExperimentCounts.Arm("control", 200, 600, 30, 50, 40),
        new ExperimentCounts.Arm("treatment", 200, 600, 45, 90, 60)));
    Map<String, Object> report = ExperimentReport.of(EXPERIMENT, counts);
    assertThat(report.get("control")).isEqualTo("control");
    List<Map<String, Object>> arms = (List<Map<String, Object>>) report.get("arms");
    assertThat(arms).extracting(a -> a.get("name")).containsExactly("control", "treatment", "idle");

    Map<String, Object> control = arms.get(0);
    assertThat(control.get("share")).isEqualTo(0.25);
    assertThat(control).containsEntry("users", 200L).containsEntry("buyers", 40L).containsEntry("purchases", 50L);
    assertEstimate(control.get("conversion"), 0.2, 0.150452, 0.260855);
    assertEstimate(control.get("purchasesPerExposure"), 50 / 600.0, 0.060235, 0.106432);
    assertThat(control).doesNotContainKey("vsControl");

    Map<String, Object> treatment = arms.get(1);
    assertEstimate(treatment.get("conversion"), 0.3, 0.240747, 0.366791);
    Map<String, Object> vs = (Map<String, Object>) treatment.get("vsControl");
    Map<String, Object> conversion = (Map<String, Object>) vs.get("conversion");
    assertEstimate(conversion, 0.1, 0.015699, 0.184301);
    assertThat((double) conversion.get("pValue")).isCloseTo(0.020921, within(1e-5));
    Map<String, Object> perExposure = (Map<String, Object>) vs.get("purchasesPerExposure");
    assertEstimate(perExposure, 40 / 600.0, 0.028016, 0.105318);
    assertThat((double) perExposure.get("pValue")).isCloseTo(0.000723, within(1e-5));

    // an arm without events: zero counts, no rates, no comparison
    Map<String, Object> idle = arms.get(2);
    assertThat(idle).containsEntry("users", 0L).containsEntry("exposures", 0L);
    assertThat(idle.get("conversion")).isNull();
    assertThat(((Map<String, Object>) idle.get("vsControl")).get("conversion")).isNull();
  }

  @SuppressWarnings("unchecked")
  private static void assertEstimate(Object estimate, double value, double low, double high) {
    Map<String, Object> e = (Map<String, Object>) estimate;
    assertThat((double) e.get("value")).isCloseTo(value, within(1e-6));
    assertThat((double) e.get("low")).isCloseTo(low, within(1e-6));
    assertThat((double) e.get("high")).isCloseTo(high, within(1e-6));
  }
}
