package io.kerec.bus;

/** Events to ingest; the whole batch is accepted or rejected. */
public record EventBatch(java.util.List<Event> events) {
}
