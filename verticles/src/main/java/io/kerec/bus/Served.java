package io.kerec.bus;

import java.util.List;

/**
 * What the recommender showed one user, each item with the features and identities it was ranked by: the feature
 * log that turns the exposures and clicks that follow into training samples as of serving time.
 *
 * @param userId the user served
 * @param items the shown items, in the order shown
 */
public record Served(String userId, List<ServedItem> items) {

  /** One shown item: its id, its ranking features (see {@link Features}) and its identities. */
  public record ServedItem(String itemId, float[] features, CandidateIds ids) {
  }
}
