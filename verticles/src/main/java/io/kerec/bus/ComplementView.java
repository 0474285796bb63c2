package io.kerec.bus;

/** One complement of an entity as served by the API. */
public record ComplementView(String entity, double weight, double confidence, String source) {
}
