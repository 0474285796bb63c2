package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Shared part of the item-to-item baselines: cosine neighbours over groups of training purchases, scored
 * against the case's recent history with recency weights.
 *
 * <p>score(candidate) = &Sigma;<sub>h</sub> 1/(r<sub>h</sub>+1) &middot; cos(h, candidate) over the first
 * {@code historyItems} entries h of {@link EvalCase#recentHistory()}, where r<sub>h</sub> is h's
 * {@link EvalCase#recencyRanks() recency rank} (0 for the items of the most recent purchase time; the lines
 * of one invoice share a rank), over each history item's {@code topN} neighbours; items without training
 * sales add nothing. Candidates
 * with a positive score that the user has not bought are ranked by score, ties by item id; the list is
 * filled up to k from {@code popularity}.
 */
public abstract sealed class NeighbourBaseline implements Baseline permits CooccurrenceBaseline, ItemKnnBaseline {
  /** Neighbours kept per item by default. */
  public static final int DEFAULT_TOP_N = 500;

  private final int topN;
  private final int historyItems;
  private volatile Model model;

  private record Model(Map<String, Integer> index, String[] ids, CosineNeighbours neighbours,
      Popularity popularity) {
  }

  NeighbourBaseline(int topN, int historyItems) {
    if (topN < 1 || historyItems < 1) {
      throw new IllegalArgumentException("topN and historyItems must be at least 1: " + topN + ", "
          + historyItems);
    }
    this.topN = topN;
    this.historyItems = historyItems;
  }

  /** The key that puts two purchases in one group (basket id, user id). */
  abstract Function<Purchase, String> groupKey();

  @Override
  public final void fit(List<Purchase> train, List<CatalogItem> catalog) {
    Set<String> all = new TreeSet<>();
    for (CatalogItem c : catalog) {
      all.add(c.itemId());
    }
    for (Purchase p : train) {
      all.add(p.itemId());
    }
    String[] ids = all.toArray(new String[0]);
    Map<String, Integer> index = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      index.put(ids[i], i);
    }
    Function<Purchase, String> key = groupKey();
    Map<String, LinkedHashSet<Integer>> byGroup = new LinkedHashMap<>();
    for (Purchase p : train) {
      byGroup.computeIfAbsent(key.apply(p), g -> new LinkedHashSet<>()).add(index.get(p.itemId()));
    }
    List<int[]> groups = new ArrayList<>(byGroup.size());
    for (LinkedHashSet<Integer> g : byGroup.values()) {
      groups.add(g.stream().mapToInt(Integer::intValue).toArray());
    }
    model = new Model(index, ids, CosineNeighbours.build(groups, ids.length, topN),
        Popularity.of(train, null, null, null));
  }

  @Override
  public final List<String> recommend(EvalCase c, int k) {
    Model m = model;
    if (m == null) {
      throw new IllegalStateException(name() + ": recommend before fit");
    }
    double[] score = new double[m.ids().length];
    int[] touched = new int[m.ids().length];
    int t = 0;
    List<String> history = c.recentHistory();
    int[] rank = c.recencyRanks();
    for (int r = 0, n = Math.min(historyItems, history.size()); r < n; r++) {
      Integer h = m.index().get(history.get(r));
      if (h == null) {
        continue;
      }
      double w = 1.0 / (rank[r] + 1);
      int[] nb = m.neighbours().neighbours(h);
      float[] sim = m.neighbours().similarities(h);
      for (int x = 0; x < nb.length; x++) {
        int j = nb[x];
        if (score[j] == 0) {
          touched[t++] = j;
        }
        score[j] += w * sim[x];
      }
    }
    List<Integer> candidates = new ArrayList<>(t);
    for (int x = 0; x < t; x++) {
      int j = touched[x];
      if (!c.bought().contains(m.ids()[j])) {
        candidates.add(j);
      }
    }
    candidates.sort((a, b) -> {
      int cmp = Double.compare(score[b], score[a]);
      return cmp != 0 ? cmp : Integer.compare(a, b); // index order is item-id order
    });
    List<String> out = new ArrayList<>(Math.min(k, m.ids().length));
    for (int x = 0; x < candidates.size() && out.size() < k; x++) {
      out.add(m.ids()[candidates.get(x)]);
    }
    if (out.size() < k) {
      m.popularity().fill(out, c.bought(), k);
    }
    return out;
  }
}
