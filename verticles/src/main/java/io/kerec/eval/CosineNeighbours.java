package io.kerec.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Item-item cosine similarity over binary "group" memberships (a group is an invoice or a customer):
 * cos(i, j) = |groups with i and j| / sqrt(|groups with i| &middot; |groups with j|). Per item, keeps the
 * {@code topN} most similar other items, best first, ties by item index.
 *
 * <p>Cost: one pass per item over the groups holding it (the sum over groups of size&sup2;), with an
 * {@code int[items]} accumulator; memory is the kept neighbour lists only.
 */
final class CosineNeighbours {
  private final int[][] neighbours;
  private final float[][] similarities;

  private CosineNeighbours(int[][] neighbours, float[][] similarities) {
    this.neighbours = neighbours;
    this.similarities = similarities;
  }

  /**
   * @param groups distinct item indexes of each group (each in {@code [0, items)})
   * @param items  number of items
   * @param topN   neighbours kept per item
   */
  static CosineNeighbours build(List<int[]> groups, int items, int topN) {
    int[] n = new int[items];
    for (int[] g : groups) {
      for (int i : g) {
        n[i]++;
      }
    }
    int[][] groupsOf = new int[items][];
    for (int i = 0; i < items; i++) {
      groupsOf[i] = new int[n[i]];
    }
    int[] fill = new int[items];
    for (int gi = 0; gi < groups.size(); gi++) {
      for (int i : groups.get(gi)) {
        groupsOf[i][fill[i]++] = gi;
      }
    }
    int[] acc = new int[items];
    int[] touched = new int[items];
    long[] keys = new long[items];
    int[][] nb = new int[items][];
    float[][] sim = new float[items][];
    for (int i = 0; i < items; i++) {
      int t = 0;
      for (int gi : groupsOf[i]) {
        for (int j : groups.get(gi)) {
          if (j != i && acc[j]++ == 0) {
            touched[t++] = j;
          }
        }
      }
      for (int x = 0; x < t; x++) {
        int j = touched[x];
        float cos = (float) (acc[j] / Math.sqrt((double) n[i] * n[j]));
        // ascending order of the key = descending cosine, then ascending index (cos > 0: bits are monotonic)
        keys[x] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(cos)) << 32) | j;
        acc[j] = 0;
      }
      Arrays.sort(keys, 0, t);
      int m = Math.min(t, topN);
      nb[i] = new int[m];
      sim[i] = new float[m];
      for (int x = 0; x < m; x++) {
        nb[i][x] = (int) keys[x];
        sim[i][x] = Float.intBitsToFloat(Integer.MAX_VALUE - (int) (keys[x] >>> 32));
      }
    }
    return new CosineNeighbours(nb, sim);
  }

  int[] neighbours(int item) {
    return neighbours[item];
  }

  float[] similarities(int item) {
    return similarities[item];
  }
}
