package io.kerec.judge;

import java.util.Objects;

/**
 * The decision of one {@link VerdictProvider} about one directed {@link EntityPair}.
 *
 * @param source entity the shopper bought
 * @param target entity that may be recommended
 * @param complementary true when {@code target} is a complement of {@code source} (not a substitute, not the same)
 * @param confidence confidence in <em>this</em> verdict, in [0, 1] (for a negative verdict: confidence that it is
 *     not complementary)
 * @param reason short human-readable justification (figures for evidence, the model's words for an LLM)
 * @param provider {@link VerdictProvider#name()} of the provider that decided
 * @param model {@link VerdictProvider#model()} at the time of the decision
 * @param promptVersion {@link VerdictProvider#promptVersion()} at the time of the decision
 * @param tokens LLM tokens attributed to this verdict (0 for providers that use no LLM)
 */
public record Verdict(
    String source,
    String target,
    boolean complementary,
    double confidence,
    String reason,
    String provider,
    String model,
    String promptVersion,
    int tokens) {

  /** Validates the fields: names present, confidence a number in [0, 1], tokens not negative. */
  public Verdict {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(promptVersion, "promptVersion");
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence must be in [0, 1]: " + confidence);
    }
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0: " + tokens);
    }
  }

  /** @return the directed pair this verdict is about */
  public EntityPair pair() {
    return new EntityPair(source, target);
  }
}
