package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.CandidateIds;
import io.kerec.bus.EntityLink;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Features;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The id-embedding E-E-I network learns what only the identities carry: here the features are noise and whether a
 * candidate is taken depends on its (trigger entity, target entity) pair alone.
 */
class EeiIdEmbeddingTest {
  private static final int ENTITIES = 30;
  private static final TrainOptions OPTIONS = TrainOptions.defaults().withEpochs(6).withSeed(5)
      .withIdEmbeddings(8, 3);

  record Rows(float[][] features, float[] labels, CandidateIds[] ids) {
  }

  /** Pairs (a, b) with (a + b) % 3 == 0 go together; every feature is noise. */
  static Rows generate(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[n][Features.SIZE];
    float[] y = new float[n];
    CandidateIds[] ids = new CandidateIds[n];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < Features.SIZE; f++) {
        x[i][f] = (float) rng.nextDouble();
      }
      int a = rng.nextInt(ENTITIES);
      int b = rng.nextInt(ENTITIES);
      boolean together = (a + b) % 3 == 0;
      y[i] = rng.nextDouble() < (together ? 0.7 : 0.1) ? 1f : 0f;
      ids[i] = new CandidateIds("item-" + rng.nextInt(200), "e" + a, "e" + b);
    }
    return new Rows(x, y, ids);
  }

  @Test
  void learnsFromIdentitiesWhatTheFeaturesDoNotCarry(@TempDir Path dir) throws Exception {
    Rows train = generate(12_000, 1);
    Rows test = generate(3_000, 2);
    double withIds;
    double featuresOnly;
    try (EeiModel model = EeiModel.create(RankDevice.choose("cpu"))) {
      model.train(train.features(), train.labels(), null, train.ids(), null, OPTIONS, epoch -> { });
      float[] scores = model.score(test.features(), test.ids());
      withIds = Auc.of(scores, test.labels());

      model.save(dir);
      assertThat(Files.readString(dir.resolve(EeiModel.METADATA_FILE))).contains("\"embeddingSize\" : 8", "\"e7\"");
      try (EeiModel loaded = EeiModel.load(dir, RankDevice.choose("cpu"))) {
        assertThat(loaded.score(test.features(), test.ids())).containsExactly(scores);
        float[] unknown = loaded.score(test.features(), new CandidateIds[test.labels().length]);
        assertThat(Auc.of(unknown, test.labels())).isLessThan(0.6);
        assertThat(loaded.score(test.features())).containsExactly(unknown);
      }
    }
    try (EeiModel plain = EeiModel.create(RankDevice.choose("cpu"))) {
      plain.train(train.features(), train.labels(), null, train.ids(), null, OPTIONS.withIdEmbeddings(0, 1), epoch -> { });
      featuresOnly = Auc.of(plain.score(test.features(), test.ids()), test.labels());
    }
    System.out.printf("AUC with id embeddings %.3f, features only %.3f%n", withIds, featuresOnly);
    assertThat(withIds).isGreaterThan(0.75);
    assertThat(featuresOnly).isLessThan(0.6);
  }

  /** Entity i complements i + 1 and i + 2 and is co-bought with i - 1 and i + 3 (unrelated to the labels). */
  static EntityViews ringViews() {
    List<EntityLink> complements = new ArrayList<>();
    List<EntityLink> coPurchases = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      complements.add(new EntityLink("e" + i, "e" + (i + 1) % ENTITIES, 1));
      complements.add(new EntityLink("e" + i, "e" + (i + 2) % ENTITIES, 1));
      coPurchases.add(new EntityLink("e" + i, "e" + (i + ENTITIES - 1) % ENTITIES, 1));
      coPurchases.add(new EntityLink("e" + i, "e" + (i + 3) % ENTITIES, 1));
    }
    return new EntityViews(complements, coPurchases);
  }

  /**
   * Views that agree with the planted rule through different entities: entity i complements the first five
   * entities j with (i + j) % 3 == 0 and is co-bought with the next five.
   */
  static EntityViews residueViews() {
    List<EntityLink> complements = new ArrayList<>();
    List<EntityLink> coPurchases = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      int found = 0;
      for (int j = 0; j < ENTITIES && found < 10; j++) {
        if ((i + j) % 3 == 0) {
          (found++ < 5 ? complements : coPurchases).add(new EntityLink("e" + i, "e" + j, 1));
        }
      }
    }
    return new EntityViews(complements, coPurchases);
  }

  private static EeiModel trained(Rows rows, EntityViews views, float weight) {
    EeiModel model = EeiModel.create(RankDevice.choose("cpu"));
    model.train(rows.features(), rows.labels(), null, rows.ids(), views, OPTIONS.withContrastiveWeight(weight),
        epoch -> assertThat(epoch.loss()).isFinite());
    return model;
  }

  @Test
  void contrastiveLossAlignsTheTwoViews() {
    Rows train = generate(6_000, 3);
    EntityViews ring = ringViews();
    float aligned;
    float unaligned;
    try (EeiModel model = trained(train, ring, 1f)) {
      aligned = model.alignmentLoss(ring);
    }
    try (EeiModel model = trained(train, ring, 0f)) {
      unaligned = model.alignmentLoss(ring);
    }
    System.out.printf("alignment loss %.3f with the contrastive term, %.3f without (chance %.3f)%n",
        aligned, unaligned, Math.log(ENTITIES));
    assertThat(aligned).isLessThan((float) Math.log(ENTITIES) * 0.5f);
    assertThat(unaligned).isGreaterThan((float) Math.log(ENTITIES));
  }

  @Test
  void viewsThatAgreeWithPurchasesKeepTheRankingLearnt() {
    Rows train = generate(12_000, 3);
    Rows test = generate(2_000, 4);
    try (EeiModel model = trained(train, residueViews(), 0.1f)) {
      double auc = Auc.of(model.score(test.features(), test.ids()), test.labels());
      System.out.printf("AUC with agreeing views aligned %.3f%n", auc);
      assertThat(auc).isGreaterThan(0.75);
    }
  }

  @Test
  void rareIdsShareTheUnknownRow() {
    CandidateIds[] ids = {
        new CandidateIds("i1", "a", "b"), new CandidateIds("i1", "a", null), new CandidateIds("i2", "c", "a")};
    IdVocabulary vocabulary = IdVocabulary.fit(ids, new float[] {1, 1, 1}, new int[] {0, 1, 2}, 2);
    assertThat(vocabulary.entities()).containsExactly("a");
    assertThat(vocabulary.items()).containsExactly("i1");
    float[] rows = new float[3];
    vocabulary.rows(new CandidateIds("i2", "a", "zzz"), rows, 0);
    assertThat(rows).containsExactly(1f, 0f, 0f);
    vocabulary.rows(null, rows, 0);
    assertThat(rows).containsExactly(0f, 0f, 0f);
    assertThat(IdVocabulary.fit(ids, new float[] {1, 0, 1}, new int[] {0, 1, 2}, 2).items()).isEmpty();
  }
}
