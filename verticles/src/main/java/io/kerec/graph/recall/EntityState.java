package io.kerec.graph.recall;

import io.kerec.bus.ComplementView;
import java.util.ArrayList;
import java.util.List;

/**
 * One entity as recall sees it: its items (sorted by sales when asked), its complementary edges by weight with
 * their target entities, its sales and how much its buyers repeat it. Written by {@link RecallState} only.
 */
final class EntityState {
  final String name;
  final List<ItemState> items = new ArrayList<>();
  final List<ComplementView> complements = new ArrayList<>();
  /** The entity of each of {@link #complements}, at the same position. */
  final List<EntityState> complementTargets = new ArrayList<>();
  long purchases;
  long recentPurchases;
  double repeatRate;
  /** Users who bought an item of this entity, and those of them who bought two or more distinct ones. */
  int buyers;
  int repeaters;
  boolean itemsDirty;
  final LogOfCount logPurchases = new LogOfCount();

  EntityState(String name) {
    this.name = name;
  }

  List<ItemState> itemsByPopularity() {
    if (itemsDirty) {
      items.sort(ItemState.BY_SALES);
      itemsDirty = false;
    }
    return items;
  }
}
