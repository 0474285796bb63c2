package io.kerec.bus;

/** Items to ingest; the whole batch is accepted or rejected. */
public record ItemBatch(java.util.List<Item> items) {
}
