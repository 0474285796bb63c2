package io.kerec.rank;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.Because;
import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.Done;
import io.kerec.bus.HealthReport;
import io.kerec.bus.RecordCodec;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.bus.TrainingSet;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rank verticle with id embeddings and the contrastive alignment switched on: it trains from a training set
 * that carries identities and entity views, scores candidates by their {@code because} path, saves the model with
 * its vocabulary, and a restarted verticle loads it and scores the same.
 */
class RankIdEmbeddingTest {

  @Test
  void trainsScoresAndReloadsAModelWithIdEmbeddings(@TempDir Path dataDir) {
    EeiIdEmbeddingTest.Rows train = EeiIdEmbeddingTest.generate(12_000, 7);
    EeiIdEmbeddingTest.Rows probe = EeiIdEmbeddingTest.generate(200, 8);
    int[] groups = new int[train.labels().length];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i / 20;
    }
    TrainingSet set = new TrainingSet(train.features(), train.labels(), groups, train.ids(),
        EeiIdEmbeddingTest.residueViews());
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < probe.labels().length; i++) {
      CandidateIds id = probe.ids()[i];
      candidates.add(new Candidate(id.itemId(), "item", "complement", probe.features()[i], 0.5,
          new Because("t" + i, id.triggerEntity(), id.targetEntity(), 0.5), false));
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dataDir.toString());
    o.putObject("rank").put("device", "cpu").put("autoTrain", false).put("minPositives", 10).put("epochs", 6)
        .put("pairwise", false).put("idEmbedding", 8).put("minIdCount", 3).put("contrastiveWeight", 0.1);
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);

    double[] first;
    Vertx vertx = Vertx.vertx();
    try {
      RecordCodec.registerAll(vertx);
      vertx.eventBus().consumer(Addresses.GRAPH_TRAINING_SET, msg -> msg.reply(set));
      await(vertx.deployVerticle(new RankVerticle(config)));
      assertThat(await(vertx.eventBus().<Done>request(Addresses.RANK_TRAIN, "now",
          new DeliveryOptions().setSendTimeout(600_000)), Duration.ofMinutes(10)).body().count())
          .isEqualTo(set.labels().length);
      HealthReport health = await(vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + "rank", "")).body();
      assertThat(String.valueOf(health.details().get("lastTraining"))).contains("eei-ids8-");
      first = score(vertx, candidates);
      double auc = Auc.of(toFloats(first), probe.labels());
      System.out.printf("rank verticle with id embeddings: AUC %.3f on 200 candidates%n", auc);
      assertThat(auc).isGreaterThan(0.7);
    } finally {
      await(vertx.close());
    }

    Vertx restarted = Vertx.vertx();
    try {
      RecordCodec.registerAll(restarted);
      await(restarted.deployVerticle(new RankVerticle(config)));
      assertThat(score(restarted, candidates)).containsExactly(first);
    } finally {
      await(restarted.close());
    }
  }

  private static double[] score(Vertx vertx, List<Candidate> candidates) {
    Scores scores = await(vertx.eventBus().<Scores>request(Addresses.RANK_SCORE, new ScoreRequest(candidates)))
        .body();
    assertThat(scores.model()).startsWith("eei-");
    return scores.scores();
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
