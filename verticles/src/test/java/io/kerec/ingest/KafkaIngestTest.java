package io.kerec.ingest;

import static io.kerec.testing.Await.await;
import static io.kerec.ingest.KafkaRig.awaitCount;
import static io.kerec.ingest.KafkaRig.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.engine.Engine;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.store.DeadLetterQuery;
import io.kerec.store.Store;
import io.kerec.store.StoredDeadLetter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka → engine through a real in-process KRaft broker: 100,000 events keyed by user, re-sent duplicates and a
 * corpus of bad records mixed in. Every good event's effect is in PostgreSQL exactly once, every bad record is a
 * dead letter with its reason, and the engine keeps going.
 */
@Tag("e2e")
class KafkaIngestTest {
  private static final int ITEMS = 200;
  private static final int EVENTS = 100_000;
  private static final int DUPLICATES = 2_000;

  @TempDir
  Path data;

  @Test
  void everyGoodEventOnceEveryBadRecordSetAside() throws Exception {
    try (KafkaClusterTestKit kafka = TestKafka.start(
        Map.of("kerec.items", 1, "kerec.events", 3, "kerec.dead-letters", 1))) {
      String bootstrap = kafka.bootstrapServers();
      Vertx vertx = Engine.newVertx();
      Engine engine = await(Engine.start(vertx, config(bootstrap)));
      Store store = Store.create(vertx, engine.postgres(), 1);
      try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
        for (int i = 0; i < ITEMS; i++) {
          send(producer, "kerec.items", null, new JsonObject().put("id", "I" + i)
              .put("title", "ROSE PRINT THING " + i).put("price", 1.5).encode());
        }
        producer.flush();
        awaitCount(store, "items", ITEMS, 60);
        Instant t0 = Instant.parse("2011-03-01T09:00:00Z");
        long started = System.nanoTime();
        int bad = 0;
        for (int n = 0; n < EVENTS; n++) {
          String user = "u" + (n % 5_000);
          JsonObject event = new JsonObject().put("id", "k-" + n).put("type", "purchase").put("userId", user)
              .put("itemId", "I" + (n * 7 % ITEMS)).put("basketId", user + "-b" + (n / 20_000))
              .put("ts", t0.plusSeconds(n % 3 == 0 ? 90_000L - n : n).toString());
          send(producer, "kerec.events", user, event.encode());
          if (n < DUPLICATES) {
            send(producer, "kerec.events", user, event.encode());
          }
          if (n % 10_000 == 5_000) {
            bad += sendBadCorpus(producer, n);
          }
        }
        producer.flush();
        awaitCount(store, "events", EVENTS, 180);
        double seconds = (System.nanoTime() - started) / 1e9;
        awaitDeadLetters(store, bad, 60);
        Thread.sleep(2_000);
        assertThat(await(store.counts()).get("events")).as("each good event exactly once").isEqualTo(EVENTS);
        assertThat(await(store.deadLetterCounts())).containsEntry("kafka", (long) bad);
        List<StoredDeadLetter> letters = await(store.deadLetters(
            new DeadLetterQuery(List.of(), "kerec.events", null, false, 10_000)));
        assertThat(letters).hasSize(bad).allSatisfy(letter -> {
          assertThat(letter.error()).as("reason of %s", letter.payload()).isNotBlank();
          assertThat(letter.key()).isEqualTo("bad-user");
          assertThat(letter.offset()).isNotNegative();
        });
        Map<String, Long> byReason = new java.util.TreeMap<>();
        letters.forEach(l -> byReason.merge(l.field() == null ? l.error().replaceAll("[0-9]+", "N") : l.field(), 1L,
            Long::sum));
        System.out.println("kafka ingest: dead letters by field or reason " + byReason);
        assertThat(letters).filteredOn(l -> "userId".equals(l.field())).hasSize(2 * (bad / 7));
        assertThat(letters).filteredOn(l -> "type".equals(l.field())).hasSize(bad / 7);
        assertThat(letters).filteredOn(l -> "itemId".equals(l.field())).hasSize(bad / 7);
        System.out.printf("kafka ingest: %d events applied once (%d duplicates re-sent), %d bad records set aside; "
            + "produced and made durable in %.1f s (%.0f events/s)%n", EVENTS, DUPLICATES, bad, seconds,
            EVENTS / seconds);
      } finally {
        store.close();
        await(engine.stop());
        await(vertx.close());
      }
    }
  }

  /** Truncated JSON, wrong types, huge strings, unknown type, invalid UTF-8, unknown item, not an object. */
  private static int sendBadCorpus(KafkaProducer<String, byte[]> producer, int n) {
    String u = "bad-user";
    List<byte[]> corpus = List.of(
        ("{\"id\":\"bad-" + n + "\",\"type\":\"purchase\",\"userId\":\"u1\"").getBytes(StandardCharsets.UTF_8),
        new JsonObject().put("type", "purchase").put("userId", 42).put("itemId", "I1").encode()
            .getBytes(StandardCharsets.UTF_8),
        new JsonObject().put("type", "purchase").put("userId", "x".repeat(100_000)).put("itemId", "I1").encode()
            .getBytes(StandardCharsets.UTF_8),
        new JsonObject().put("type", "refund").put("userId", "u1").put("itemId", "I1").encode()
            .getBytes(StandardCharsets.UTF_8),
        new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
        new JsonObject().put("id", "unknown-" + n).put("type", "purchase").put("userId", "u1")
            .put("itemId", "NO-SUCH-ITEM").encode().getBytes(StandardCharsets.UTF_8),
        "[1,2,3]".getBytes(StandardCharsets.UTF_8));
    corpus.forEach(bytes -> producer.send(new ProducerRecord<>("kerec.events", u, bytes)));
    return corpus.size();
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String value) {
    producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "5");
    p.put("max.request.size", "2000000");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private KerecConfig config(String bootstrap) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", data.toString());
    o.putObject("http").put("port", 0);
    o.putObject("judge").put("autoRun", false).put("knowledge", "none");
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    o.putObject("kafka").put("enabled", true).put("bootstrapServers", bootstrap).put("groupId", "kerec-test");
    return ConfigLoader.load(null, Map.of(), o);
  }
}
