package io.kerec.rank;

import io.kerec.bus.CandidateIds;
import io.kerec.bus.Features;

/**
 * The per-feature standardisation {@code (x - mean) / std} of an {@link EeiModel}'s inputs: fitted on the training
 * split, saved with the model, applied to every row it scores. Also lays out a model's input rows: the
 * standardised features, followed by the row's embedding-table rows when the model has id embeddings. Immutable.
 */
final class Standardisation {
  /** A smaller standard deviation (a constant feature) counts as 1, so that the feature stays as it is, centred. */
  private static final float MIN_STD = 1e-6f;

  private final float[] means;
  private final float[] stds;

  private Standardisation(float[] means, float[] stds) {
    this.means = means;
    this.stds = stds;
  }

  /** Means and (population) standard deviations of the given rows; tiny deviations become 1. */
  static Standardisation fit(float[][] features, int[] rows) {
    double[] sum = new double[Features.SIZE];
    double[] sumSq = new double[Features.SIZE];
    for (int row : rows) {
      for (int f = 0; f < Features.SIZE; f++) {
        double v = features[row][f];
        sum[f] += v;
        sumSq[f] += v * v;
      }
    }
    float[] mean = new float[Features.SIZE];
    float[] std = new float[Features.SIZE];
    for (int f = 0; f < Features.SIZE; f++) {
      double m = sum[f] / rows.length;
      double variance = Math.max(0, sumSq[f] / rows.length - m * m);
      mean[f] = (float) m;
      float s = (float) Math.sqrt(variance);
      std[f] = s < MIN_STD ? 1f : s;
    }
    return new Standardisation(mean, std);
  }

  /** A saved standardisation (copied; checked by {@link EeiArtifact}). */
  static Standardisation of(float[] means, float[] stds) {
    return new Standardisation(means.clone(), stds.clone());
  }

  /** The means, a copy. */
  float[] means() {
    return means.clone();
  }

  /** The standard deviations, a copy. */
  float[] stds() {
    return stds.clone();
  }

  /**
   * Standardised rows (all rows when {@code rows} is null), flattened row-major, each followed by its embedding-table
   * rows when there is a vocabulary.
   */
  float[] apply(float[][] features, int[] rows, IdVocabulary vocabulary, CandidateIds[] ids) {
    int n = rows == null ? features.length : rows.length;
    int width = width(vocabulary);
    float[] mean = means;
    float[] std = stds;
    float[] out = new float[n * width];
    for (int r = 0; r < n; r++) {
      int source = rows == null ? r : rows[r];
      float[] row = features[source];
      int base = r * width;
      for (int f = 0; f < Features.SIZE; f++) {
        out[base + f] = (row[f] - mean[f]) / std[f];
      }
      if (vocabulary != null) {
        vocabulary.rows(ids == null ? null : ids[source], out, base + Features.SIZE);
      }
    }
    return out;
  }

  /** The width of an input row: the features, and the embedding-table rows when there is a vocabulary. */
  static int width(IdVocabulary vocabulary) {
    return vocabulary == null ? Features.SIZE : EeiBlock.width();
  }
}
