package io.kerec.rank;

import io.kerec.bus.EntityLink;
import io.kerec.bus.EntityViews;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws batches for the contrastive alignment: entities of the vocabulary that have neighbours in both views, each
 * as two rows of normalised neighbour weights over the entity table (complementary graph, co-purchases).
 */
final class ViewSampler {
  /** Fewest eligible entities for the alignment to run at all. */
  static final int MIN_ENTITIES = 16;

  private final int tableSize;
  private final List<Map<Integer, Float>> complements = new ArrayList<>();
  private final List<Map<Integer, Float>> coPurchases = new ArrayList<>();

  private ViewSampler(int tableSize) {
    this.tableSize = tableSize;
  }

  /** The sampler, or null when fewer than {@link #MIN_ENTITIES} entities have both views. */
  static ViewSampler of(EntityViews views, IdVocabulary vocabulary) {
    if (views == null || vocabulary == null) {
      return null;
    }
    Map<String, Integer> rows = new HashMap<>();
    for (int i = 0; i < vocabulary.entities().size(); i++) {
      rows.put(vocabulary.entities().get(i), i + 1);
    }
    Map<Integer, Map<Integer, Float>> complement = links(views.complements(), rows);
    Map<Integer, Map<Integer, Float>> coPurchase = links(views.coPurchases(), rows);
    ViewSampler sampler = new ViewSampler(vocabulary.entityTableSize());
    complement.keySet().stream().filter(coPurchase::containsKey).sorted().forEach(entity -> {
      sampler.complements.add(normalised(complement.get(entity)));
      sampler.coPurchases.add(normalised(coPurchase.get(entity)));
    });
    return sampler.size() < MIN_ENTITIES ? null : sampler;
  }

  int size() {
    return complements.size();
  }

  /** A batch of up to {@code n} distinct eligible entities: {complement rows, co-purchase rows}, row-major. */
  float[][] draw(int n, SplittableRandom rng) {
    int rows = Math.min(n, size());
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = 0; i < rows; i++) {
      int j = i + rng.nextInt(order.length - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    float[] a = new float[rows * tableSize];
    float[] b = new float[rows * tableSize];
    for (int r = 0; r < rows; r++) {
      int base = r * tableSize;
      complements.get(order[r]).forEach((column, w) -> a[base + column] = w);
      coPurchases.get(order[r]).forEach((column, w) -> b[base + column] = w);
    }
    return new float[][] {a, b};
  }

  int tableSize() {
    return tableSize;
  }

  private static Map<Integer, Map<Integer, Float>> links(List<EntityLink> links, Map<String, Integer> rows) {
    Map<Integer, Map<Integer, Float>> out = new HashMap<>();
    if (links == null) {
      return out;
    }
    for (EntityLink link : links) {
      Integer from = rows.get(link.from());
      Integer to = rows.get(link.to());
      if (from != null && to != null && !from.equals(to) && link.weight() > 0) {
        out.computeIfAbsent(from, k -> new HashMap<>()).merge(to, (float) link.weight(), Float::sum);
      }
    }
    return out;
  }

  private static Map<Integer, Float> normalised(Map<Integer, Float> weights) {
    float sum = 0;
    for (float w : weights.values()) {
      sum += w;
    }
    Map<Integer, Float> out = new HashMap<>();
    for (Map.Entry<Integer, Float> e : weights.entrySet()) {
      out.put(e.getKey(), e.getValue() / sum);
    }
    return out;
  }
}
