package io.kerec.api;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Candidate;
import io.kerec.bus.RecallRequest;
import io.kerec.bus.RecallResult;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendation;
import io.kerec.bus.Recommendations;
import io.kerec.bus.RecordCodec;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.config.ExperimentOptions;
import io.kerec.experiment.Experiments;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The recommender against fake graph and rank peers on the bus: an arm's overrides change how its users' answers
 * are made (rank model or base score, candidates asked of recall, fresh slots), and every answer names the arm.
 */
class RecommenderExperimentTest {
  private Vertx vertx;
  private final AtomicInteger askedCandidates = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicReference<List<String>> askedSources =
      new java.util.concurrent.atomic.AtomicReference<>();

  @BeforeEach
  void peers() {
    vertx = Vertx.vertx();
    RecordCodec.registerAll(vertx);
    // recall: five sold items with base scores 5..1 and two never-sold ones
    vertx.eventBus().<RecallRequest>consumer(Addresses.GRAPH_RECALL, msg -> {
      askedCandidates.set(msg.body().maxCandidates());
      askedSources.set(msg.body().complementSources());
      List<Candidate> out = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        out.add(new Candidate("I" + i, "item " + i, "complement", new float[0], 6 - i, null, false));
      }
      out.add(new Candidate("N1", "new 1", "complement", new float[0], 0.5, null, true));
      out.add(new Candidate("N2", "new 2", "complement", new float[0], 0.4, null, true));
      msg.reply(new RecallResult(msg.body().userId(), true, out));
    });
    // rank: the model reverses the base order
    vertx.eventBus().<ScoreRequest>consumer(Addresses.RANK_SCORE, msg -> msg.reply(new Scores(
        msg.body().candidates().stream().mapToDouble(c -> -c.baseScore()).toArray(), "test-model")));
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void eachArmsOverridesShapeItsUsersAnswers() {
    ExperimentOptions e = new ExperimentOptions("rank", "s", List.of(
        new ExperimentOptions.Arm("model", 1, null),
        new ExperimentOptions.Arm("base", 1, new ExperimentOptions.Overrides("base", 0, 42, List.of("openai")))));
    Experiments experiments = new Experiments(List.of(e));
    Recommender recommender = new Recommender(vertx, 500, 2, 0, false, experiments);
    String modelUser = user(e, "model");
    String baseUser = user(e, "base");

    Recommendations model = await(recommender.recommend(new RecommendRequest(modelUser, 4)));
    assertThat(model.experiment().name()).isEqualTo("rank");
    assertThat(model.experiment().arm()).isEqualTo("model");
    assertThat(askedCandidates.get()).isEqualTo(500);
    assertThat(askedSources.get()).as("the control arm follows every edge").isNull();
    // the model's order (I5 first), and the two fresh slots at the end
    assertThat(ids(model)).containsExactly("I5", "I4", "N1", "N2");

    Recommendations base = await(recommender.recommend(new RecommendRequest(baseUser, 4)));
    assertThat(base.experiment().arm()).isEqualTo("base");
    assertThat(askedCandidates.get()).isEqualTo(42);
    assertThat(askedSources.get()).containsExactly("openai");
    // the base score's order, no fresh slots
    assertThat(ids(base)).containsExactly("I1", "I2", "I3", "I4");

    Recommendations outside = await(new Recommender(vertx, 500, 2, 0, false, Experiments.NONE)
        .recommend(new RecommendRequest(baseUser, 4)));
    assertThat(outside.experiment()).isNull();
    assertThat(ids(outside)).isEqualTo(ids(model));
  }

  @Test
  void aRequestMayAskForTheOrderServedWithoutAModelOutsideAnyExperiment() {
    ExperimentOptions e = new ExperimentOptions("rank", "s", List.of(
        new ExperimentOptions.Arm("model", 1, null),
        new ExperimentOptions.Arm("base", 1, new ExperimentOptions.Overrides("base", 0, 42))));
    Recommender recommender = new Recommender(vertx, 500, 1, 0, false, new Experiments(List.of(e)));
    String modelUser = user(e, "model");

    Recommendations base = await(recommender.recommend(
        new RecommendRequest(modelUser, 4, RecommendRequest.RANK_BASE)));
    assertThat(base.experiment()).as("asked for an order, so in no arm").isNull();
    assertThat(askedCandidates.get()).isEqualTo(500);
    // the base score's order, and the engine's one fresh slot (N1: the stronger graph evidence of two new items)
    assertThat(ids(base)).containsExactly("I1", "I2", "I3", "N1");

    Recommendations model = await(recommender.recommend(
        new RecommendRequest(user(e, "base"), 4, RecommendRequest.RANK_MODEL)));
    assertThat(model.experiment()).isNull();
    assertThat(ids(model)).containsExactly("I5", "I4", "I3", "N1");

    var refused = recommender.recommend(new RecommendRequest(modelUser, 4, "graph"));
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(BusError.class)
        .hasMessageContaining("rank must be 'model' or 'base', got 'graph'");
    assertThat(((BusError) refused.cause()).failureCode()).isEqualTo(400);
    assertThat(((BusError) refused.cause()).field()).isEqualTo("rank");
  }

  private static String user(ExperimentOptions e, String arm) {
    for (int u = 0; ; u++) {
      if (Experiments.arm(e, "user-" + u).name().equals(arm)) {
        return "user-" + u;
      }
    }
  }

  private static List<String> ids(Recommendations r) {
    return r.items().stream().map(Recommendation::itemId).toList();
  }
}
