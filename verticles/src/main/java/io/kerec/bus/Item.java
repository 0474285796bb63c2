package io.kerec.bus;

import java.time.Instant;

/**
 * An item of the catalog as sent by the shop.
 *
 * @param listedAt when the item went on sale, or null: then it counts as listed when the engine first accepted it,
 *                 and a later write without it keeps the listing time already stored
 */
public record Item(String id, String title, Double price, String category, Instant listedAt) {
  /** An item without a stated listing time. */
  public Item(String id, String title, Double price, String category) {
    this(id, title, price, category, null);
  }
}
