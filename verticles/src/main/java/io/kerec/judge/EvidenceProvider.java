package io.kerec.judge;

import io.kerec.config.EvidenceOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides directed complementarity from entity-level co-purchase in the bills ({@link EvidenceStats}) <em>and</em>
 * the catalogue's language ({@link SubstituteDetector}, the entity names' words): a pair is complementary only
 * when the bills show a directed association that survives its confidence bound and the names say the two things
 * are related but not the same. Decision rule {@value #PROMPT_VERSION}.
 *
 * <p>For a pair A → B with N baskets, n_A baskets holding A, n_B holding B and n_AB holding both:
 * <ol>
 *   <li>n_AB &lt; {@code minSupport}: abstain (no verdict);</li>
 *   <li>substitute (not complementary) when the names are near-synonyms, similarity(A, B) ≥
 *       {@code substituteSimilarity}, or name the same kind of thing: the same last word ("lunch bag" / "jumbo
 *       bag", "t-light holder" / "candle holder"), or are both motifs of the entity dictionary (a "heart" and a
 *       "bird" are both decorations in a shape);</li>
 *   <li>the bills: the Wilson lower bound {@code lb} of P(B|A) = n_AB / n_A at quantile {@code z} must reach
 *       {@code minConditional}, and the bounded lift lb / P(B), with P(B) = n_B / N the base rate, must reach
 *       {@code minLift}. Directional: A → B may pass where B → A does not. A small co-count gives a wide interval,
 *       so rare pairs need a far higher point lift;</li>
 *   <li>the language: similarity in the "related" band, ≥ {@code relatedSimilarity}, or a use word the two names
 *       share ("cake stand" / "cake case", "teapot" / "tea cosy"). Wholesale bills put unrelated things together
 *       (doormat, hot water bottle); the names keep them apart;</li>
 *   <li>complementary iff 3 and 4 hold; every verdict says which check decided it and with what figures.</li>
 * </ol>
 *
 * <p>Confidence (always in [0, 1], the confidence in the verdict given): complementary {@code 1 − e^−(L_lb − 1)}
 * with L_lb the bounded lift (0.39 at 1.5, 0.63 at 2, 0.95 at 4); substitute: the similarity (1 for the same last
 * word); failed bills: how far the bounded figures are below the bar; unrelated names: 1 − similarity / band.
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
  public static final String MODEL = "wilson-minilm-v2";
  /** Decision-rule version recorded with verdicts. */
  public static final String PROMPT_VERSION = "evidence-v2";
  /** Largest batch: the provider is synchronous, a bound keeps one call from hogging its thread. */
  public static final int MAX_BATCH = 500;

  private final EvidenceStats stats;
  private final SubstituteDetector detector;
  private final EvidenceOptions options;
  private final Set<String> motifs;

  /**
   * @param stats co-purchase counters (read on every call, never written)
   * @param detector name similarity, used to reject substitutes
   * @param options thresholds
   */
  public EvidenceProvider(EvidenceStats stats, SubstituteDetector detector, EvidenceOptions options) {
    this(stats, detector, options, Set.of());
  }

  /**
   * @param stats co-purchase counters (read on every call, never written)
   * @param detector name similarity, used to reject substitutes
   * @param options thresholds
   * @param motifs the entity dictionary's motif words ({@code heart}, {@code bird}): an entity named by one is a
   *     decoration in that shape, so two of them are the same kind of thing
   */
  public EvidenceProvider(EvidenceStats stats, SubstituteDetector detector, EvidenceOptions options,
                          Set<String> motifs) {
    this.stats = Objects.requireNonNull(stats, "stats");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.options = Objects.requireNonNull(options, "options");
    this.motifs = Set.copyOf(motifs);
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
    String together = String.format(Locale.ROOT, "bought together in %d of %d baskets with %s",
        f.both(), f.sourceBaskets(), pair.source());
    double sim = detector.similarity(pair.source(), pair.target());
    if (sim >= options.substituteSimilarity()) {
      return Optional.of(verdict(pair, false, clamp(sim), String.format(Locale.ROOT,
          "substitute: names too similar (sim %.2f >= %.2f) although %s", sim, options.substituteSimilarity(),
          together)));
    }
    if (motifs.contains(pair.source()) && motifs.contains(pair.target())) {
      return Optional.of(verdict(pair, false, 1.0, String.format(Locale.ROOT,
          "substitute: both are decorations shaped as a motif of the entity dictionary, although %s", together)));
    }
    String head = lastWord(pair.source());
    if (head.equals(lastWord(pair.target()))) {
      return Optional.of(verdict(pair, false, 1.0, String.format(Locale.ROOT,
          "substitute: both are a kind of '%s' (sim %.2f) although %s", head, sim, together)));
    }
    boolean liftOk = f.boundedLift() >= options.minLift();
    boolean conditionalOk = f.lowerBound() >= options.minConditional();
    String bills = String.format(Locale.ROOT, "%s: P(B|A) %.3f, >= %.3f at 95%%, lift %.2f, >= %.2f over the"
        + " base rate %.3f", together, f.conditional(), f.lowerBound(), f.lift(), f.boundedLift(), f.baseRate());
    if (!liftOk || !conditionalOk) {
      double liftGap = liftOk ? 0.0 : clamp((options.minLift() - f.boundedLift()) / (options.minLift() - 1.0));
      double conditionalGap = conditionalOk || options.minConditional() == 0
          ? 0.0
          : clamp((options.minConditional() - f.lowerBound()) / options.minConditional());
      return Optional.of(verdict(pair, false, clamp(Math.max(liftGap, conditionalGap)),
          "weak association: " + bills + (liftOk ? "" : String.format(Locale.ROOT, " (bound < %.2f)",
              options.minLift())) + (conditionalOk ? "" : String.format(Locale.ROOT, " (P bound < %.3f)",
              options.minConditional()))));
    }
    Optional<String> shared = sharedWord(pair.source(), pair.target());
    boolean related = sim >= options.relatedSimilarity() || shared.isPresent();
    if (!related) {
      return Optional.of(verdict(pair, false, clamp(1.0 - Math.max(0.0, sim) / options.relatedSimilarity()),
          String.format(Locale.ROOT, "unrelated names: sim %.2f < %.2f and no shared use word, although %s",
              sim, options.relatedSimilarity(), bills)));
    }
    double confidence = 1.0 - Math.exp(-(f.boundedLift() - 1.0));
    String language = shared.map(w -> String.format(Locale.ROOT, "names share '%s' (sim %.2f)", w, sim))
        .orElse(String.format(Locale.ROOT, "names related, not the same (sim %.2f)", sim));
    return Optional.of(verdict(pair, true, clamp(confidence), bills + "; " + language));
  }

  /** The last word of an entity name: what kind of thing it is ("t-light holder" → "holder"). */
  public static String lastWord(String name) {
    int space = name.lastIndexOf(' ');
    return space < 0 ? name : name.substring(space + 1);
  }

  /**
   * A use word two names share: a word of at least three letters in both, or one the start of the other ("tea" /
   * "teapot"), other than their last words (which would make them the same kind).
   */
  static Optional<String> sharedWord(String a, String b) {
    String[] wa = a.split(" ");
    String[] wb = b.split(" ");
    for (String x : wa) {
      for (String y : wb) {
        if (x.length() < 3 || y.length() < 3) {
          continue;
        }
        if (x.equals(y) || (x.length() >= 3 && y.startsWith(x)) || (y.length() >= 3 && x.startsWith(y))) {
          return Optional.of(x.length() <= y.length() ? x : y);
        }
      }
    }
    return Optional.empty();
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
    double lower = wilsonLower(nAB, nA, options.z());
    double bounded = pB == 0 ? 0.0 : lower / pB;
    return new Figures(n, nA, nB, nAB, conditional, lift, lower, bounded, pB);
  }

  /**
   * The Wilson score interval's lower bound of a proportion.
   *
   * @param successes k
   * @param trials n (0 gives 0)
   * @param z normal quantile
   * @return the lower bound in [0, 1]
   */
  public static double wilsonLower(long successes, long trials, double z) {
    if (trials <= 0) {
      return 0.0;
    }
    double p = (double) successes / trials;
    double z2 = z * z;
    double centre = p + z2 / (2.0 * trials);
    double spread = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials));
    return clamp((centre - spread) / (1.0 + z2 / trials));
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
   * @param lowerBound the Wilson lower bound of P(B|A) at the configured z
   * @param boundedLift lowerBound / P(B) (0 when undefined)
   * @param baseRate P(B) = n_B / N
   */
  public record Figures(long baskets, long sourceBaskets, long targetBaskets, long both, double conditional,
                        double lift, double lowerBound, double boundedLift, double baseRate) {
  }
}
