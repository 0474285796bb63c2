package io.kerec.rank;

import java.util.Arrays;

/** Area under the ROC curve. */
public final class Auc {

  private Auc() {
  }

  /**
   * ROC AUC by the rank-sum (Mann-Whitney) formula: the probability that a random positive scores
   * higher than a random negative, ties counting one half (tied scores get their average rank).
   *
   * @param scores one score per row; higher means more likely positive; must not be NaN
   * @param labels one label per row; a label {@code > 0.5} is positive, anything else negative
   * @return the AUC in [0, 1], or {@code NaN} when all rows belong to one class (or there are none)
   * @throws IllegalArgumentException when the arrays differ in length or a score is NaN
   */
  public static double of(float[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels differ in length: " + scores.length + " vs " + labels.length);
    }
    int n = scores.length;
    long[] keyed = new long[n];
    for (int i = 0; i < n; i++) {
      if (Float.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      keyed[i] = ((long) sortable(scores[i]) << 32) | i;
    }
    Arrays.sort(keyed);
    long positives = 0;
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      int key = (int) (keyed[i] >> 32);
      while (j + 1 < n && (int) (keyed[j + 1] >> 32) == key) {
        j++;
      }
      // rows i..j (0-based) are tied; their 1-based ranks are i+1..j+1
      double averageRank = (i + 1 + j + 1) / 2.0;
      for (int k = i; k <= j; k++) {
        if (labels[(int) keyed[k]] > 0.5f) {
          positives++;
          positiveRankSum += averageRank;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /** Maps a float to an int whose signed order matches the float order (-0.0 equals 0.0). */
  private static int sortable(float value) {
    int bits = Float.floatToIntBits(value == 0f ? 0f : value);
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }
}
