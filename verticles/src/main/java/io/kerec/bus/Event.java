package io.kerec.bus;

import java.time.Instant;

/**
 * A user event: a purchase (a line of a bill), or an exposure or click on a shown recommendation.
 * {@code id} makes ingestion idempotent; {@code basketId} groups the lines of one bill (optional).
 */
public record Event(String id, EventType type, String userId, String itemId, Instant ts, String basketId) {
}
