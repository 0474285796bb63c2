package io.kerec.bus;

/** Purchases made durable by ingest, in arrival order. */
public record PurchasesApplied(java.util.List<PurchaseFact> purchases) {
}
