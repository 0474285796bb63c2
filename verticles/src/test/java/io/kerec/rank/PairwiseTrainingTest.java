package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.kerec.bus.Features;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Users whose candidates differ by a large per-user offset (some users' candidates all look strong): what tells
 * the bought candidate is only that it is the strongest of its own user's. Trained pairwise, the model must rank
 * it first (a sign or pairing error ranks it last or at random).
 */
class PairwiseTrainingTest {
  static final int USERS = 300;
  static final int PER_USER = 10;

  @Test
  void ranksEachUsersPositiveFirst() {
    Random random = new Random(5);
    float[][] x = new float[USERS * PER_USER][];
    float[] y = new float[x.length];
    int[] groups = new int[x.length];
    for (int u = 0; u < USERS; u++) {
      double offset = random.nextGaussian() * 3;
      int positive = random.nextInt(PER_USER);
      for (int c = 0; c < PER_USER; c++) {
        int row = u * PER_USER + c;
        float[] f = new float[Features.SIZE];
        f[0] = (float) (offset + (c == positive ? 1.0 : 0.0) + random.nextGaussian() * 0.2);
        f[1] = (float) random.nextGaussian();
        x[row] = f;
        y[row] = c == positive ? 1 : 0;
        groups[row] = u;
      }
    }
    try (EeiModel model = EeiModel.create(Device.cpu())) {
      model.train(x, y, groups, TrainOptions.defaults().withEpochs(4).withSeed(3));
      float[] scores = model.score(x);
      int first = 0;
      for (int u = 0; u < USERS; u++) {
        int best = u * PER_USER;
        for (int c = 1; c < PER_USER; c++) {
          if (scores[u * PER_USER + c] > scores[best]) {
            best = u * PER_USER + c;
          }
        }
        first += y[best] > 0.5f ? 1 : 0;
      }
      assertThat(first).as("users whose bought candidate is ranked first").isGreaterThan(USERS * 8 / 10);
    }
  }

  @Test
  void groupsMustMatchTheRows() {
    try (EeiModel model = EeiModel.create(Device.cpu())) {
      assertThatThrownBy(() -> model.train(new float[][] {new float[Features.SIZE]}, new float[] {1},
          new int[] {0, 1}, TrainOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
