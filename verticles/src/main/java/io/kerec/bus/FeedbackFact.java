package io.kerec.bus;

/**
 * A durable exposure, click or attributed purchase of a shown item; {@code because} is the edge it is credited to,
 * or null.
 */
public record FeedbackFact(String eventId, EventType type, String userId, String itemId, long tsMillis,
                           Attribution because) {
}
