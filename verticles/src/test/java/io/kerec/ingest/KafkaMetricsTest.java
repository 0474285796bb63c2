package io.kerec.ingest;

import static io.kerec.testing.Await.await;
import static io.kerec.ingest.KafkaRig.metrics;
import static io.kerec.ingest.KafkaRig.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.engine.Engine;
import io.kerec.config.KerecConfig;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer lag on {@code /metrics}: a backlog produced before the engine starts shows as
 * {@code kerec_kafka_lag{topic,partition}} while it is read in small batches, and every partition's lag is 0 once
 * it is drained (the engine is stopped while the backlog is produced, so it is all there when it starts); a bad
 * record counts in {@code kerec_kafka_dead_letters_total}.
 */
@Tag("e2e")
class KafkaMetricsTest {
  private static final int EVENTS = 40_000;

  @TempDir
  Path data;

  @Test
  void lagShowsWhileBehindAndIsZeroAfterDrain() throws Exception {
    try (KafkaClusterTestKit kafka = TestKafka.start(Map.of("kerec.items", 1, "kerec.events", 2))) {
      String bootstrap = kafka.bootstrapServers();
      Vertx vertx = Engine.newVertx();
      double appliedBefore = counted("kerec.kafka.records", "outcome", "applied");
      double deadBefore = counted("kerec.kafka.records", "outcome", "dead_letter");
      double deadEventsBefore = counted("kerec.kafka.dead.letters", "topic", "kerec.events");
      KerecConfig config = KafkaRig.config(data, bootstrap, "kerec-metrics",
          k -> k.put("maxBatch", 200).put("lagIntervalMs", 100));
      Engine engine = await(Engine.start(vertx, config));
      try (KafkaProducer<String, String> producer = KafkaRig.producer(bootstrap)) {
        producer.send(new ProducerRecord<>("kerec.items", null,
            new JsonObject().put("id", "I1").put("title", "ROSE TEACUP").encode()));
        producer.flush();
        Store first = Store.create(vertx, engine.postgres(), 1);
        KafkaRig.awaitCount(first, "items", 1, 60);
        first.close();
        long committed = System.currentTimeMillis() + 60_000;
        while (sample(metrics(engine.httpPort()), "kerec_kafka_lag", "topic=\"kerec.items\"") != 0.0) {
          if (System.currentTimeMillis() > committed) {
            throw new AssertionError("the item's offset was not committed within 60 s");
          }
          Thread.sleep(50);
        }
        await(engine.stop());
        for (int n = 0; n < EVENTS; n++) {
          String user = "u" + (n % 500);
          producer.send(new ProducerRecord<>("kerec.events", user, new JsonObject().put("id", "m-" + n)
              .put("type", "purchase").put("userId", user).put("itemId", "I1").encode()));
        }
        producer.send(new ProducerRecord<>("kerec.events", "u1", "{not json"));
        producer.flush();
      }
      engine = await(Engine.start(vertx, config));
      Store store = Store.create(vertx, engine.postgres(), 1);
      try {
        double highest = 0;
        long deadline = System.currentTimeMillis() + 120_000;
        double lag = Double.NaN;
        long events = 0;
        while (System.currentTimeMillis() < deadline) {
          String text = metrics(engine.httpPort());
          lag = sample(text, "kerec_kafka_lag", "topic=\"kerec.events\"");
          if (!Double.isNaN(lag)) {
            highest = Math.max(highest, lag);
          }
          events = await(store.counts()).get("events");
          if (events == EVENTS && lag == 0) {
            break;
          }
          Thread.sleep(50);
        }
        assertThat(highest).as("lag seen while the backlog was read").isGreaterThan(1_000);
        assertThat(events).isEqualTo(EVENTS);
        assertThat(lag).as("lag after drain").isEqualTo(0.0);
        String text = metrics(engine.httpPort());
        assertThat(text).contains("kerec_kafka_lag{partition=\"0\",topic=\"kerec.events\"}")
            .contains("kerec_kafka_lag{partition=\"1\",topic=\"kerec.events\"}")
            .contains("kerec_kafka_lag{partition=\"0\",topic=\"kerec.items\"}");
        assertThat(sample(text, "kerec_kafka_lag", "")).as("lag over all partitions").isEqualTo(0.0);
        assertThat(sample(text, "kerec_kafka_paused", "")).isEqualTo(0.0);
        assertThat(sample(text, "kerec_kafka_buffered", "")).isEqualTo(0.0);
        assertThat(sample(text, "kerec_kafka_dead_letters_total", "topic=\"kerec.events\"") - deadEventsBefore)
            .isEqualTo(1.0);
        assertThat(sample(text, "kerec_kafka_records_total", "outcome=\"applied\"") - appliedBefore)
            .as("the item and the events").isEqualTo(EVENTS + 1.0);
        assertThat(sample(text, "kerec_kafka_records_total", "outcome=\"dead_letter\"") - deadBefore).isEqualTo(1.0);
        System.out.printf("kafka metrics: highest lag seen %.0f of %d events%n", highest, EVENTS);
      } finally {
        store.close();
        await(engine.stop());
        await(vertx.close());
      }
    }
  }

  /** A counter of the process-wide registry, which earlier tests in the same JVM may have moved. */
  private static double counted(String name, String tag, String value) {
    io.micrometer.core.instrument.Counter c = io.kerec.observe.Meters.registry().find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }
}
