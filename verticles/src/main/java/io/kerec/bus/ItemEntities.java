package io.kerec.bus;

import java.time.Instant;
import java.util.List;

/**
 * An item with the entities extracted from its title.
 *
 * @param listedAt when the item went on sale (as stated, else when first accepted), or null when unknown: recall
 *                 then treats a never-sold item as just listed
 */
public record ItemEntities(String itemId, String title, Double price, String category, List<String> entities,
                           Instant listedAt) {
  /** An item whose listing time is unknown. */
  public ItemEntities(String itemId, String title, Double price, String category, List<String> entities) {
    this(itemId, title, price, category, entities, null);
  }

  /** The same item, listed at {@code at}. */
  public ItemEntities listed(Instant at) {
    return new ItemEntities(itemId, title, price, category, entities, at);
  }
}
