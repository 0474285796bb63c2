package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.kerec.bus.Features;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EeiModelTest {

  static final TrainOptions OPTIONS = TrainOptions.defaults().withEpochs(5).withSeed(11);

  static Synthetic data;
  static Synthetic holdout;
  static EeiModel model;
  static TrainingReport report;

  @BeforeAll
  static void train() {
    data = Synthetic.generate(8_000, 1);
    holdout = Synthetic.generate(4_000, 2);
    model = EeiModel.create(RankDevice.choose("auto"));
    report = model.train(data.features, data.labels, OPTIONS);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  @Test
  void learnsThePlantedRuleAndBeatsSingleFeatures() {
    assertThat(data.positiveRate()).isBetween(0.1, 0.3);
    assertThat(report.epochs()).hasSize(OPTIONS.epochs());
    assertThat(report.finalAuc()).isGreaterThan(0.85);
    assertThat(report.epochs().get(report.epochs().size() - 1).loss())
        .isLessThan(report.epochs().get(0).loss());
    assertThat(report.validationRows()).isBetween(1598, 1602);
    assertThat(report.trainRows() + report.validationRows()).isEqualTo(data.labels.length);
    assertThat(report.samplesPerSecond()).isPositive();

    double modelAuc = Auc.of(model.score(holdout.features), holdout.labels);
    double edgeOnly = Auc.of(holdout.column(Features.EDGE_WEIGHT), holdout.labels);
    double shareOnly = Auc.of(holdout.column(Features.ITEM_SHARE), holdout.labels);
    System.out.printf("validation AUC %.4f, holdout AUC %.4f, EDGE_WEIGHT alone %.4f, "
        + "ITEM_SHARE alone %.4f%n", report.finalAuc(), modelAuc, edgeOnly, shareOnly);
    assertThat(modelAuc).isGreaterThan(0.85);
    assertThat(modelAuc).isGreaterThan(Math.max(edgeOnly, shareOnly) + 0.03);
  }

  @Test
  void scoresAreProbabilitiesInInputOrder() {
    float[][] rows = {holdout.features[0], holdout.features[1], holdout.features[2]};
    float[] all = model.score(rows);
    assertThat(all).hasSize(3);
    for (int i = 0; i < rows.length; i++) {
      assertThat(all[i]).isBetween(0f, 1f);
      // a batch of one may take a different BLAS kernel: equal up to float rounding
      assertThat(model.score(new float[][] {rows[i]})[0]).isCloseTo(all[i], within(1e-5f));
    }
    assertThat(model.score(new float[0][])).isEmpty();
    assertThatThrownBy(() -> model.score(new float[][] {new float[Features.SIZE - 1]}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trainingIsDeterministic() {
    try (EeiModel again = EeiModel.create(Device.cpu())) {
      TrainingReport second = again.train(data.features, data.labels, OPTIONS);
      assertThat(second.epochs()).isEqualTo(report.epochs());
      assertThat(again.score(holdout.features)).containsExactly(model.score(holdout.features));
    }
  }

  @Test
  void saveAndLoadGiveIdenticalScores(@TempDir Path dir) throws Exception {
    Path artefact = dir.resolve("eei-model");
    model.save(artefact);
    assertThat(artefact.resolve(EeiModel.METADATA_FILE)).exists();
    String json = Files.readString(artefact.resolve(EeiModel.METADATA_FILE));
    assertThat(json).contains("\"format\" : 1", "\"featureSize\" : " + Features.SIZE,
        "\"means\"", "\"stds\"", "\"createdAt\"", model.version());
    try (EeiModel loaded = EeiModel.load(artefact, Device.cpu())) {
      assertThat(loaded.version()).isEqualTo(model.version()).startsWith("eei-");
      assertThat(loaded.createdAt()).isEqualTo(model.createdAt());
      assertThat(loaded.trainingReport()).contains(report);
      assertThat(loaded.score(holdout.features)).containsExactly(model.score(holdout.features));
    }
  }

  @Test
  void rejectsBadArtefacts(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> EeiModel.load(dir, Device.cpu()))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(EeiModel.METADATA_FILE);
    Path artefact = dir.resolve("m");
    model.save(artefact);
    Path meta = artefact.resolve(EeiModel.METADATA_FILE);
    String json = Files.readString(meta);
    Files.writeString(meta, json.replace("\"featureSize\" : " + Features.SIZE,
        "\"featureSize\" : " + (Features.SIZE + 1)));
    assertThatThrownBy(() -> EeiModel.load(artefact, Device.cpu()))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("features");
    Files.writeString(meta, json.replace("\"format\" : 1", "\"format\" : 99"));
    assertThatThrownBy(() -> EeiModel.load(artefact, Device.cpu()))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("format 99");
    Files.writeString(meta, "{ not json");
    assertThatThrownBy(() -> EeiModel.load(artefact, Device.cpu()))
        .isInstanceOf(ModelArtifactException.class);
  }

  @Test
  void concurrentScoringMatchesSequential() throws Exception {
    float[][] batch = java.util.Arrays.copyOf(holdout.features, 500);
    float[] expected = model.score(batch);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        futures.add(pool.submit(() -> model.score(batch)));
      }
      for (Future<float[]> f : futures) {
        assertThat(f.get()).containsExactly(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lifecycleAndValidation() {
    try (EeiModel fresh = EeiModel.create(Device.cpu())) {
      assertThat(fresh.version()).isEqualTo("untrained");
      assertThat(fresh.isTrained()).isFalse();
      assertThat(fresh.trainingReport()).isEmpty();
      assertThatThrownBy(() -> fresh.score(new float[1][Features.SIZE]))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> fresh.save(Path.of("unused")))
          .isInstanceOf(IllegalStateException.class);
      float[][] x = new float[4][Features.SIZE];
      assertThatThrownBy(() -> fresh.train(x, new float[] {0, 1, 0.5f, 0}, OPTIONS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or 1");
      assertThatThrownBy(() -> fresh.train(x, new float[3], OPTIONS))
          .isInstanceOf(IllegalArgumentException.class);
      x[1][2] = Float.NaN;
      assertThatThrownBy(() -> fresh.train(x, new float[] {0, 1, 0, 1}, OPTIONS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
      assertThatThrownBy(() -> fresh.train(new float[4][Features.SIZE], new float[4], OPTIONS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("single class");
    }
    assertThatThrownBy(() -> model.train(data.features, data.labels, OPTIONS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already trained");
    EeiModel closed = EeiModel.create(Device.cpu());
    closed.close();
    closed.close();
    assertThatThrownBy(() -> closed.score(new float[1][Features.SIZE]))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new TrainOptions(0, 1, 0.1f, 0.2, 1, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrainOptions.defaults().withValidationFraction(1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutValidationAucIsNaNAndSurvivesSaving(@TempDir Path dir) throws Exception {
    Synthetic small = Synthetic.generate(600, 5);
    try (EeiModel m = EeiModel.create(Device.cpu())) {
      TrainingReport r = m.train(small.features, small.labels,
          OPTIONS.withEpochs(1).withValidationFraction(0).withBalanceClasses(false));
      assertThat(r.validationRows()).isZero();
      assertThat(r.finalAuc()).isNaN();
      assertThat(r.epochs().get(0).validationAuc()).isNaN();
      assertThat(r.samplesSeen()).isEqualTo(600);
      assertThat(m.score(small.features)).hasSize(600);
      m.save(dir);
      try (EeiModel loaded = EeiModel.load(dir, Device.cpu())) {
        assertThat(loaded.trainingReport()).contains(r);
      }
    }
  }
}
