package io.kerec.bus;

/** An item of the catalog as sent by the shop. */
public record Item(String id, String title, Double price, String category) {
}
