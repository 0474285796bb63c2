package io.kerec.bus;

/** A durable exposure or click on a shown item. */
public record FeedbackFact(String eventId, EventType type, String userId, String itemId, long tsMillis) {
}
