package io.kerec.bus;

/** Ask for the strongest complements of an entity. */
public record EntityComplementsRequest(String entity, int k) {
}
