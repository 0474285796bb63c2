package io.kerec.dataset;

import java.util.Objects;

/**
 * One catalog entry.
 *
 * @param itemId item id
 * @param title  display title, never empty
 * @param price  typical unit price, or {@code null} when unknown
 */
public record CatalogItem(String itemId, String title, Double price) {
  public CatalogItem {
    Objects.requireNonNull(itemId, "itemId");
    Objects.requireNonNull(title, "title");
  }
}
