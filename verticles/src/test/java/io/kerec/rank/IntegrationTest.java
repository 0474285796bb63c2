package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kerec.bus.Features;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntegrationTest {
  private static float[] row(float coocRelative) {
    float[] f = new float[Features.SIZE];
    f[Features.COOC_RELATIVE] = coocRelative;
    return f;
  }

  @Test
  void ndcgOfOneUserByHand() {
    float[] p = {0.9f, 0.8f, 0.7f};
    float[][] x = {row(0), row(0), row(0)};
    float[] y = {0, 1, 1};
    double ideal = 1 + 1 / (Math.log(3) / Math.log(2));
    double got = 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(4) / Math.log(2));
    assertThat(Integration.ndcg(List.of(0, 1, 2), Integration.MODEL_ONLY, p, x, y, 10))
        .isCloseTo(got / ideal, within(1e-12));
    assertThat(Integration.ndcg(List.of(0, 1, 2), Integration.MODEL_ONLY, p, x, y, 1)).isZero();
    assertThat(Integration.ndcg(List.of(0), Integration.MODEL_ONLY, p, x, y, 10)).isNaN();
  }

  @Test
  void learnsToTrustCoPurchasesWhereTheModelMissesThem() {
    float[] p = {0.6f, 0.5f, 0.6f, 0.5f};
    float[][] x = {row(0), row(1), row(0), row(1)};
    float[] y = {0, 1, 0, 1};
    int[] groups = {0, 0, 1, 1};
    Integration fit = Integration.fit(p, x, y, groups, 1);
    assertThat(fit.weight()).as("the smallest weight that lifts the co-purchase above the model's pick")
        .isEqualTo(0.2);
    assertThat(fit.ndcg()).isEqualTo(1.0);
    assertThat(fit.ndcgModelOnly()).isZero();
    assertThat(fit.score(0.5f, row(1))).isCloseTo(0.7, within(1e-6));
  }

  @Test
  void keepsTheModelAloneWhenTheBlendDoesNotHelp() {
    float[] p = {0.9f, 0.1f};
    float[][] x = {row(0), row(1)};
    float[] y = {1, 0};
    Integration fit = Integration.fit(p, x, y, new int[] {0, 0}, 1);
    assertThat(fit.weight()).isZero();
    assertThat(fit.ndcg()).isEqualTo(1.0);
  }
}
