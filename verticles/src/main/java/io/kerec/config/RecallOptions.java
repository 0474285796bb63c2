package io.kerec.config;

/**
 * Multi-channel recall: how many recent distinct items of a user trigger recall; for the complementary U2E2I
 * channel, how many complements per entity and items per complementary entity are followed (never-sold items of
 * an entity are always followed, up to {@code newItemsPerEntity}); for the "also bought" channel, how many
 * co-purchased neighbours per item; for the "similar customers" channel (item-KNN over customers, 0 = off),
 * how many neighbours per item; for the "similar title" cold-start channel, how many new items per recent item
 * (most similar titles first, 0 = off); how many popular and recently popular items join as candidates; and the
 * candidate cap handed to rank. An item counts as new while it has sold at most {@code newItemMaxSales} times and
 * was listed (its {@code listedAt}, else when first accepted) within the last {@code newItemDays} days of the data:
 * it is followed through its entity like a never-sold item and may take one of rank's fresh slots. A never-sold item
 * listed before that is shelved: recall leaves it out until it sells.
 */
public record RecallOptions(int historyItems, int complementsPerEntity, int itemsPerEntity, int newItemsPerEntity,
                            int alsoBoughtPerItem, int similarCustomersPerItem, int similarTitlesPerItem,
                            int popularCandidates, int maxCandidates, int newItemMaxSales, int newItemDays) {
  static RecallOptions defaults() {
    return new RecallOptions(20, 20, 30, 10, 200, 0, 20, 20, 500, 0, 7);
  }

  void validate() {
    Require.range("recall.historyItems", historyItems, 1, 1000);
    Require.range("recall.complementsPerEntity", complementsPerEntity, 0, 1000);
    Require.range("recall.itemsPerEntity", itemsPerEntity, 1, 10_000);
    Require.range("recall.newItemsPerEntity", newItemsPerEntity, 0, 10_000);
    Require.range("recall.alsoBoughtPerItem", alsoBoughtPerItem, 0, 10_000);
    Require.range("recall.similarCustomersPerItem", similarCustomersPerItem, 0, 10_000);
    Require.range("recall.similarTitlesPerItem", similarTitlesPerItem, 0, 10_000);
    Require.range("recall.popularCandidates", popularCandidates, 0, 10_000);
    Require.range("recall.maxCandidates", maxCandidates, 1, 100_000);
    Require.range("recall.newItemMaxSales", newItemMaxSales, 0, 1000);
    Require.range("recall.newItemDays", newItemDays, 1, 36_500);
  }
}
