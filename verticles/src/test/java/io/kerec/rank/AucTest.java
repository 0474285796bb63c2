package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AucTest {

  @Test
  void textbookExample() {
    // positives 0.35, 0.8; negatives 0.1, 0.4 → pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3/4
    assertThat(Auc.of(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new float[] {0, 0, 1, 1}))
        .isEqualTo(0.75);
  }

  @Test
  void tiesCountHalf() {
    // positives 0.5, 0.9; negatives 0.5, 0.2 → 0.5 (tie) + 1 + 1 + 1 = 3.5 of 4 pairs
    assertThat(Auc.of(new float[] {0.5f, 0.5f, 0.2f, 0.9f}, new float[] {1, 0, 0, 1}))
        .isEqualTo(0.875);
    // everything tied → 0.5
    assertThat(Auc.of(new float[] {3, 3, 3, 3, 3}, new float[] {1, 0, 0, 1, 0})).isEqualTo(0.5);
    // ranks 1, 2.5, 2.5, 4 with positives at 2.5 and 4 → U = 6.5 - 3 = 3.5 → 3.5/4
    assertThat(Auc.of(new float[] {1, 2, 2, 3}, new float[] {0, 1, 0, 1})).isEqualTo(0.875);
  }

  @Test
  void perfectInvertedAndNegativeScores() {
    assertThat(Auc.of(new float[] {-2, -1, 0, 1}, new float[] {0, 0, 1, 1})).isEqualTo(1.0);
    assertThat(Auc.of(new float[] {-2, -1, 0, 1}, new float[] {1, 1, 0, 0})).isEqualTo(0.0);
    assertThat(Auc.of(new float[] {-1f, -2f}, new float[] {1, 0})).isEqualTo(1.0);
    assertThat(Auc.of(new float[] {-0f, 0f}, new float[] {1, 0})).isEqualTo(0.5);
    assertThat(Auc.of(new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY},
        new float[] {0, 1})).isEqualTo(1.0);
  }

  @Test
  void singleClassIsNaN() {
    assertThat(Auc.of(new float[] {0.1f, 0.2f}, new float[] {1, 1})).isNaN();
    assertThat(Auc.of(new float[] {0.1f, 0.2f}, new float[] {0, 0})).isNaN();
    assertThat(Auc.of(new float[0], new float[0])).isNaN();
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Auc.of(new float[2], new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Auc.of(new float[] {Float.NaN, 1}, new float[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matchesPairwiseCountOnRandomDataWithTies() {
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(300);
      float[] scores = new float[n];
      float[] labels = new float[n];
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(12) - 6; // many ties, negatives included
        labels[i] = random.nextFloat() < 0.3f ? 1 : 0;
      }
      double won = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (labels[i] == 1 && labels[j] == 0) {
            pairs++;
            won += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
          }
        }
      }
      double expected = pairs == 0 ? Double.NaN : won / pairs;
      if (pairs == 0) {
        assertThat(Auc.of(scores, labels)).isNaN();
      } else {
        assertThat(Auc.of(scores, labels)).isCloseTo(expected, within(1e-12));
      }
    }
  }
}
