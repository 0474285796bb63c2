package io.kerec.bus;

import java.util.List;

/**
 * Ask recall for a user's candidates; {@code complementSources}, when not null, limits the complementary channel
 * to the edges whose deciding verdict came from one of those providers (an A/B arm's override).
 */
public record RecallRequest(String userId, int maxCandidates, List<String> complementSources) {
  /** Recall following every complementary edge. */
  public RecallRequest(String userId, int maxCandidates) {
    this(userId, maxCandidates, null);
  }
}
