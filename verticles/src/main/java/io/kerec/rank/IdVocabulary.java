package io.kerec.rank;

import io.kerec.bus.CandidateIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entity and item ids known to an {@link EeiModel}, each mapped to a row of its embedding table. Row 0 of both tables
 * stands for every id that is unknown, missing or rarer than the vocabulary's minimum count, so that unseen
 * entities and new items share one learned "rare" vector instead of a random one.
 */
final class IdVocabulary {
  static final int UNKNOWN = 0;
  static final int COLUMNS = 3;

  private final List<String> entities;
  private final List<String> items;
  private final Map<String, Integer> entityRows = new HashMap<>();
  private final Map<String, Integer> itemRows = new HashMap<>();

  IdVocabulary(List<String> entities, List<String> items) {
    this.entities = List.copyOf(entities);
    this.items = List.copyOf(items);
    for (int i = 0; i < this.entities.size(); i++) {
      entityRows.put(this.entities.get(i), i + 1);
    }
    for (int i = 0; i < this.items.size(); i++) {
      itemRows.put(this.items.get(i), i + 1);
    }
  }

  /**
   * The ids that occur in at least {@code minCount} positive rows among the given rows, in name order: an id gets a
   * vector of its own only once it has been taken often enough to learn one.
   */
  static IdVocabulary fit(CandidateIds[] ids, float[] labels, int[] rows, int minCount) {
    Map<String, Integer> entityCounts = new TreeMap<>();
    Map<String, Integer> itemCounts = new TreeMap<>();
    for (int row : rows) {
      CandidateIds id = ids[row];
      if (id == null || labels[row] <= 0.5f) {
        continue;
      }
      count(entityCounts, id.triggerEntity());
      count(entityCounts, id.targetEntity());
      count(itemCounts, id.itemId());
    }
    return new IdVocabulary(frequent(entityCounts, minCount), frequent(itemCounts, minCount));
  }

  /** Embedding rows of a candidate: trigger entity, target entity, item. */
  void rows(CandidateIds id, float[] out, int at) {
    out[at] = id == null ? UNKNOWN : entityRows.getOrDefault(id.triggerEntity(), UNKNOWN);
    out[at + 1] = id == null ? UNKNOWN : entityRows.getOrDefault(id.targetEntity(), UNKNOWN);
    out[at + 2] = id == null ? UNKNOWN : itemRows.getOrDefault(id.itemId(), UNKNOWN);
  }

  /** Rows of the entity table, the unknown row included. */
  int entityTableSize() {
    return entities.size() + 1;
  }

  /** Rows of the item table, the unknown row included. */
  int itemTableSize() {
    return items.size() + 1;
  }

  List<String> entities() {
    return entities;
  }

  List<String> items() {
    return items;
  }

  private static void count(Map<String, Integer> counts, String id) {
    if (id != null) {
      counts.merge(id, 1, Integer::sum);
    }
  }

  private static List<String> frequent(Map<String, Integer> counts, int minCount) {
    List<String> out = new ArrayList<>();
    counts.forEach((id, n) -> {
      if (n >= minCount) {
        out.add(id);
      }
    });
    return out;
  }
}
