package io.kerec.bus;

/** A weighted, directed link between two entities in one of the graph's views. */
public record EntityLink(String from, String to, double weight) {
}
