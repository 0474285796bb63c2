package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New model versions are swapped in while scoring requests keep coming; none of them fails. */
class RankHotSwapTest {
  @TempDir
  Path dir;

  @Test
  void swappingModelsUnderLoadDropsNoRequest() throws Exception {
    try (RankRig rig = new RankRig(dir, 64, 1, 6_000, 2)) {
      int[] trained = new int[3];
      RankRig.Load load = rig.load(16, 5_000, () -> {
        for (int i = 0; i < trained.length; i++) {
          trained[i] = rig.train();
          sleep(1_100);
        }
      });
      assertThat(trained).containsOnly(6_000);
      assertThat(load.failures()).as("failed requests during %d swaps", trained.length).isZero();
      assertThat(load.requests()).isGreaterThan(100);
      assertThat(load.versions()).as("base score, then each new version").hasSize(1 + trained.length)
          .contains(RankVerticle.BASE_SCORE);
      System.out.printf("hot swap: %d requests of 200 candidates over %.1f s, %d failed, versions %s%n",
          load.requests(), load.seconds(), load.failures(), load.versions());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
