package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.CandidateIds;
import io.kerec.bus.Features;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardisationTest {
  /** Three rows: feature 0 is 1, 100, 3; feature 1 is 5 throughout; the rest 0. */
  private static float[][] rows() {
    float[][] x = new float[3][Features.SIZE];
    x[0][0] = 1;
    x[1][0] = 100;
    x[2][0] = 3;
    for (float[] row : x) {
      row[1] = 5;
    }
    return x;
  }

  @Test
  void fitsPopulationMeansAndDeviationsOnTheGivenRowsOnlyAndLeavesConstantFeaturesUnscaled() {
    Standardisation s = Standardisation.fit(rows(), new int[] {0, 2});

    assertThat(s.means()[0]).as("the 100 is not a training row").isEqualTo(2f);
    assertThat(s.stds()[0]).as("population, not sample, deviation").isEqualTo(1f);
    assertThat(s.means()[1]).isEqualTo(5f);
    assertThat(s.stds()[1]).as("a constant feature is divided by 1").isEqualTo(1f);
    s.means()[0] = 42;
    assertThat(s.means()[0]).as("copies").isEqualTo(2f);
  }

  @Test
  void appliesToAllOrSelectedRowsFlattenedAndAppendsEmbeddingRowsWithAVocabulary() {
    Standardisation s = Standardisation.of(new float[Features.SIZE], filled(2f));
    float[][] x = rows();

    float[] all = s.apply(x, null, null, null);
    assertThat(all).hasSize(3 * Features.SIZE);
    assertThat(all[Features.SIZE]).isEqualTo(50f);
    assertThat(all[Features.SIZE + 1]).isEqualTo(2.5f);

    float[] selected = s.apply(x, new int[] {2, 0}, null, null);
    assertThat(selected[0]).isEqualTo(1.5f);
    assertThat(selected[Features.SIZE]).isEqualTo(0.5f);

    IdVocabulary vocabulary = new IdVocabulary(List.of("cup", "saucer"), List.of("S1"));
    CandidateIds[] ids = {new CandidateIds("S1", "cup", "saucer"), null, new CandidateIds("S9", "cup", "mug")};
    int width = Standardisation.width(vocabulary);
    assertThat(width).isEqualTo(Features.SIZE + IdVocabulary.COLUMNS);
    float[] withIds = s.apply(x, null, vocabulary, ids);
    assertThat(withIds).hasSize(3 * width);
    assertThat(withIds[width - 3]).as("trigger entity cup").isEqualTo(1f);
    assertThat(withIds[width - 2]).as("target entity saucer").isEqualTo(2f);
    assertThat(withIds[width - 1]).as("item S1").isEqualTo(1f);
    assertThat(withIds[width]).as("the second row starts with its features").isEqualTo(50f);
    assertThat(withIds[3 * width - 2]).as("an unknown entity").isEqualTo(IdVocabulary.UNKNOWN);
    assertThat(withIds[3 * width - 1]).as("an unknown item").isEqualTo(IdVocabulary.UNKNOWN);
  }

  private static float[] filled(float value) {
    float[] out = new float[Features.SIZE];
    java.util.Arrays.fill(out, value);
    return out;
  }
}
