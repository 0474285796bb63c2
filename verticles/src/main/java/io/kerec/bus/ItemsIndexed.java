package io.kerec.bus;

/** Items made durable by ingest, with their entities. */
public record ItemsIndexed(java.util.List<ItemEntities> items) {
}
