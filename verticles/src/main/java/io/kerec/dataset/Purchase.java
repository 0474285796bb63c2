package io.kerec.dataset;

import java.time.Instant;
import java.util.Objects;

/**
 * One purchased line: a user bought {@code quantity} units of an item in a basket at an instant.
 *
 * @param userId    user (customer) id, never empty
 * @param itemId    item id (for Online Retail the upper-cased StockCode), never empty
 * @param basketId  basket id (for Online Retail the InvoiceNo), never empty
 * @param ts        when the basket was bought
 * @param quantity  units bought, at least 1
 * @param unitPrice price per unit; 0 when the source has no price
 */
public record Purchase(String userId, String itemId, String basketId, Instant ts, int quantity, double unitPrice) {
  public Purchase {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(itemId, "itemId");
    Objects.requireNonNull(basketId, "basketId");
    Objects.requireNonNull(ts, "ts");
  }
}
