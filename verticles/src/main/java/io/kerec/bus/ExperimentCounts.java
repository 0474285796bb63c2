package io.kerec.bus;

import java.util.List;

/**
 * What the stored events say about one experiment, per arm (every arm that has events): {@code users} exposed,
 * {@code exposures}, {@code clicks}, attributed {@code purchases} (a purchase of an item shown to that user
 * before, in the same arm) and {@code buyers} (users with at least one attributed purchase).
 */
public record ExperimentCounts(String experiment, List<Arm> arms) {
  /** One arm's counts. */
  public record Arm(String arm, long users, long exposures, long clicks, long purchases, long buyers) {
  }
}
