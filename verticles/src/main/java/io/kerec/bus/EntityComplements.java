package io.kerec.bus;

/** The strongest complements of an entity, by weight. */
public record EntityComplements(String entity, java.util.List<ComplementView> complements) {
}
