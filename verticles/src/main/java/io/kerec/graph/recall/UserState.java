package io.kerec.graph.recall;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One user's purchase history as recall sees it. Written by {@link RecallState} only. */
final class UserState {
  /** One purchase line: the item, its bill and when. */
  record Line(String itemId, String basketKey, long tsMillis) {
  }

  final List<Line> lines = new ArrayList<>();
  final Set<String> bought = new HashSet<>();
  final BitSet boughtIndexes = new BitSet();
  /** How many distinct bought items carry each entity (an entity listed twice by an item counts twice). */
  final Map<EntityState, int[]> itemsPerEntity = new HashMap<>();

  void countEntities(ItemState item) {
    for (EntityState entity : item.entityStates) {
      int n = ++itemsPerEntity.computeIfAbsent(entity, e -> new int[1])[0];
      if (n == 1) {
        entity.buyers++;
      } else if (n == 2) {
        entity.repeaters++;
      }
    }
  }
}
