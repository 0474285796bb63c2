package io.kerec.bus;

/**
 * One complement of an entity as the API shows it: the edge's weight and confidence, and the verdict that decided
 * it (provider, model and reason; null where the verdict is not at hand).
 */
public record ExplainedComplement(String entity, double weight, double confidence, String source, String model,
                                  String reason) {
}
