package io.kerec.config;

/**
 * Thresholds of {@code judge.EvidenceProvider}. Jackson binds the record from JSON by component name.
 *
 * @param minSupport baskets that must contain both entities before the provider decides at all (below: abstain);
 *     at least 1
 * @param minLift the shrunk lift must reach this to be complementary; above 1 (1 means "independent")
 * @param minConditional P(target | source) must reach this to be complementary, in [0, 1]: a huge lift on a
 *     target almost nobody buys after the source is no recommendation
 * @param substituteSimilarity name similarity from which the pair counts as substitutes (never complementary)
 * @param shrinkage pseudo-count pulling lift towards 1 for small co-counts: shrunk lift =
 *     {@code 1 + (lift - 1) * n_AB / (n_AB + shrinkage)}; at least 0
 */
public record EvidenceOptions(
    int minSupport,
    double minLift,
    double minConditional,
    double substituteSimilarity,
    double shrinkage) {

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
  }

  /**
   * Defaults, chosen for the UCI Online Retail bills (~18k baskets, 20–60 distinct entities each):
   * <ul>
   *   <li>{@code minSupport 5}: fewer than 5 common baskets out of ~18k is noise; such pairs go to the LLM.</li>
   *   <li>{@code minLift 1.5}: with shrinkage 20, a pair seen in 20 baskets needs a raw lift of 2, one seen in 5
   *       baskets a raw lift of 3.5, before it is called complementary.</li>
   *   <li>{@code minConditional 0.03}: at least 3 % of the source's baskets also hold the target.</li>
   *   <li>{@code substituteSimilarity 0.78}: measured with all-MiniLM-L6-v2 (quantized): name variants score
   *       0.80–0.90 (tent / camping tent 0.90, alarm clock / alarm clock bakelike 0.80) while complements stay
   *       below 0.77 (teacup / tea 0.76, t-light holder / t-light 0.66, cake stand / cake case 0.66, teacup /
   *       saucer 0.36, t-light holder / candle 0.23). Embeddings cannot separate everything: mug / cup (0.68),
   *       bag / jumbo bag (0.67) and lunch box / lunch bag (0.71) are substitutes that pass.</li>
   *   <li>{@code shrinkage 20}: a co-count of 20 keeps half of the excess lift.</li>
   * </ul>
   *
   * @return the default thresholds
   */
  public static EvidenceOptions defaults() {
    return new EvidenceOptions(5, 1.5, 0.03, 0.78, 20.0);
  }
}
