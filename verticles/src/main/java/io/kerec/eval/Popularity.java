package io.kerec.eval;

import io.kerec.dataset.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Items in a fixed order (most popular first), and the top k of them a case has not bought. */
final class Popularity {
  private final List<String> ranked;

  private Popularity(List<String> ranked) {
    this.ranked = List.copyOf(ranked);
  }

  /**
   * Items of the purchases with {@code from <= ts < to} (either bound may be null) ranked by the number of
   * distinct users who bought them,
   * then by {@code tieBreak} counts (higher first, may be null), then by item id.
   */
  static Popularity of(List<Purchase> purchases, Instant from, Instant to, Map<String, Integer> tieBreak) {
    Map<String, Integer> n = userCounts(purchases, from, to);
    List<String> items = new ArrayList<>(n.keySet());
    items.sort((a, b) -> {
      int c = Integer.compare(n.get(b), n.get(a));
      if (c == 0 && tieBreak != null) {
        c = Integer.compare(tieBreak.getOrDefault(b, 0), tieBreak.getOrDefault(a, 0));
      }
      return c != 0 ? c : a.compareTo(b);
    });
    return new Popularity(items);
  }

  /** Per item, the number of distinct users among the purchases with {@code from <= ts < to} (nulls: open). */
  static Map<String, Integer> userCounts(List<Purchase> purchases, Instant from, Instant to) {
    Map<String, Integer> n = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (Purchase p : purchases) {
      if ((from == null || !p.ts().isBefore(from)) && (to == null || p.ts().isBefore(to))) {
        if (seen.add(p.userId() + '\u0000' + p.itemId())) {
          n.merge(p.itemId(), 1, Integer::sum);
        }
      }
    }
    return n;
  }

  /** A fixed ranking. */
  static Popularity ranked(List<String> items) {
    return new Popularity(items);
  }

  List<String> ranked() {
    return ranked;
  }

  /** Appends to {@code out} the most popular items in neither {@code exclude} nor {@code out}, up to k. */
  void fill(List<String> out, Set<String> exclude, int k) {
    Set<String> already = out.isEmpty() ? Set.of() : new HashSet<>(out);
    for (int i = 0; i < ranked.size() && out.size() < k; i++) {
      String item = ranked.get(i);
      if (!exclude.contains(item) && !already.contains(item)) {
        out.add(item);
      }
    }
  }

  /** The k most popular items not in {@code exclude}. */
  List<String> top(Set<String> exclude, int k) {
    List<String> out = new ArrayList<>(Math.max(0, Math.min(k, ranked.size())));
    fill(out, exclude, k);
    return out;
  }
}
