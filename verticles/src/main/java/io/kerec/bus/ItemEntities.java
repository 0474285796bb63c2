package io.kerec.bus;

/** An item with the entities extracted from its title. */
public record ItemEntities(String itemId, String title, Double price, String category, java.util.List<String> entities) {
}
