package io.kerec.graph.recall;

import java.util.Comparator;
import java.util.List;

/**
 * One item as recall sees it: its catalogue data, its entities (names and states, the first one main), its sales
 * and its dense index (its position in {@link RecallState}'s items and in the co-purchase and title indexes).
 * Written by {@link RecallState} only; the channels and the features read it.
 */
final class ItemState {
  /** Most sold first, ties by item id. */
  static final Comparator<ItemState> BY_SALES =
      Comparator.comparingLong((ItemState i) -> -i.purchases).thenComparing(i -> i.itemId);

  final String itemId;
  final int index;
  String title;
  Double price;
  String category;
  List<String> entities = List.of();
  List<EntityState> entityStates = List.of();
  long purchases;
  long recentPurchases;
  /** When the item was first sold (event time, ms), {@code Long.MAX_VALUE} while it never was. */
  long firstSoldTs = Long.MAX_VALUE;
  /** When the item went on sale (ms), {@code Long.MAX_VALUE} while unknown (it then counts as just listed). */
  long listedTs = Long.MAX_VALUE;
  /** The item's position in the order of all items by sales, kept while that order is. */
  int popularityPosition;
  float logPrice;
  final LogOfCount logPurchases = new LogOfCount();
  final LogOfCount logRecent = new LogOfCount();

  ItemState(String itemId, int index) {
    this.itemId = itemId;
    this.index = index;
  }

  /**
   * Whether the item is new: sold at most {@code maxSales} times and listed at or after {@code listedSince}. An item
   * on the shelf for longer without selling is not new: it competes with the others on what they know of it.
   */
  boolean isNew(int maxSales, long listedSince) {
    return purchases <= maxSales && listedTs >= listedSince;
  }

  /** Whether the item is a new arrival: sold, and first sold at or after {@code since} (the recent window's start). */
  boolean isNewArrival(long since) {
    return purchases > 0 && firstSoldTs >= since;
  }

  String mainEntity() {
    return entities.isEmpty() ? null : entities.get(0);
  }

  EntityState mainEntityState() {
    return entityStates.isEmpty() ? null : entityStates.get(0);
  }
}
