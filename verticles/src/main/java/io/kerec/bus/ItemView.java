package io.kerec.bus;

/** An item with its entities and sales count. */
public record ItemView(String itemId, String title, Double price, String category, java.util.List<String> entities, long purchases) {
}
