package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several networks served as one: each member is the network a single training with its seed gives, the ensemble
 * scores their mean, and it saves and loads as one directory that a plain model directory also loads as.
 */
class EeiEnsembleTest {
  private static final TrainOptions OPTIONS = TrainOptions.defaults().withEpochs(3).withSeed(11);

  private static Device device;
  private static Synthetic data;
  private static Synthetic holdout;
  private static EeiEnsemble three;
  private static final List<int[]> epochs = new ArrayList<>();

  @BeforeAll
  static void train() {
    device = RankDevice.choose("auto");
    data = Synthetic.generate(6_000, 1);
    holdout = Synthetic.generate(500, 2);
    three = EeiEnsemble.train(device, 3, data.features, data.labels, null, null, null, OPTIONS,
        (member, epoch) -> epochs.add(new int[] {member, epoch.epoch()}));
  }

  @AfterAll
  static void close() {
    if (three != null) {
      three.close();
    }
  }

  @Test
  void scoresTheMeanOfNetworksTrainedWithTheirOwnSeeds() {
    assertThat(three.size()).isEqualTo(3);
    assertThat(three.architecture()).endsWith(" x3");
    assertThat(epochs).extracting(e -> e[0] + "/" + e[1])
        .containsExactly("1/1", "1/2", "1/3", "2/1", "2/2", "2/3", "3/1", "3/2", "3/3");
    float[] mean = new float[holdout.labels.length];
    List<float[]> alone = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      try (EeiModel single = EeiModel.create(device)) {
        single.train(data.features, data.labels, OPTIONS.withSeed(OPTIONS.seed() + EeiEnsemble.SEED_STRIDE * m));
        float[] s = single.score(holdout.features);
        alone.add(s);
        for (int i = 0; i < s.length; i++) {
          mean[i] += s[i] / 3;
        }
      }
    }
    assertThat(alone.get(0)).as("the members differ").isNotEqualTo(alone.get(1));
    float[] served = three.score(holdout.features, null);
    for (int i = 0; i < served.length; i++) {
      assertThat(served[i]).isCloseTo(mean[i], within(1e-5f));
    }
    assertThat(Auc.of(served, holdout.labels)).isGreaterThan(0.85);
  }

  @Test
  void savesAndLoadsAsOneDirectoryAndLoadsAPlainModelAsOneMember(@TempDir Path dir) throws Exception {
    Path saved = dir.resolve(three.version());
    three.save(saved);
    assertThat(saved.resolve(EeiModel.METADATA_FILE)).isRegularFile();
    assertThat(saved.resolve("member-2").resolve(EeiModel.METADATA_FILE)).isRegularFile();
    assertThat(saved.resolve("member-3").resolve(EeiModel.METADATA_FILE)).isRegularFile();
    try (EeiEnsemble loaded = EeiEnsemble.load(saved, device)) {
      assertThat(loaded.size()).isEqualTo(3);
      assertThat(loaded.version()).isEqualTo(three.version());
      assertThat(loaded.score(holdout.features, null)).containsExactly(three.score(holdout.features, null));
    }

    Path plain = dir.resolve("plain");
    try (EeiModel single = EeiModel.create(device)) {
      single.train(data.features, data.labels, OPTIONS);
      single.save(plain);
      try (EeiEnsemble one = EeiEnsemble.load(plain, device)) {
        assertThat(one.size()).isEqualTo(1);
        assertThat(one.architecture()).isEqualTo(single.architecture());
        assertThat(one.score(holdout.features, null)).containsExactly(single.score(holdout.features));
      }
    }

    Files.delete(saved.resolve("member-3").resolve(EeiModel.METADATA_FILE));
    assertThatThrownBy(() -> EeiEnsemble.load(saved, device)).isInstanceOf(ModelArtifactException.class);
  }

  @Test
  void refusesAnEmptyOrOversizedEnsemble() {
    for (int size : new int[] {0, EeiEnsemble.MAX_MEMBERS + 1}) {
      assertThatThrownBy(() -> EeiEnsemble.train(device, size, data.features, data.labels, null, null, null,
          OPTIONS, (m, e) -> { }))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("members must be in [1, 16], got " + size);
    }
  }
}
