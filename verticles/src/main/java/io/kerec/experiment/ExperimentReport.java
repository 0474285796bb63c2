package io.kerec.experiment;

import io.kerec.bus.ExperimentCounts;
import io.kerec.config.ExperimentOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * An experiment's report: per arm the stored counts, the conversion (buyers per exposed user), purchases per
 * exposed user and per exposure, and the click rate, each with a 95 % interval; for every arm after the first, the
 * difference to the first (the control) with its 95 % interval and a two-sided p-value. Proportions (conversion,
 * click rate) use Wilson score intervals and the pooled two-proportion z-test; rates (purchases per user or per
 * exposure, which can exceed 1) use the normal approximation to Poisson counts. Built as plain maps, for JSON.
 */
public final class ExperimentReport {
  /** What the intervals and p-values are, as the report states it. */
  public static final String METHOD = "95% intervals: Wilson score for proportions (conversion, clickRate), normal "
      + "approximation to Poisson counts for rates (purchasesPerUser, purchasesPerExposure); differences to the "
      + "first arm: pooled two-proportion z-test for proportions and a z-test of two Poisson rates, two-sided";
  private static final NormalDistribution NORMAL = new NormalDistribution();
  private static final double Z = NORMAL.inverseCumulativeProbability(0.975);

  private ExperimentReport() {
  }

  /** The report of {@code experiment} from its stored counts; an arm without events counts zero everywhere. */
  public static Map<String, Object> of(ExperimentOptions experiment, ExperimentCounts counts) {
    double total = experiment.arms().stream().mapToDouble(ExperimentOptions.Arm::weight).sum();
    List<Map<String, Object>> arms = new ArrayList<>();
    ExperimentCounts.Arm control = null;
    for (ExperimentOptions.Arm arm : experiment.arms()) {
      ExperimentCounts.Arm c = counts.arms().stream().filter(a -> a.arm().equals(arm.name())).findFirst()
          .orElse(new ExperimentCounts.Arm(arm.name(), 0, 0, 0, 0, 0));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", arm.name());
      out.put("weight", arm.weight());
      out.put("share", arm.weight() / total);
      out.put("overrides", arm.overrides());
      out.put("users", c.users());
      out.put("exposures", c.exposures());
      out.put("clicks", c.clicks());
      out.put("purchases", c.purchases());
      out.put("buyers", c.buyers());
      out.put("conversion", proportion(c.buyers(), c.users()));
      out.put("purchasesPerUser", rate(c.purchases(), c.users()));
      out.put("purchasesPerExposure", rate(c.purchases(), c.exposures()));
      out.put("clickRate", proportion(Math.min(c.clicks(), c.exposures()), c.exposures()));
      if (control == null) {
        control = c;
      } else {
        Map<String, Object> vs = new LinkedHashMap<>();
        vs.put("arm", control.arm());
        vs.put("conversion", proportionDifference(c.buyers(), c.users(), control.buyers(), control.users()));
        vs.put("purchasesPerExposure", rateDifference(c.purchases(), c.exposures(), control.purchases(),
            control.exposures()));
        out.put("vsControl", vs);
      }
      arms.add(out);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("name", experiment.name());
    report.put("control", experiment.arms().get(0).name());
    report.put("arms", arms);
    report.put("method", METHOD);
    return report;
  }

  /** {@code x / n} with its Wilson score interval; null when {@code n} is 0. */
  static Map<String, Object> proportion(long x, long n) {
    if (n == 0) {
      return null;
    }
    double p = x / (double) n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return estimate(p, Math.max(0, centre - half), Math.min(1, centre + half), null);
  }

  /** {@code x / n} as a rate of Poisson counts with its normal interval; null when {@code n} is 0. */
  static Map<String, Object> rate(long x, long n) {
    if (n == 0) {
      return null;
    }
    double r = x / (double) n;
    double half = Z * Math.sqrt(x) / n;
    return estimate(r, Math.max(0, r - half), r + half, null);
  }

  /** {@code x1/n1 - x0/n0}: Wald interval, pooled two-proportion z-test; null when either side has no users. */
  static Map<String, Object> proportionDifference(long x1, long n1, long x0, long n0) {
    if (n1 == 0 || n0 == 0) {
      return null;
    }
    double p1 = x1 / (double) n1;
    double p0 = x0 / (double) n0;
    double d = p1 - p0;
    double half = Z * Math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0);
    double pooled = (x1 + x0) / (double) (n1 + n0);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n0));
    return estimate(d, d - half, d + half, se == 0 ? 1.0 : twoSided(d / se));
  }

  /** {@code x1/n1 - x0/n0} for Poisson counts: normal interval and z-test; null when either side is empty. */
  static Map<String, Object> rateDifference(long x1, long n1, long x0, long n0) {
    if (n1 == 0 || n0 == 0) {
      return null;
    }
    double r1 = x1 / (double) n1;
    double r0 = x0 / (double) n0;
    double d = r1 - r0;
    double se = Math.sqrt(x1 / ((double) n1 * n1) + x0 / ((double) n0 * n0));
    return estimate(d, d - Z * se, d + Z * se, se == 0 ? 1.0 : twoSided(d / se));
  }

  private static double twoSided(double z) {
    return 2 * NORMAL.cumulativeProbability(-Math.abs(z));
  }

  private static Map<String, Object> estimate(double value, double low, double high, Double pValue) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("value", value);
    out.put("low", low);
    out.put("high", high);
    if (pValue != null) {
      out.put("pValue", pValue);
    }
    return out;
  }
}
