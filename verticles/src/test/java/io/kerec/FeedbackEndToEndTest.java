package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Addresses;
import io.kerec.bus.Complement;
import io.kerec.bus.Complements;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exposure and click feedback, attributed to edges through the {@code because} of the shown recommendation, moves
 * the edges' weights in the running engine (no restart) and survives a restart: real HTTP, PostgreSQL, JanusGraph.
 */
@Tag("e2e")
class FeedbackEndToEndTest {
  @TempDir
  Path data;

  @Test
  void clicksRaiseAnEdgeExposuresWithoutClicksLowerItAndBothSurviveARestart() throws Exception {
    KerecConfig config = TestEngines.config(data);
    Map<String, Double> live;
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, config);
    try {
      WebClient http = WebClient.create(vertx);
      JsonArray items = new JsonArray()
          .add(new JsonObject().put("id", "T1").put("title", "ROSES REGENCY TEACUP"))
          .add(new JsonObject().put("id", "S1").put("title", "ROSES REGENCY SAUCER"))
          .add(new JsonObject().put("id", "C1").put("title", "REGENCY CAKESTAND 3 TIER"));
      assertThat(post(http, engine, "/v1/items", items).statusCode()).isEqualTo(202);
      await(vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(List.of(
          new Complement("teacup", "saucer", 0.6, 0.6, "test"),
          new Complement("teacup", "cake stand", 0.6, 0.6, "test")))));
      assertThat(weights(http, engine)).containsEntry("saucer", 0.6).containsEntry("cake stand", 0.6);

      HttpResponse<Buffer> bad = post(http, engine, "/v1/events", new JsonArray().add(new JsonObject()
          .put("type", "click").put("userId", "u").put("itemId", "S1")
          .put("because", new JsonObject().put("triggerEntity", "teacup"))));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("[0].because.entity");

      JsonArray events = new JsonArray();
      Instant ts = Instant.parse("2011-05-01T10:00:00Z");
      for (int u = 0; u < 300; u++) {
        feedback(events, "exposure", u, "S1", "saucer", ts);
        feedback(events, "exposure", u, "C1", "cake stand", ts);
        if (u % 5 == 0) {
          feedback(events, "click", u, "S1", "saucer", ts);
        }
      }
      for (int from = 0; from < events.size(); from += 100) {
        JsonArray chunk = new JsonArray(events.getList().subList(from, Math.min(events.size(), from + 100)));
        assertThat(post(http, engine, "/v1/events", chunk).statusCode()).isEqualTo(202);
      }
      pollWeights(http, engine, w -> w.get("saucer") > 0.6 && w.get("cake stand") < 0.6);
      // the timer may have flushed while the last chunks were still arriving: flush what is left, then read
      await(vertx.eventBus().request(Addresses.GRAPH_FEEDBACK_FLUSH, "flush"));
      live = weights(http, engine);
      assertThat(live.get("saucer")).as("20%% click rate through teacup -> saucer").isGreaterThan(1.0);
      assertThat(live.get("cake stand")).as("no clicks through teacup -> cake stand").isLessThan(0.3);
      JsonObject graph = get(http, engine, "/health").bodyAsJsonObject().getJsonObject("components")
          .getJsonObject("graph").getJsonObject("details");
      assertThat(graph.getLong("feedbackExposures")).isEqualTo(600);
      assertThat(graph.getLong("feedbackClicks")).isEqualTo(60);
    } finally {
      await(engine.stop());
      await(vertx.close());
    }

    Vertx again = Engine.newVertx();
    Engine restarted = TestEngines.start(again, config);
    try {
      WebClient http = WebClient.create(again);
      Map<String, Double> afterRestart = weights(http, restarted);
      assertThat(afterRestart.get("saucer")).isCloseTo(live.get("saucer"), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(afterRestart.get("cake stand"))
          .isCloseTo(live.get("cake stand"), org.assertj.core.data.Offset.offset(1e-9));
    } finally {
      await(restarted.stop());
      await(again.close());
    }
  }

  private static void feedback(JsonArray events, String type, int user, String item, String entity, Instant ts) {
    events.add(new JsonObject().put("id", type + "-" + user + "-" + item).put("type", type).put("userId", "u" + user)
        .put("itemId", item).put("ts", ts.plusSeconds(user).toString())
        .put("because", new JsonObject().put("triggerItemId", "T1").put("triggerEntity", "teacup")
            .put("entity", entity).put("edgeWeight", 0.6)));
  }

  private static Map<String, Double> pollWeights(WebClient http, Engine engine,
                                                 java.util.function.Predicate<Map<String, Double>> ok)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    Map<String, Double> w = weights(http, engine);
    while (!ok.test(w) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      w = weights(http, engine);
    }
    assertThat(ok.test(w)).as("weights moved: %s", w).isTrue();
    return w;
  }

  private static Map<String, Double> weights(WebClient http, Engine engine) {
    JsonObject body = get(http, engine, "/v1/entities/teacup/complements").bodyAsJsonObject();
    Map<String, Double> w = new HashMap<>();
    body.getJsonArray("complements").forEach(o -> {
      JsonObject c = (JsonObject) o;
      w.put(c.getString("entity"), c.getDouble("weight"));
    });
    return w;
  }

  private static HttpResponse<Buffer> post(WebClient http, Engine engine, String path, JsonArray body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(body.toBuffer()));
  }

  private static HttpResponse<Buffer> get(WebClient http, Engine engine, String path) {
    return await(http.get(engine.httpPort(), "127.0.0.1", path).send());
  }
}
