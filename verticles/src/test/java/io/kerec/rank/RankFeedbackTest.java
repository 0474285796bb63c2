package io.kerec.rank;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.Attribution;
import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.Done;
import io.kerec.bus.EventType;
import io.kerec.bus.FeedbackApplied;
import io.kerec.bus.FeedbackFact;
import io.kerec.bus.Features;
import io.kerec.bus.HealthReport;
import io.kerec.bus.RecordCodec;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Served;
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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rank verticle learns from real exposures and clicks what purchase history cannot show: in the history a
 * candidate's price says nothing, but the users who are shown recommendations click the cheap ones. With the
 * feedback samples the served model ranks cheap candidates first; without them (weight 0) it cannot.
 */
class RankFeedbackTest {
  private static final int SERVINGS = 300;
  private static final int SHOWN = 10;

  @Test
  void learnsFromExposuresAndClicksWhatPurchaseHistoryDoesNotShow(@TempDir Path dir) {
    double withFeedback = trainAndProbe(dir.resolve("with"), 2);
    double without = trainAndProbe(dir.resolve("without"), 0);
    System.out.printf("AUC of 'cheap' among equal candidates: %.3f with feedback samples, %.3f without%n",
        withFeedback, without);
    assertThat(withFeedback).isGreaterThan(0.8);
    assertThat(without).isLessThan(0.65);
  }

  private static double trainAndProbe(Path dataDir, int feedbackWeight) {
    Synthetic history = Synthetic.generate(6_000, 1);
    int[] groups = new int[history.labels.length];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i / 20;
    }
    TrainingSet set = new TrainingSet(history.features, history.labels, groups);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dataDir.toString());
    o.putObject("rank").put("device", "cpu").put("autoTrain", false).put("minPositives", 10).put("epochs", 6)
        .put("feedbackWeight", feedbackWeight);
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);
    Vertx vertx = Vertx.vertx();
    try {
      RecordCodec.registerAll(vertx);
      vertx.eventBus().consumer(Addresses.GRAPH_TRAINING_SET, msg -> msg.reply(set));
      await(vertx.deployVerticle(new RankVerticle(config)));
      int clicks = showAndClickCheapOnes(vertx);
      HealthReport health = health(vertx);
      assertThat(health.details().get("feedbackSamples")).isEqualTo(feedbackWeight > 0 ? SERVINGS * SHOWN : 0);
      assertThat(health.details().get("feedbackPositives")).isEqualTo(feedbackWeight > 0 ? clicks : 0);
      int trained = await(vertx.eventBus().<Done>request(Addresses.RANK_TRAIN, "now",
          new DeliveryOptions().setSendTimeout(600_000)), Duration.ofMinutes(10)).body().count();
      assertThat(trained).isEqualTo(set.labels().length + feedbackWeight * SERVINGS * SHOWN);
      if (feedbackWeight > 0) {
        assertThat(String.valueOf(health(vertx).details().get("lastTraining")))
            .contains("of them " + SERVINGS * SHOWN + " logged exposures (" + clicks + " clicked) x" + feedbackWeight);
      }
      return probeAuc(vertx);
    } finally {
      await(vertx.close());
    }
  }

  /** Each serving shows ten synthetic candidates; the user clicks those priced under 20. */
  private static int showAndClickCheapOnes(Vertx vertx) {
    Random random = new Random(3);
    List<FeedbackFact> feedback = new ArrayList<>();
    long ts = 0;
    int clicks = 0;
    for (int s = 0; s < SERVINGS; s++) {
      String user = "u" + s;
      Synthetic rows = Synthetic.generate(SHOWN, random.nextLong());
      List<Served.ServedItem> items = new ArrayList<>();
      for (int i = 0; i < SHOWN; i++) {
        String item = "i" + s + "-" + i;
        items.add(new Served.ServedItem(item, rows.features[i], new CandidateIds(item, "a", "b")));
        feedback.add(fact(EventType.EXPOSURE, user, item, ts++));
        if (cheap(rows.features[i])) {
          feedback.add(fact(EventType.CLICK, user, item, ts++));
          clicks++;
        }
      }
      vertx.eventBus().publish(Addresses.RANK_SERVED, new Served(user, items));
    }
    vertx.eventBus().publish(Addresses.FEEDBACK_APPLIED, new FeedbackApplied(feedback));
    return clicks;
  }

  private static boolean cheap(float[] features) {
    return Math.expm1(features[Features.PRICE]) < 20;
  }

  /** Candidates equal in everything purchase history rewards, differing in price and noise. */
  private static double probeAuc(Vertx vertx) {
    Synthetic probe = Synthetic.generate(400, 11);
    List<Candidate> candidates = new ArrayList<>();
    float[] labels = new float[probe.labels.length];
    for (int i = 0; i < labels.length; i++) {
      float[] f = probe.features[i];
      f[Features.EDGE_WEIGHT] = 6f;
      f[Features.ITEM_SHARE] = 0.5f;
      labels[i] = cheap(f) ? 1f : 0f;
      candidates.add(new Candidate("p" + i, "probe", "complement", f, 0.5, null, false));
    }
    double[] scores = await(vertx.eventBus().<io.kerec.bus.Scores>request(Addresses.RANK_SCORE,
        new ScoreRequest(candidates))).body().scores();
    float[] s = new float[scores.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) scores[i];
    }
    return Auc.of(s, labels);
  }

  private static HealthReport health(Vertx vertx) {
    return await(vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + "rank", "")).body();
  }

  private static FeedbackFact fact(EventType type, String user, String item, long ts) {
    return new FeedbackFact(type + "/" + user + "/" + item, type, user, item, ts, new Attribution("a", "b"));
  }
}
