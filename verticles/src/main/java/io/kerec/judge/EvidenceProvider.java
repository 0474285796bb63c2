package io.kerec.judge;

import io.kerec.config.EvidenceOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides directed complementarity from entity-level co-purchase in the bills ({@link EvidenceStats}), using name
 * similarity ({@link SubstituteDetector}) to tell substitutes from complements.
 *
 * <p>For a pair A → B with N baskets, n_A baskets holding A, n_B holding B and n_AB holding both:
 * <ul>
 *   <li>n_AB &lt; {@code minSupport}: abstain (no verdict);</li>
 *   <li>P(B|A) = n_AB / n_A; lift = P(B|A) / P(B) with P(B) = n_B / N;
 *       shrunk lift L' = 1 + (lift − 1) · n_AB / (n_AB + shrinkage);</li>
 *   <li>complementary iff A ≠ B, L' ≥ {@code minLift}, P(B|A) ≥ {@code minConditional} and
 *       similarity(A, B) &lt; {@code substituteSimilarity}. Similarity is only computed for pairs that pass the
 *       co-purchase checks (it may cost an embedding).</li>
 * </ul>
 *
 * <p>Confidence (always in [0, 1], the confidence in the verdict given), with support weight
 * w = n_AB / (n_AB + shrinkage) (1 when shrinkage is 0):
 * <ul>
 *   <li>complementary: {@code (1 − e^−(L' − 1)) · w} — grows with shrunk lift (0.39 at L' = 1.5, 0.63 at 2, 0.95 at
 *       4) and with support (w = 0.2 at n_AB = 5, 0.5 at 20, 0.83 at 100 with the default shrinkage 20);</li>
 *   <li>substitute: the similarity itself (name evidence does not depend on the bills);</li>
 *   <li>weak association: {@code w · max(liftGap, conditionalGap)} where liftGap = clamp((minLift − L') /
 *       (minLift − 1)) and conditionalGap = clamp((minConditional − P(B|A)) / minConditional): how far below the
 *       bar, weighted by support;</li>
 *   <li>A → A: 1.</li>
 * </ul>
 *
 * <p><b>Threading.</b> {@link #judge(List)} runs synchronously on the calling thread and reads the
 * {@link EvidenceStats}, which is not thread-safe: call it from the context that owns the stats. The detector may
 * block (an uncached MiniLM embedding costs 1–6 ms): on an event loop, warm the detector first or keep batches
 * small.
 */
public final class EvidenceProvider implements VerdictProvider {
  /** Provider name recorded with verdicts. */
  public static final String NAME = "evidence";
  /** Model name recorded with verdicts. */
  public static final String MODEL = "lift-v1";
  /** Decision-rule version recorded with verdicts. */
  public static final String PROMPT_VERSION = "evidence-v1";
  /** Largest batch: the provider is synchronous, a bound keeps one call from hogging its thread. */
  public static final int MAX_BATCH = 500;

  private final EvidenceStats stats;
  private final SubstituteDetector detector;
  private final EvidenceOptions options;

  /**
   * @param stats co-purchase counters (read on every call, never written)
   * @param detector name similarity, used to reject substitutes
   * @param options thresholds
   */
  public EvidenceProvider(EvidenceStats stats, SubstituteDetector detector, EvidenceOptions options) {
    this.stats = Objects.requireNonNull(stats, "stats");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public String promptVersion() {
    return PROMPT_VERSION;
  }

  @Override
  public int maxBatch() {
    return MAX_BATCH;
  }

  /** @return the thresholds in use */
  public EvidenceOptions options() {
    return options;
  }

  /**
   * Judges the pairs synchronously and returns an already completed future.
   *
   * @see #judgeNow(List)
   */
  @Override
  public Future<List<Verdict>> judge(List<EntityPair> pairs) {
    try {
      return Future.succeededFuture(judgeNow(pairs));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Synchronous form of {@link #judge(List)}.
   *
   * @param pairs at most {@link #MAX_BATCH} pairs
   * @return verdicts for the pairs with enough support, in input order
   * @throws IllegalArgumentException when there are more than {@link #MAX_BATCH} pairs
   */
  public List<Verdict> judgeNow(List<EntityPair> pairs) {
    Objects.requireNonNull(pairs, "pairs");
    if (pairs.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " pairs per call, got " + pairs.size());
    }
    List<Verdict> verdicts = new ArrayList<>(pairs.size());
    for (EntityPair pair : pairs) {
      judgeOne(pair).ifPresent(verdicts::add);
    }
    return verdicts;
  }

  /**
   * Judges one pair.
   *
   * @param pair the directed pair
   * @return the verdict, or empty when the provider abstains (support below {@code minSupport})
   */
  public Optional<Verdict> judgeOne(EntityPair pair) {
    Objects.requireNonNull(pair, "pair");
    if (pair.isLoop()) {
      return Optional.of(verdict(pair, false, 1.0, "same entity"));
    }
    Figures f = figures(pair);
    if (f.both() < options.minSupport()) {
      return Optional.empty();
    }
    double weight = options.shrinkage() == 0 ? 1.0 : f.both() / (f.both() + options.shrinkage());
    String together = String.format(Locale.ROOT, "bought together in %d of %d baskets with %s",
        f.both(), f.sourceBaskets(), pair.source());
    boolean liftOk = f.shrunkLift() >= options.minLift();
    boolean conditionalOk = f.conditional() >= options.minConditional();
    if (liftOk && conditionalOk) {
      double sim = detector.similarity(pair.source(), pair.target());
      if (sim >= options.substituteSimilarity()) {
        String reason = String.format(Locale.ROOT, "substitute: names too similar (sim %.2f >= %.2f) although %s"
            + " (lift %.1f)", sim, options.substituteSimilarity(), together, f.lift());
        return Optional.of(verdict(pair, false, clamp(sim), reason));
      }
      double confidence = (1.0 - Math.exp(-(f.shrunkLift() - 1.0))) * weight;
      String reason = String.format(Locale.ROOT, "%s (P %.2f, lift %.1f, shrunk %.1f); names not synonyms (sim %.2f)",
          together, f.conditional(), f.lift(), f.shrunkLift(), sim);
      return Optional.of(verdict(pair, true, clamp(confidence), reason));
    }
    double liftGap = liftOk ? 0.0 : clamp((options.minLift() - f.shrunkLift()) / (options.minLift() - 1.0));
    double conditionalGap = conditionalOk || options.minConditional() == 0
        ? 0.0
        : clamp((options.minConditional() - f.conditional()) / options.minConditional());
    double confidence = weight * Math.max(liftGap, conditionalGap);
    StringBuilder reason = new StringBuilder("weak association: ").append(together).append(" (");
    reason.append(String.format(Locale.ROOT, "P %.3f%s, lift %.2f, shrunk %.2f%s)",
        f.conditional(), conditionalOk ? "" : String.format(Locale.ROOT, " < %.3f", options.minConditional()),
        f.lift(), f.shrunkLift(), liftOk ? "" : String.format(Locale.ROOT, " < %.2f", options.minLift())));
    return Optional.of(verdict(pair, false, clamp(confidence), reason.toString()));
  }

  /**
   * The co-purchase figures of a directed pair, whatever the thresholds.
   *
   * @param pair the directed pair
   * @return counts, conditional probability and lifts (0 where undefined)
   */
  public Figures figures(EntityPair pair) {
    long n = stats.baskets();
    long nA = stats.basketsWith(pair.source());
    long nB = stats.basketsWith(pair.target());
    long nAB = stats.basketsWithBoth(pair.source(), pair.target());
    double conditional = nA == 0 ? 0.0 : (double) nAB / nA;
    double pB = n == 0 ? 0.0 : (double) nB / n;
    double lift = pB == 0 ? 0.0 : conditional / pB;
    double shrunk = nAB == 0 ? 1.0 : 1.0 + (lift - 1.0) * nAB / (nAB + options.shrinkage());
    return new Figures(n, nA, nB, nAB, conditional, lift, shrunk);
  }

  private Verdict verdict(EntityPair pair, boolean complementary, double confidence, String reason) {
    return new Verdict(pair.source(), pair.target(), complementary, confidence, reason, NAME, MODEL,
        PROMPT_VERSION, 0);
  }

  private static double clamp(double x) {
    if (Double.isNaN(x)) {
      return 0.0;
    }
    return Math.max(0.0, Math.min(1.0, x));
  }

  /**
   * Co-purchase figures of a directed pair A → B.
   *
   * @param baskets N, all baskets
   * @param sourceBaskets n_A
   * @param targetBaskets n_B
   * @param both n_AB
   * @param conditional P(B|A) = n_AB / n_A (0 when n_A = 0)
   * @param lift P(B|A) / P(B) (0 when undefined)
   * @param shrunkLift 1 + (lift − 1) · n_AB / (n_AB + shrinkage) (1 when n_AB = 0)
   */
  public record Figures(long baskets, long sourceBaskets, long targetBaskets, long both, double conditional,
                        double lift, double shrunkLift) {
  }
}
