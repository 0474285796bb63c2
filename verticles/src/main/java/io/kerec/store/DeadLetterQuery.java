package io.kerec.store;

import java.time.Instant;
import java.util.List;

/**
 * Which dead letters to read: all conditions hold together; an empty {@code ids}, a null {@code topic} or
 * {@code since} does not filter.
 *
 * @param ids         only these ids
 * @param topic       only records read from this topic
 * @param since       only records set aside at or after this instant
 * @param pendingOnly only records never replayed
 * @param limit       at most this many, oldest first (at least 1)
 */
public record DeadLetterQuery(List<Long> ids, String topic, Instant since, boolean pendingOnly, int limit) {
  /** Checks the limit and copies the ids. */
  public DeadLetterQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    ids = ids == null ? List.of() : List.copyOf(ids);
  }
}
