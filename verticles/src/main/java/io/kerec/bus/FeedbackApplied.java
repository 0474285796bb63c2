package io.kerec.bus;

/** Feedback events made durable by ingest. */
public record FeedbackApplied(java.util.List<FeedbackFact> feedback) {
}
