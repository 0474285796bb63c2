package io.kerec.bus;

/** A judged complementary edge between entities, directed {@code from} → {@code to}. */
public record Complement(String from, String to, double weight, double confidence, String provenance) {
}
