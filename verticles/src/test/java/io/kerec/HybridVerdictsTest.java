package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid judging: where an LLM has judged a pair (here two verdicts as {@code kerec judge import} stores them), its
 * verdict decides the edge over the evidence rule's, after a restart as live; the evidence rule covers the rest.
 * The complements API shows each edge's provider, model and reason.
 */
@Tag("e2e")
class HybridVerdictsTest {
  @TempDir
  Path data;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void anLlmVerdictWinsOverTheEvidenceRuleAndTheApiSaysWhoDecided() throws Exception {
    Vertx vertx = Vertx.vertx();
    KerecConfig config = TestEngines.config(data);
    Engine engine = TestEngines.start(vertx, config);
    try {
      String base = "http://127.0.0.1:" + engine.httpPort();
      assertThat(post(base + "/v1/items", new JsonArray(TeaShop.items()).encode())).isEqualTo(202);
      assertThat(post(base + "/v1/events", TeaShop.bills().encode())).isEqualTo(202);
      JsonObject saucer = pollComplement(base, "teacup", "saucer");
      assertThat(saucer.getString("source")).isEqualTo("evidence");
      assertThat(saucer.getString("model")).isEqualTo("wilson-minilm-v2");
      assertThat(saucer.getString("reason")).startsWith("bought together in 10 of 10 baskets with teacup");

      Pool pool = PgBuilder.pool().connectingTo(engine.postgres()).using(vertx).build();
      String insert = "INSERT INTO verdicts (source, target, provider, model, prompt_version, complementary,"
          + " confidence, reason, tokens) VALUES ($1, $2, 'openai', 'gpt-test', 'complementary-v1', $3, $4, $5, 12)";
      await(pool.preparedQuery(insert).executeBatch(List.of(
          Tuple.of("teacup", "saucer", false, 0.9, "the model says: not in this shop"),
          Tuple.of("teacup", "cake stand", true, 0.8, "the model says: cake with tea"))));
      await(pool.close());
      await(engine.stop());
      engine = TestEngines.start(vertx, config);
      base = "http://127.0.0.1:" + engine.httpPort();

      JsonArray teacup = get(base + "/v1/entities/teacup/complements").getJsonArray("complements");
      assertThat(teacup.stream().map(c -> ((JsonObject) c).getString("entity"))).doesNotContain("saucer");
      JsonObject stand = teacup.stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("entity").equals("cake stand")).findFirst().orElseThrow();
      assertThat(stand.getString("source")).isEqualTo("openai");
      assertThat(stand.getString("model")).isEqualTo("gpt-test");
      assertThat(stand.getString("reason")).isEqualTo("the model says: cake with tea");
      // the evidence rule still decides the pairs no LLM judged
      JsonObject cases = get(base + "/v1/entities/cake%20stand/complements").getJsonArray("complements").stream()
          .map(JsonObject.class::cast).filter(c -> c.getString("entity").equals("cake case")).findFirst()
          .orElseThrow();
      assertThat(cases.getString("source")).isEqualTo("evidence");
      assertThat(cases.getString("reason")).contains("names share 'cake'");
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }

  private JsonObject pollComplement(String base, String entity, String target) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = get(base + "/v1/entities/" + entity + "/complements");
      for (Object c : last.getJsonArray("complements")) {
        if (((JsonObject) c).getString("entity").equals(target)) {
          return (JsonObject) c;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + entity + " -> " + target + " within 30 s: " + last);
  }

  private int post(String url, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
