package io.kerec.rank;

import io.kerec.bus.Features;
import java.util.Random;

/**
 * Synthetic candidates with a planted rule: a candidate is taken with probability
 * {@code sigmoid(15 * (EDGE_WEIGHT/10 * ITEM_SHARE - 0.45))}, about 20 % positives. The other
 * features are noise in their documented ranges.
 */
final class Synthetic {

  final float[][] features;
  final float[] labels;

  private Synthetic(float[][] features, float[] labels) {
    this.features = features;
    this.labels = labels;
  }

  static Synthetic generate(int rows, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[rows][Features.SIZE];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      float[] f = x[i];
      f[Features.EDGE_WEIGHT] = random.nextFloat() * 10f;
      f[Features.EDGE_CONFIDENCE] = random.nextFloat();
      f[Features.TRIGGER_RECENCY] = random.nextFloat() * 2f;
      f[Features.TRIGGER_COUNT] = (float) Math.log1p(random.nextInt(5));
      f[Features.ITEM_POPULARITY] = (float) Math.log1p(random.nextInt(1000));
      f[Features.ITEM_SHARE] = random.nextFloat();
      f[Features.ENTITY_POPULARITY] = (float) Math.log1p(random.nextInt(5000));
      f[Features.COOC_SCORE] = random.nextFloat();
      f[Features.PRICE] = (float) Math.log1p(random.nextFloat() * 200f);
      double z = f[Features.EDGE_WEIGHT] / 10.0 * f[Features.ITEM_SHARE];
      double p = 1.0 / (1.0 + Math.exp(-15.0 * (z - 0.45)));
      y[i] = random.nextDouble() < p ? 1f : 0f;
    }
    return new Synthetic(x, y);
  }

  float[] column(int feature) {
    float[] out = new float[features.length];
    for (int i = 0; i < features.length; i++) {
      out[i] = features[i][feature];
    }
    return out;
  }

  double positiveRate() {
    double sum = 0;
    for (float label : labels) {
      sum += label;
    }
    return sum / labels.length;
  }
}
