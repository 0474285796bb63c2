package io.kerec.bus;

/** Ask for one item. */
public record ItemRequest(String itemId) {
}
