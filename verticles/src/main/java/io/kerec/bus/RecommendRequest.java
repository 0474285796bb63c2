package io.kerec.bus;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Ask for a user's top-k recommendations. {@code rank} is null for the engine's order (its model, or what the
 * user's A/B arm says); {@code "base"} asks for the order the engine serves without a model (the recall's base
 * score, never-sold items held to the fresh slots, popular items to fill), outside any experiment, as the
 * evaluation's {@code kerec-graph-only} does; {@code "model"} for the model's order outside any experiment.
 */
public record RecommendRequest(String userId, int k, @JsonInclude(JsonInclude.Include.NON_NULL) String rank) {
  /** The order the engine ranks by itself. */
  public static final String RANK_MODEL = "model";
  /** The recall's base score: the order served before the first model, on rank timeouts and in a {@code base} arm. */
  public static final String RANK_BASE = "base";

  /** A user's top-k in the engine's order. */
  public RecommendRequest(String userId, int k) {
    this(userId, k, null);
  }
}
