package io.kerec.config;

/**
 * Thresholds of {@code judge.EvidenceProvider} (decision rule {@code evidence-v2}). Jackson binds the record from
 * JSON by component name.
 *
 * @param minSupport baskets that must contain both entities before the provider decides at all (below: abstain);
 *     at least 1
 * @param minLift the lower confidence bound of the directed lift P(B|A) / P(B) must reach this to be
 *     complementary; above 1 (1 means "independent")
 * @param minConditional the lower confidence bound of P(target | source) must reach this, in [0, 1]: a huge lift on
 *     a target almost nobody buys after the source is no recommendation
 * @param substituteSimilarity name similarity from which the pair counts as substitutes (never complementary)
 * @param shrinkage kept for configuration files of the first rule; no longer used by the decision; at least 0
 * @param relatedSimilarity the lower end of the "related but not the same" band: below it, and without a shared
 *     use word, the names say the two things have nothing to do with each other, whatever the bills say; in
 *     (-1, substituteSimilarity)
 * @param z the normal quantile of the Wilson lower bound on P(B|A) (1.96: 95 % two-sided); at least 0
 */
public record EvidenceOptions(
    int minSupport,
    double minLift,
    double minConditional,
    double substituteSimilarity,
    double shrinkage,
    double relatedSimilarity,
    double z) {

  /** Validates the ranges documented on the components. */
  public EvidenceOptions {
    if (minSupport < 1) {
      throw new ConfigException("judge.evidence.minSupport", "must be >= 1: " + minSupport);
    }
    if (!(minLift > 1.0) || Double.isInfinite(minLift)) {
      throw new ConfigException("judge.evidence.minLift", "must be > 1 and finite: " + minLift);
    }
    if (!(minConditional >= 0.0 && minConditional <= 1.0)) {
      throw new ConfigException("judge.evidence.minConditional", "must be in [0, 1]: " + minConditional);
    }
    if (!(substituteSimilarity > -1.0 && substituteSimilarity <= 1.0)) {
      throw new ConfigException("judge.evidence.substituteSimilarity", "must be in (-1, 1]: " + substituteSimilarity);
    }
    if (!(shrinkage >= 0.0) || Double.isInfinite(shrinkage)) {
      throw new ConfigException("judge.evidence.shrinkage", "must be >= 0 and finite: " + shrinkage);
    }
    if (!(relatedSimilarity > -1.0 && relatedSimilarity < substituteSimilarity)) {
      throw new ConfigException("judge.evidence.relatedSimilarity",
          "must be in (-1, substituteSimilarity): " + relatedSimilarity);
    }
    if (!(z >= 0.0 && z <= 10.0)) {
      throw new ConfigException("judge.evidence.z", "must be in [0, 10]: " + z);
    }
  }

  /**
   * The first rule's five thresholds with the defaults of the two added in {@code evidence-v2}.
   */
  public EvidenceOptions(int minSupport, double minLift, double minConditional, double substituteSimilarity,
                         double shrinkage) {
    this(minSupport, minLift, minConditional, substituteSimilarity, shrinkage, DEFAULT_RELATED_SIMILARITY,
        DEFAULT_Z);
  }

  /** Default lower end of the "related but not the same" band. */
  public static final double DEFAULT_RELATED_SIMILARITY = 0.30;
  /** Default normal quantile of the Wilson bound. */
  public static final double DEFAULT_Z = 1.96;

  /**
   * Defaults, chosen for the UCI Online Retail bills (~18k baskets, 20–60 distinct entities each) and the
   * all-MiniLM-L6-v2 model:
   * <ul>
   *   <li>{@code minSupport 5}: fewer than 5 common baskets out of ~18k is noise; such pairs go to the LLM.</li>
   *   <li>{@code minLift 1.5} on the 95 % lower bound of P(B|A), against the base rate P(B): a pair seen in few
   *       baskets needs a far higher point lift than one seen in hundreds, without an arbitrary shrinkage.</li>
   *   <li>{@code minConditional 0.03}: at least 3 % of the source's baskets (lower bound) also hold the target.</li>
   *   <li>{@code substituteSimilarity 0.78}: measured with all-MiniLM-L6-v2 (quantized): name variants score
   *       0.80–0.90 (tent / camping tent 0.90, alarm clock / alarm clock bakelike 0.80) while complements stay
   *       below 0.77 (teacup / tea 0.76, t-light holder / t-light 0.66, cake stand / cake case 0.66).</li>
   *   <li>{@code relatedSimilarity 0.30}: the same model scores complementary names about 0.35–0.75 (teacup /
   *       saucer 0.36) and unrelated ones 0.10–0.25 (doormat / hot water bottle), measured before this rule was
   *       written; a shared use word (cake stand / cake case) counts as related too.</li>
   *   <li>{@code z 1.96}: the 95 % Wilson bound.</li>
   * </ul>
   *
   * @return the default thresholds
   */
  public static EvidenceOptions defaults() {
    return new EvidenceOptions(5, 1.5, 0.03, 0.78, 20.0, DEFAULT_RELATED_SIMILARITY, DEFAULT_Z);
  }
}
