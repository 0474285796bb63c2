package io.kerec.ingest;

import static io.kerec.testing.Await.await;
import static io.kerec.ingest.KafkaRig.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.engine.Engine;
import io.kerec.config.KerecConfig;
import io.kerec.judge.EntityPair;
import io.kerec.judge.OpenAiVerdictProvider;
import io.kerec.judge.PairQueue;
import io.kerec.store.DeadLetterQuery;
import io.kerec.store.Store;
import io.kerec.store.StoredDeadLetter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts of an external judge through a real in-process KRaft broker into an engine whose own judge is an LLM
 * (batch dispatch, so nothing is ever sent): each verdict is one PostgreSQL row however often it is delivered, the
 * complementary ones are COMPLEMENTS edges served by the HTTP API, their pairs leave the engine's LLM queue and
 * cannot be queued again, bad records are dead letters naming the field, and all of it survives a restart.
 */
@Tag("e2e")
class KafkaVerdictsTest {
  private static final String TOPIC = "judge.verdicts";
  private static final String MODEL = "engine-llm";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path data;

  @Test
  void externalVerdictsStoredOnceReachTheGraphAndAreNotAskedAgain() throws Exception {
    JsonObject saucer = new JsonObject().put("source", "teacup").put("target", "saucer")
        .put("complementary", true).put("confidence", 0.9).put("reason", "served together")
        .put("provider", "sibling").put("model", "judge-7b").put("promptVersion", "p3").put("tokens", 41);
    JsonObject teapot = new JsonObject().put("source", "teacup").put("target", "teapot")
        .put("complementary", false).put("confidence", 0.7).put("reason", "same need")
        .put("provider", "sibling").put("model", "judge-7b").put("promptVersion", "p3");
    JsonObject cases = new JsonObject().put("source", "cake stand").put("target", "cake cases")
        .put("complementary", true).put("confidence", 0.6);
    List<String> bad = List.of(
        saucer.copy().put("confidence", 1.5).put("target", "spoon").encode(),
        saucer.copy().put("target", "plate").encode().replace("\"complementary\":true,", ""),
        saucer.copy().put("target", "tray").put("weight", 0.9).encode(),
        saucer.copy().put("source", "Teacup").encode(),
        saucer.copy().put("target", "teacup").encode(),
        saucer.copy().put("target", "cloth").put("tokens", -1).encode(),
        saucer.copy().put("target", "jug").put("provider", " ").encode(),
        "{\"source\":\"teacup\",\"target\":");
    Map<String, String> expectedFields = new TreeMap<>(Map.of("confidence", "between 0 and 1",
        "complementary", "missing", "weight", "unknown field", "source", "lower case", "target",
        "differ from source", "tokens", "between 0 and", "provider", "blank", "value", "malformed JSON"));

    try (KafkaClusterTestKit kafka = TestKafka.start(
        Map.of("kerec.items", 1, "kerec.events", 1, TOPIC, 2, "kerec.dead-letters", 1))) {
      String bootstrap = kafka.bootstrapServers();
      KerecConfig config = config(bootstrap);
      Vertx vertx = Engine.newVertx();
      Engine engine = await(Engine.start(vertx, config));
      Store store = Store.create(vertx, engine.postgres(), 1);
      PairQueue queue = new PairQueue(vertx, engine.postgres(), OpenAiVerdictProvider.NAME, MODEL,
          OpenAiVerdictProvider.PROMPT_VERSION);
      try {
        assertThat(await(queue.enqueue(List.of(pair("teacup", "saucer"), pair("mug", "coaster")), 0)))
            .as("queued for the engine's own LLM before the external judge answers").isEqualTo(2);

        try (KafkaProducer<String, String> producer = KafkaRig.producer(bootstrap)) {
          producer.send(new ProducerRecord<>(TOPIC, "teacup", saucer.encode()));
          producer.send(new ProducerRecord<>(TOPIC, "teacup", teapot.encode()));
          producer.send(new ProducerRecord<>(TOPIC, "cake stand", cases.encode()));
          producer.send(new ProducerRecord<>(TOPIC, "teacup", saucer.encode()));
          producer.send(new ProducerRecord<>(TOPIC, "teacup", saucer.copy().put("confidence", 0.2).encode()));
          bad.forEach(b -> producer.send(new ProducerRecord<>(TOPIC, "bad", b)));
          producer.flush();
        }
        KafkaRig.awaitCount(store, "verdicts", 3, 60);
        awaitDeadLetters(store, bad.size(), 60);
        Thread.sleep(2_000);

        List<Row> rows = verdictRows(store);
        assertThat(rows).as("one row per verdict key, the first delivery's").hasSize(3);
        assertThat(rows).extracting(r -> r.getString("source") + ">" + r.getString("target") + " "
                + r.getString("provider") + "/" + r.getString("model") + "/" + r.getString("prompt_version") + " "
                + r.getBoolean("complementary") + " " + r.getDouble("confidence") + " " + r.getInteger("tokens"))
            .containsExactly(
                "cake stand>cake cases external/unknown/unknown true 0.6 0",
                "teacup>saucer sibling/judge-7b/p3 true 0.9 41",
                "teacup>teapot sibling/judge-7b/p3 false 0.7 0");
        assertThat(rows).allSatisfy(r -> assertThat(r.getString("origin")).startsWith("kafka/" + TOPIC + "/"));
        assertThat(await(store.deadLetterCounts())).containsEntry("kafka", (long) bad.size());
        List<StoredDeadLetter> letters = await(store.deadLetters(
            new DeadLetterQuery(List.of(), TOPIC, null, false, 100)));
        Map<String, String> fields = new TreeMap<>();
        letters.forEach(l -> fields.put(l.field(), l.error()));
        assertThat(fields).hasSize(expectedFields.size()).containsOnlyKeys(expectedFields.keySet());
        expectedFields.forEach((field, words) -> assertThat(fields.get(field)).as(field).contains(words));

        assertComplements(engine, "teacup", Map.of("saucer", 0.9));
        assertComplements(engine, "cake%20stand", Map.of("cake cases", 0.6));
        assertThat(await(queue.known())).as("the externally judged pair left the engine's queue")
            .containsExactly(pair("mug", "coaster"));
        assertThat(await(queue.enqueue(List.of(pair("teacup", "saucer"), pair("teacup", "teapot"),
            pair("cake stand", "cake cases")), 10))).as("externally judged pairs are never queued again").isZero();
      } finally {
        queue.close();
        store.close();
        await(engine.stop());
        await(vertx.close());
      }

      Vertx again = Engine.newVertx();
      Engine restarted = await(Engine.start(again, config));
      Store after = Store.create(again, restarted.postgres(), 1);
      try {
        assertComplements(restarted, "teacup", Map.of("saucer", 0.9));
        assertThat(verdictRows(after)).as("nothing read twice after a restart").hasSize(3);
        assertThat(await(after.deadLetterCounts())).containsEntry("kafka", (long) bad.size());
      } finally {
        after.close();
        await(restarted.stop());
        await(again.close());
      }
    }
  }

