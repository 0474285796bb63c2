package io.kerec.bus;

/** Complementary edges to write into the graph. */
public record Complements(java.util.List<Complement> edges) {
}
