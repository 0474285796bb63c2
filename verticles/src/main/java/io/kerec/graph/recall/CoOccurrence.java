package io.kerec.graph.recall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Item-to-item cosine similarity over groups of items (bills, or customers): cos(i, j) = |G_i ∩ G_j| /
 * √(|G_i| · |G_j|), where G_i is the set of groups holding item i. Kept as an inverted index, so adding a purchase
 * is O(1) and an item's neighbours are computed on demand from its groups (and cached until it joins a new group).
 * Items are dense int indexes owned by the caller. Not thread-safe.
 */
final class CoOccurrence {
  /** A neighbour of an item and its cosine similarity. */
  record Neighbour(int item, double cosine) {
  }

  private final Map<String, Integer> groupIndex = new HashMap<>();
  private final List<IntList> groupItems = new ArrayList<>();
  private final List<IntList> itemGroups = new ArrayList<>();
  private final List<List<Neighbour>> cache = new ArrayList<>();
  private final IntList cachedAt = new IntList();
  private int[] scratch = new int[16];

  /** Records that {@code item} belongs to group {@code key}; a repeat is ignored. */
  void add(String key, int item) {
    int group = groupIndex.computeIfAbsent(key, k -> {
      groupItems.add(new IntList());
      return groupItems.size() - 1;
    });
    while (itemGroups.size() <= item) {
      itemGroups.add(new IntList());
      cache.add(null);
      cachedAt.add(-1);
    }
    IntList items = groupItems.get(group);
    if (!items.contains(item)) {
      items.add(item);
      itemGroups.get(item).add(group);
    }
  }

  /** Forgets every cached neighbour list (each is computed again from the groups as they are now). */
  void clearCache() {
    for (int i = 0; i < cache.size(); i++) {
      cache.set(i, null);
      cachedAt.values[i] = -1;
    }
  }

  /** Index of a group, or -1 when unknown. */
  int group(String key) {
    return groupIndex.getOrDefault(key, -1);
  }

  /** Number of groups an item belongs to. */
  int groups(int item) {
    return item < itemGroups.size() ? itemGroups.get(item).size : 0;
  }

  /** Number of groups. */
  int size() {
    return groupItems.size();
  }

  /**
   * The {@code n} most similar items, by cosine then index. {@code without} ≥ 0 leaves that group out (used for
   * training samples, so a label bill or a user's own row does not explain itself); such results are not cached.
   */
  List<Neighbour> neighbours(int item, int n, int without, Comparator<Neighbour> ties) {
    if (item >= itemGroups.size()) {
      return List.of();
    }
    IntList groups = itemGroups.get(item);
    boolean cacheable = without < 0 || !groups.contains(without);
    if (cacheable && cache.get(item) != null && cachedAt.values[item] == groups.size) {
      return cache.get(item);
    }
    if (scratch.length < itemGroups.size()) {
      scratch = new int[itemGroups.size() * 2];
    }
    IntList touched = new IntList();
    int own = 0;
    for (int g = 0; g < groups.size; g++) {
      int group = groups.values[g];
      if (group == without) {
        continue;
      }
      own++;
      IntList members = groupItems.get(group);
      for (int m = 0; m < members.size; m++) {
        int other = members.values[m];
        if (other != item && scratch[other]++ == 0) {
          touched.add(other);
        }
      }
    }
    List<Neighbour> all = new ArrayList<>(touched.size);
    for (int t = 0; t < touched.size; t++) {
      int other = touched.values[t];
      int co = scratch[other];
      scratch[other] = 0;
      IntList otherGroups = itemGroups.get(other);
      int theirs = otherGroups.size - (without >= 0 && otherGroups.contains(without) ? 1 : 0);
      if (own > 0 && theirs > 0) {
        all.add(new Neighbour(other, co / Math.sqrt((double) own * theirs)));
      }
    }
    all.sort(Comparator.comparingDouble((Neighbour x) -> -x.cosine).thenComparing(ties));
    List<Neighbour> top = List.copyOf(all.subList(0, Math.min(n, all.size())));
    if (cacheable) {
      cache.set(item, top);
      cachedAt.values[item] = groups.size;
    }
    return top;
  }

  /** A growable list of ints. */
  static final class IntList {
    int[] values = new int[4];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    boolean contains(int v) {
      for (int i = 0; i < size; i++) {
        if (values[i] == v) {
          return true;
        }
      }
      return false;
    }
  }
}