  private KerecConfig config(String bootstrap) {
    return KafkaRig.config(data, bootstrap, "kerec-verdicts-test", k -> k.put("verdictsTopic", TOPIC), o -> {
      ObjectNode judge = (ObjectNode) o.get("judge");
      judge.put("provider", "openai");
      judge.putObject("openai").put("baseUrl", "http://127.0.0.1:9/v1").put("model", MODEL).put("apiKeyEnv", "");
      judge.putObject("llm").put("dispatch", "batch");
    });
  }

  private static EntityPair pair(String source, String target) {
    return new EntityPair(source, target);
  }

  private static List<Row> verdictRows(Store store) {
    List<Row> rows = new ArrayList<>();
    await(store.client().query("SELECT * FROM verdicts ORDER BY source, target").execute()).forEach(rows::add);
    return rows;
  }

  /** Polls the HTTP API until the entity's complements are exactly {@code expected} (name to weight). */
  private static void assertComplements(Engine engine, String entity, Map<String, Double> expected)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + engine.httpPort() + "/v1/entities/" + entity + "/complements");
    long deadline = System.currentTimeMillis() + 30_000;
    JsonArray complements = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      complements = new JsonObject(r.body()).getJsonArray("complements");
      if (complements.size() >= expected.size()) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(complements).as(entity).hasSize(expected.size());
    for (Object o : complements) {
      JsonObject c = (JsonObject) o;
      assertThat(expected).as(c.encode()).containsKey(c.getString("entity"));
      assertThat(c.getDouble("weight")).isCloseTo(expected.get(c.getString("entity")), within(1e-9));
      assertThat(c.getDouble("confidence")).isCloseTo(expected.get(c.getString("entity")), within(1e-9));
    }
  }
}
