package io.kerec.api;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.engine.Engine;
import io.kerec.ingest.KafkaRig;
import io.kerec.ingest.TestKafka;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code kafka.recommendationsTopic} set, a purchase read from Kafka yields a record on that topic keyed by the
 * buyer, with the same items and {@code because} paths as the HTTP API, through a real KRaft broker.
 */
@Tag("e2e")
class RecommendationsTopicTest {
  private static final String OUT = "kerec.recommendations";

  @TempDir
  Path data;

  @Test
  void aPurchaseProducesTheBuyersFreshRecommendations() throws Exception {
    try (KafkaClusterTestKit kafka = TestKafka.start(Map.of("kerec.items", 1, "kerec.events", 2, OUT, 2))) {
      String bootstrap = kafka.bootstrapServers();
      Vertx vertx = Engine.newVertx();
      Engine engine = await(Engine.start(vertx, KafkaRig.config(data, bootstrap, "kerec-recs",
          k -> k.put("recommendationsTopic", OUT), o -> {
            o.putObject("judge").put("autoRun", true).put("intervalMs", 200).put("knowledge", "none").putObject("evidence")
                .put("minSupport", 3);
          })));
      Store store = Store.create(vertx, engine.postgres(), 1);
      try (KafkaProducer<String, String> producer = KafkaRig.producer(bootstrap);
           KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
        consumer.subscribe(List.of(OUT));
        String[][] catalog = {{"T1", "ROSES REGENCY TEACUP"}, {"T2", "GREEN REGENCY TEACUP"},
            {"T3", "PINK REGENCY TEACUP"}, {"S1", "ROSES REGENCY SAUCER"}, {"S2", "GREEN REGENCY SAUCER"},
            {"C1", "REGENCY CAKESTAND 3 TIER"}, {"C2", "SWEETHEART CAKESTAND 3 TIER"},
            {"K1", "PACK OF 72 RETROSPOT CAKE CASES"}, {"K2", "PACK OF 60 PINK PAISLEY CAKE CASES"},
            {"H1", "WHITE HANGING HEART T-LIGHT HOLDER"}, {"H2", "GLASS STAR FROSTED T-LIGHT HOLDER"},
            {"B1", "JUMBO BAG RED RETROSPOT"}};
        for (String[] item : catalog) {
          producer.send(new ProducerRecord<>("kerec.items", null,
              new JsonObject().put("id", item[0]).put("title", item[1]).encode()));
        }
        producer.flush();
        KafkaRig.awaitCount(store, "items", catalog.length, 60);
        Instant ts = Instant.parse("2011-01-03T10:00:00Z");
        int n = 0;
        for (int i = 0; i < 10; i++) {
          for (String itemId : new String[] {"T" + (1 + i % 3), "S" + (1 + i % 2), "B1"}) {
            producer.send(purchase("e" + n++, "u" + i, itemId, "tea-" + i, ts.plusSeconds(60L * n)));
          }
          for (String itemId : new String[] {"C" + (1 + i % 2), "K" + (1 + i % 2), "B1"}) {
            producer.send(purchase("e" + n++, "v" + i, itemId, "cake-" + i, ts.plusSeconds(60L * n)));
          }
        }
        for (int i = 0; i < 15; i++) {
          for (String itemId : new String[] {i % 2 == 0 ? "H1" : "H2", "B1"}) {
            producer.send(purchase("e" + n++, "w" + i, itemId, "light-" + i, ts.plusSeconds(60L * n)));
          }
        }
        producer.flush();
        KafkaRig.awaitCount(store, "events", n, 60);
        awaitComplement(engine, "teacup", "saucer");

        producer.send(purchase("alice-1", "alice", "T1", "alice-b1", Instant.parse("2011-02-01T09:00:00Z")));
        producer.flush();
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        JsonObject alice = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (alice == null && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(r);
            if ("alice".equals(r.key())) {
              alice = new JsonObject(r.value());
            }
          }
        }
        assertThat(alice).as("a record keyed alice on " + OUT).isNotNull();
        assertThat(seen.stream().map(ConsumerRecord::key)).as("the bills' buyers too").contains("u0", "v9");
        assertThat(alice.getString("userId")).isEqualTo("alice");
        assertThat(alice.getBoolean("fallback")).isFalse();
        assertThat(alice.getString("computedAt")).isNotBlank();
        List<JsonObject> items = alice.getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
        assertThat(items.stream().map(o -> o.getString("itemId"))).contains("S1", "S2").doesNotContain("T1");
        JsonObject because = items.stream().filter(o -> o.getString("itemId").equals("S1")).findFirst()
            .orElseThrow().getJsonObject("because");
        assertThat(because.getString("triggerItemId")).isEqualTo("T1");
        assertThat(because.getString("triggerEntity")).isEqualTo("teacup");
        assertThat(because.getString("entity")).isEqualTo("saucer");
        assertThat(because.getDouble("edgeWeight")).isPositive();
        String metrics = KafkaRig.metrics(engine.httpPort());
        assertThat(KafkaRig.sample(metrics, "kerec_kafka_recommendations_total", "outcome=\"produced\""))
            .isGreaterThanOrEqualTo(seen.size());
      } finally {
        store.close();
        await(engine.stop());
        await(vertx.close());
      }
    }
  }

  private static ProducerRecord<String, String> purchase(String id, String user, String item, String basket,
                                                         Instant ts) {
    return new ProducerRecord<>("kerec.events", user, new JsonObject().put("id", id).put("type", "purchase")
        .put("userId", user).put("itemId", item).put("basketId", basket).put("ts", ts.toString()).encode());
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "recs-reader");
    p.put("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  private static void awaitComplement(Engine engine, String entity, String complement) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    String body = "";
    while (System.currentTimeMillis() < deadline) {
      body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
              + engine.httpPort() + "/v1/entities/" + entity + "/complements")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("\"entity\":\"" + complement + "\"")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(entity + " never got " + complement + " as a complement: " + body);
  }
}
