package io.kerec.bus;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A user's recommendations; {@code fallback} is true when they come from popularity alone; {@code experiment}
 * names the A/B arm they were made in (absent when no experiment runs).
 */
public record Recommendations(String userId, List<Recommendation> items, boolean fallback,
                              @JsonInclude(JsonInclude.Include.NON_NULL) ExperimentArm experiment) {
  /** Recommendations outside any experiment. */
  public Recommendations(String userId, List<Recommendation> items, boolean fallback) {
    this(userId, items, fallback, null);
  }

  /** The same recommendations, made in that arm. */
  public Recommendations in(ExperimentArm arm) {
    return new Recommendations(userId, items, fallback, arm);
  }
}
