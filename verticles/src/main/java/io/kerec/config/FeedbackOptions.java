package io.kerec.config;

/**
 * How exposure and click feedback moves the weight of a complementary edge ({@code io.kerec.graph.EdgeFeedbackLedger}).
 * An edge's click rate is a Beta posterior whose prior has mean the overall click rate and strength
 * {@code priorStrength} exposures; its weight is the judge's confidence times (posterior rate ÷ overall rate),
 * bounded to [1/{@code maxLift}, {@code maxLift}] times the confidence. So a new edge starts exactly at its verdict
 * and moves towards what users do as exposures accumulate. {@code priorCtr} is the overall click rate assumed
 * before any feedback ({@code priorCtr} weighs as 100 exposures in that estimate). Changed weights reach recall
 * and the graph store every {@code flushMs}.
 */
public record FeedbackOptions(double priorStrength, double priorCtr, double maxLift, long flushMs) {
  static FeedbackOptions defaults() {
    return new FeedbackOptions(50, 0.05, 10, 1_000);
  }

  void validate() {
    if (!(priorStrength > 0) || Double.isInfinite(priorStrength)) {
      throw new ConfigException("feedback.priorStrength", "must be a positive number: " + priorStrength);
    }
    if (!(priorCtr > 0 && priorCtr < 1)) {
      throw new ConfigException("feedback.priorCtr", "must be between 0 and 1: " + priorCtr);
    }
    if (!(maxLift >= 1) || Double.isInfinite(maxLift)) {
      throw new ConfigException("feedback.maxLift", "must be at least 1: " + maxLift);
    }
    Require.range("feedback.flushMs", flushMs, 10, 3_600_000);
  }
}
