package io.kerec.bus;

/** The strongest complements of an entity, by weight, each with the verdict that decided it. */
public record EntityComplements(String entity, java.util.List<ExplainedComplement> complements) {
}
