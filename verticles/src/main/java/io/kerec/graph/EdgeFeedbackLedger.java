package io.kerec.graph;

import io.kerec.bus.Attribution;
import io.kerec.bus.EventType;
import io.kerec.bus.FeedbackFact;
import io.kerec.config.FeedbackOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Exposures and clicks per complementary edge, and the weight they give it ({@link FeedbackOptions}): the judge's
 * confidence times the edge's smoothed click rate over the overall click rate. Counts come from the durable events
 * (recounted at start) and then from each batch of new ones; {@link #drainDirty()} names the edges whose weight
 * may have moved. Not thread-safe: use it from the graph verticle's context.
 */
public final class EdgeFeedbackLedger {
  private static final double PRIOR_EXPOSURES = 100;

  private final FeedbackOptions options;
  private final Map<Key, long[]> counts = new HashMap<>();
  private final Set<Key> dirty = new HashSet<>();
  private long exposures;
  private long clicks;

  /** A directed edge. */
  public record Key(String from, String to) {
  }

  /** @param options prior and bounds */
  public EdgeFeedbackLedger(FeedbackOptions options) {
    this.options = options;
  }

  /**
   * Adds counts (e.g. recounted from the events at start).
   *
   * @param from source entity
   * @param to target entity
   * @param exposures shown through the edge
   * @param clicks clicked or bought through the edge
   */
  public void add(String from, String to, long exposures, long clicks) {
    long[] c = counts.computeIfAbsent(new Key(from, to), k -> new long[2]);
    c[0] += exposures;
    c[1] += clicks;
    this.exposures += exposures;
    this.clicks += clicks;
    dirty.add(new Key(from, to));
  }

  /**
   * Counts one durable feedback event, if it is attributed to an edge.
   *
   * @param fact the event
   * @return true when it was counted
   */
  public boolean add(FeedbackFact fact) {
    Attribution because = fact.because();
    if (because == null || because.triggerEntity().equals(because.entity())) {
      return false;
    }
    boolean exposure = fact.type() == EventType.EXPOSURE;
    add(because.triggerEntity(), because.entity(), exposure ? 1 : 0, exposure ? 0 : 1);
    return true;
  }

  /** @return the overall click rate, smoothed towards {@link FeedbackOptions#priorCtr()} */
  public double overallCtr() {
    return (clicks + options.priorCtr() * PRIOR_EXPOSURES) / (Math.max(exposures, clicks) + PRIOR_EXPOSURES);
  }

  /**
   * The weight of an edge given its verdict confidence.
   *
   * @param from source entity
   * @param to target entity
   * @param confidence the judge's confidence
   * @return the confidence when the edge has no feedback, else the confidence times its bounded lift
   */
  public double weight(String from, String to, double confidence) {
    long[] c = counts.get(new Key(from, to));
    if (c == null) {
      return confidence;
    }
    double p0 = overallCtr();
    double shown = Math.max(c[0], c[1]);
    double ctr = (c[1] + options.priorStrength() * p0) / (shown + options.priorStrength());
    double lift = Math.max(1 / options.maxLift(), Math.min(options.maxLift(), ctr / p0));
    return confidence * lift;
  }

  /** @return exposures and clicks of an edge, {0, 0} when none */
  public long[] counts(String from, String to) {
    long[] c = counts.get(new Key(from, to));
    return c == null ? new long[2] : c.clone();
  }

  /**
   * The edges counted since the last call. Since the overall rate moved too, every edge with feedback is returned
   * when any counted.
   *
   * @return the edges whose weight may have changed
   */
  public Set<Key> drainDirty() {
    if (dirty.isEmpty()) {
      return Set.of();
    }
    dirty.clear();
    return Set.copyOf(counts.keySet());
  }

  /** @return edges with feedback */
  public int edges() {
    return counts.size();
  }

  /** @return exposures and clicks counted in all */
  public long[] totals() {
    return new long[] {exposures, clicks};
  }
}
