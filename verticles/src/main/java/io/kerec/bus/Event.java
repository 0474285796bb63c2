package io.kerec.bus;

import java.time.Instant;

/**
 * A user event: a purchase (a line of a bill), or an exposure or click on a shown recommendation.
 * {@code id} makes ingestion idempotent; {@code basketId} groups the lines of one bill (optional);
 * {@code because} names the complementary edge of the recommendation that led to it (optional), which is how
 * feedback reaches edge weights.
 */
public record Event(String id, EventType type, String userId, String itemId, Instant ts, String basketId,
                    Attribution because) {
  /** An event without attribution. */
  public Event(String id, EventType type, String userId, String itemId, Instant ts, String basketId) {
    this(id, type, userId, itemId, ts, basketId, null);
  }
}
