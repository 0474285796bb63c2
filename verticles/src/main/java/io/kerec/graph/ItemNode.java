package io.kerec.graph;

import java.util.List;
import java.util.Objects;

/**
 * An item and the entities extracted from it.
 *
 * @param itemId   the item's id (unique, non-blank)
 * @param title    display title, {@code null} when unknown
 * @param entities entity names ({@code Item -HAS_ENTITY-> Entity}); duplicates are ignored by the store, and the
 *                 order is not kept: items read back from the store list their entities in storage order
 */
public record ItemNode(String itemId, String title, List<String> entities) {
  public ItemNode {
    if (itemId == null || itemId.isBlank()) {
      throw new IllegalArgumentException("itemId must not be blank");
    }
    Objects.requireNonNull(entities, "entities");
    for (String e : entities) {
      if (e == null || e.isBlank()) {
        throw new IllegalArgumentException("item " + itemId + ": entity names must not be blank");
      }
    }
    entities = List.copyOf(entities);
  }
}
