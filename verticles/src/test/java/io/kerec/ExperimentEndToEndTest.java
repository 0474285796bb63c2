package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendations;
import io.kerec.config.ConfigLoader;
import io.kerec.config.ExperimentOptions;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.kerec.experiment.Experiments;
import io.kerec.graph.recall.RecallView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An A/B experiment from the configuration, end to end: users are split over its two arms (the answers name the
 * arm, over HTTP, the WebSocket and the bus), an arm's overrides change its users' answers, and the report counted
 * from a scripted stream of exposures, clicks and purchases matches the script's own counts, before and after a
 * restart.
 */
@Tag("e2e")
class ExperimentEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentEndToEndTest.class);
  private static final String NAME = "graph-vs-narrow";
  private static final Instant T0 = Instant.parse("2011-04-01T09:00:00Z");
  private static final int SPLIT_USERS = 10_000;
  private static final int SCRIPT_USERS = 400;

  private WebClient http;

  @Test
  void twoArmsFromTheConfigReportWhatTheScriptDid(@TempDir Path data) throws Exception {
    KerecConfig config = config(data);
    Experiments experiments = new Experiments(config.experiments());
    Vertx vertx = Engine.newVertx();
    http = WebClient.create(vertx);
    Engine engine = TestEngines.start(vertx, config);
    try {
      int port = engine.httpPort();
      assertThat(post(port, "/v1/items", new JsonArray(TeaShop.items()).encode()).statusCode()).isEqualTo(202);
      assertThat(post(port, "/v1/events", TeaShop.bills().encode()).statusCode()).isEqualTo(202);
      pollComplements(port);

      // the split over 10,000 simulated users, as the answers name it
      Map<String, Integer> split = new java.util.concurrent.ConcurrentHashMap<>();
      List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
      for (int u = 0; u < SPLIT_USERS; u++) {
        String user = "sim-" + u;
        inFlight.add(http.get(port, "127.0.0.1", "/v1/users/" + user + "/recommendations?k=3").send()
            .map(r -> {
              JsonObject arm = r.bodyAsJsonObject().getJsonObject("experiment");
              assertThat(arm.getString("name")).isEqualTo(NAME);
              assertThat(arm.getString("arm")).isEqualTo(Experiments.arm(config.experiments().get(0), user).name());
              split.merge(arm.getString("arm"), 1, Integer::sum);
              return r;
            }));
        if (inFlight.size() == 16) {
          await(Future.all(inFlight));
          inFlight.clear();
        }
      }
      await(Future.all(inFlight));
      LOG.info("arm split over {} simulated users: {}", SPLIT_USERS, split);
      // weights 1 : 1, within 4 standard deviations (50 users)
      assertThat(split.get("control")).isBetween(SPLIT_USERS / 2 - 200, SPLIT_USERS / 2 + 200);
      assertThat(split.get("control") + split.get("narrow")).isEqualTo(SPLIT_USERS);

      String metrics = get(port, "/metrics").bodyAsString();
      assertThat(metrics).contains("kerec_experiment_answers_total{arm=\"control\",experiment=\"" + NAME + "\"}",
          "kerec_experiment_answers_total{arm=\"narrow\",experiment=\"" + NAME + "\"}");

      // the bus reply and the WebSocket frame carry the arm too
      Recommendations overBus = await(vertx.eventBus().<Recommendations>request(Addresses.RECOMMEND,
          new RecommendRequest("u1", 5))).body();
      assertThat(overBus.experiment().arm()).isEqualTo(experiments.armNames("u1").get(NAME));
      CompletableFuture<JsonObject> frame = new CompletableFuture<>();
      ClientWebSocket socket = vertx.createWebSocketClient().webSocket();
      socket.textMessageHandler(text -> frame.complete(new JsonObject(text)));
      await(socket.connect(port, "127.0.0.1", "/v1/live?userId=v2"));
      assertThat(frame.get(10, TimeUnit.SECONDS).getJsonObject("experiment").getString("arm"))
          .isEqualTo(experiments.armNames("v2").get(NAME));
      await(socket.close());

      // the narrow arm's override (one recalled candidate, no fresh slots) shapes its users' answers
      int widestControl = 0;
      for (String user : List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "v0", "v1", "v2", "v3",
          "v4", "v5", "v6", "v7", "v8", "v9")) {
        JsonObject answer = get(port, "/v1/users/" + user + "/recommendations?k=10").bodyAsJsonObject();
        long recalled = answer.getJsonArray("items").stream()
            .filter(i -> !RecallView.CHANNEL_POPULAR.equals(((JsonObject) i).getString("channel"))).count();
        if (experiments.armNames(user).get(NAME).equals("narrow")) {
          assertThat(recalled).as(user + " in the narrow arm: " + answer.encode()).isLessThanOrEqualTo(1);
        } else {
          widestControl = Math.max(widestControl, (int) recalled);
        }
      }
      assertThat(widestControl).as("recalled items in a control user's answer").isGreaterThan(1);

      // a scripted stream, and what it adds up to per arm
      Map<String, long[]> expected = new HashMap<>();
      JsonArray events = new JsonArray();
      String[] shown = {"S1", "K1", "H1"};
      for (int i = 0; i < SCRIPT_USERS; i++) {
        String user = "script-" + i;
        String arm = experiments.armNames(user).get(NAME);
        long[] c = expected.computeIfAbsent(arm, a -> new long[5]); // users, exposures, clicks, purchases, buyers
        Instant t = T0.plusSeconds(i * 10L);
        int exposures = 1 + i % 3;
        c[0]++;
        for (int j = 0; j < exposures; j++) {
          events.add(event("x" + i + "-" + j, "exposure", user, shown[j], t));
          c[1]++;
        }
        if (i % 4 == 0) {
          events.add(event("c" + i, "click", user, shown[0], t.plusSeconds(1)));
          c[2]++;
        }
        int attributed = 0;
        if (i % 5 == 0) {
          events.add(event("p" + i, "purchase", user, shown[0], t.plusSeconds(5)));
          attributed++;
        }
        if (i % 7 == 0 && exposures > 1) {
          events.add(event("q" + i, "purchase", user, shown[1], t.plusSeconds(6)));
          attributed++;
        }
        if (i % 3 == 0) {
          // not attributed: an item never shown to them, and one bought before it was shown
          events.add(event("n" + i, "purchase", user, "B1", t.plusSeconds(7)));
          events.add(event("e" + i, "purchase", user, shown[exposures - 1], t.minusSeconds(60)));
        }
        c[3] += attributed;
        c[4] += attributed > 0 ? 1 : 0;
      }
      for (int from = 0; from < events.size(); from += 500) {
        JsonArray batch = new JsonArray(events.getList().subList(from, Math.min(events.size(), from + 500)));
        assertThat(post(port, "/v1/events", batch.encode()).statusCode()).isEqualTo(202);
      }
      JsonObject report = get(port, "/v1/experiments/" + NAME).bodyAsJsonObject();
      LOG.info("script's counts per arm (users, exposures, clicks, purchases, buyers): control {}, narrow {}",
          java.util.Arrays.toString(expected.get("control")), java.util.Arrays.toString(expected.get("narrow")));
      LOG.info("report: {}", report.encodePrettily());
      assertMatches(report, expected);

      // after a restart: the same report
      await(engine.stop());
      engine = TestEngines.start(vertx, config);
      JsonObject again = get(engine.httpPort(), "/v1/experiments/" + NAME).bodyAsJsonObject();
      assertThat(again).isEqualTo(report);
      JsonObject all = get(engine.httpPort(), "/v1/experiments").bodyAsJsonObject();
      assertThat(all.getJsonArray("experiments").getJsonObject(0)).isEqualTo(report);
      HttpResponse<Buffer> unknown = get(engine.httpPort(), "/v1/experiments/nope");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.bodyAsJsonObject().getString("field")).isEqualTo("name");
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }

  private static void assertMatches(JsonObject report, Map<String, long[]> expected) {
    assertThat(report.getString("name")).isEqualTo(NAME);
    assertThat(report.getString("control")).isEqualTo("control");
    JsonArray arms = report.getJsonArray("arms");
    assertThat(arms).hasSize(2);
    for (int i = 0; i < arms.size(); i++) {
      JsonObject arm = arms.getJsonObject(i);
      long[] c = expected.get(arm.getString("name"));
      assertThat(new long[] {arm.getLong("users"), arm.getLong("exposures"), arm.getLong("clicks"),
          arm.getLong("purchases"), arm.getLong("buyers")}).as(arm.getString("name")).isEqualTo(c);
      assertThat(arm.getJsonObject("conversion").getDouble("value")).isEqualTo(c[4] / (double) c[0]);
      assertThat(arm.getJsonObject("purchasesPerExposure").getDouble("value")).isEqualTo(c[3] / (double) c[1]);
    }
    JsonObject vs = arms.getJsonObject(1).getJsonObject("vsControl").getJsonObject("conversion");
    assertThat(vs.getDouble("pValue")).isBetween(0.0, 1.0);
    assertThat(vs.getDouble("low")).isLessThan(vs.getDouble("high"));
  }

  private static KerecConfig config(Path data) {
    ObjectNode o = TestEngines.overrides(data);
    ArrayNode experiments = o.putArray("experiments");
    ObjectNode e = experiments.addObject().put("name", NAME).put("salt", "2026-12");
    ArrayNode arms = e.putArray("arms");
    arms.addObject().put("name", "control").put("weight", 1);
    arms.addObject().put("name", "narrow").put("weight", 1).putObject("overrides")
        .put("maxCandidates", 1).put("freshSlots", 0);
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);
    assertThat(config.experiments()).extracting(ExperimentOptions::name).containsExactly(NAME);
    return config;
  }

  private static JsonObject event(String id, String type, String user, String item, Instant ts) {
    return new JsonObject().put("id", id).put("type", type).put("userId", user).put("itemId", item)
        .put("ts", ts.toString());
  }

  private void pollComplements(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject body = get(port, "/v1/entities/teacup/complements").bodyAsJsonObject();
      if (body.getJsonArray("complements").stream()
          .anyMatch(c -> "saucer".equals(((JsonObject) c).getString("entity")))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("teacup -> saucer was not judged within 30 s");
  }

  private HttpResponse<Buffer> post(int port, String path, String body) {
    return await(http.post(port, "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private HttpResponse<Buffer> get(int port, String path) {
    return await(http.get(port, "127.0.0.1", path).send());
  }
}
