package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.cli.Kerec;
import io.kerec.engine.Engine;
import io.kerec.ingest.KafkaRig;
import io.kerec.ingest.TestKafka;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kerec deadletters list|replay} against a running engine on the embedded PostgreSQL and a real KRaft broker:
 * an event that named an item not yet known is replayed once the item is there and applied once (twice replayed,
 * still one event); a record that fails again comes back as a new dead letter naming the one it replays.
 */
@Tag("e2e")
class DeadLettersCommandTest {
  @TempDir
  Path data;

  private record Run(int code, String out, String err) {
  }

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Kerec()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private JsonArray list(String... filters) {
    String[] args = new String[filters.length + 5];
    System.arraycopy(new String[] {"deadletters", "list", "--json", "--data", data.toString()}, 0, args, 0, 5);
    System.arraycopy(filters, 0, args, 5, filters.length);
    Run r = cli(args);
    assertThat(r.code()).as(r.err()).isZero();
    return new JsonArray(r.out());
  }

  @Test
  void replaysThroughIngestOnceAndKeepsWhatFailsAgain() throws Exception {
    try (KafkaClusterTestKit kafka = TestKafka.start(Map.of("kerec.items", 1, "kerec.events", 1,
        "kerec.dead-letters", 1))) {
      String bootstrap = kafka.bootstrapServers();
      Vertx vertx = Engine.newVertx();
      Engine engine = await(Engine.start(vertx, KafkaRig.config(data, bootstrap, "kerec-dl", k -> { })));
      Store store = Store.create(vertx, engine.postgres(), 1);
      try (KafkaProducer<String, String> producer = KafkaRig.producer(bootstrap)) {
        producer.send(new ProducerRecord<>("kerec.items", null,
            new JsonObject().put("id", "I1").put("title", "ROSE TEACUP").encode()));
        producer.flush();
        KafkaRig.awaitCount(store, "items", 1, 60);
        producer.send(new ProducerRecord<>("kerec.events", "u1", new JsonObject().put("type", "purchase")
            .put("userId", "u1").put("itemId", "I2").encode()));
        producer.send(new ProducerRecord<>("kerec.events", "u2", "{\"type\":\"purchase\",\"userId\":"));
        producer.flush();
        awaitDeadLetters(2);

        JsonArray all = list();
        assertThat(all).hasSize(2);
        JsonObject unknown = byOffset(all, 0);
        JsonObject truncated = byOffset(all, 1);
        assertThat(unknown.getString("topic")).isEqualTo("kerec.events");
        assertThat(unknown.getString("field")).isEqualTo("itemId");
        assertThat(unknown.getString("error")).containsIgnoringCase("unknown item");
        assertThat(unknown.getString("key")).isEqualTo("u1");
        assertThat(unknown.getString("receivedAt")).isNotBlank();
        assertThat(unknown.getInteger("replays")).isZero();
        long unknownId = unknown.getLong("id");
        long truncatedId = truncated.getLong("id");
        assertThat(truncated.getString("error")).contains("malformed JSON");
        assertThat(truncated.getString("origin")).isEqualTo("kerec.events/0/1");
        assertThat(list("--topic", "kerec.items")).isEmpty();
        assertThat(list("--since", "1h", "--limit", "1")).hasSize(1);
        Run table = cli("deadletters", "list", "--data", data.toString());
        assertThat(table.out()).contains("unknown item").contains("2 dead letters");

        producer.send(new ProducerRecord<>("kerec.items", null,
            new JsonObject().put("id", "I2").put("title", "ROSE SAUCER").encode()));
        producer.flush();
        KafkaRig.awaitCount(store, "items", 2, 60);
        for (int attempt = 0; attempt < 2; attempt++) {
          Run replay = cli("deadletters", "replay", "--id", Long.toString(unknownId), "--data", data.toString(),
              "--bootstrap-servers", bootstrap);
          assertThat(replay.code()).as(replay.err()).isZero();
          assertThat(new JsonObject(replay.out()).getInteger("replayed")).isEqualTo(1);
        }
        KafkaRig.awaitCount(store, "events", 1, 60);
        Run all2 = cli("deadletters", "replay", "--all", "--data", data.toString(), "--bootstrap-servers", bootstrap);
        assertThat(all2.code()).as(all2.err()).isZero();
        assertThat(new JsonObject(all2.out()).getJsonArray("ids").getList()).containsExactly((int) truncatedId);
        awaitDeadLetters(3);
        Thread.sleep(1_000);

        assertThat(await(store.counts()).get("events")).as("replayed twice, applied once").isEqualTo(1);
        JsonArray after = list();
        assertThat(after).hasSize(3);
        JsonObject replayed = after.stream().map(o -> (JsonObject) o).filter(o -> o.getLong("id") == unknownId)
            .findFirst().orElseThrow();
        assertThat(replayed.getInteger("replays")).isEqualTo(2);
        assertThat(replayed.getString("replayedAt")).isNotBlank();
        JsonObject again = after.getJsonObject(2);
        assertThat(again.getLong("replayOf")).isEqualTo(truncatedId);
        assertThat(again.getString("error")).contains("malformed JSON");
        assertThat(again.getString("origin")).isEqualTo("kerec.events/0/1");
        assertThat(again.getLong("offset")).isGreaterThan(1);
        assertThat(list("--pending").stream().map(o -> ((JsonObject) o).getLong("id")).toList())
            .containsExactly(again.getLong("id"));
        assertThat(cli("deadletters", "replay", "--all", "--data", data.toString(), "--bootstrap-servers",
            bootstrap, "--topic", "kerec.items").out()).contains("\"selected\" : 0");

        Run neither = cli("deadletters", "replay", "--data", data.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("--id").contains("--all");
        Run badSince = cli("deadletters", "list", "--since", "yesterday", "--data", data.toString());
        assertThat(badSince.code()).isEqualTo(2);
        assertThat(badSince.err()).contains("--since must be an ISO-8601 instant");
        Run missing = cli("deadletters", "replay", "--id", "999999", "--data", data.toString(),
            "--bootstrap-servers", bootstrap);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no dead letter with id [999999]");
      } finally {
        store.close();
        await(engine.stop());
        await(vertx.close());
      }
      assertThat(list().size()).as("also with the engine stopped").isEqualTo(3);
    }
  }

  private static JsonObject byOffset(JsonArray rows, long offset) {
    return rows.stream().map(o -> (JsonObject) o).filter(o -> o.getLong("offset") == offset).findFirst()
        .orElseThrow(() -> new AssertionError("no dead letter at offset " + offset + " in " + rows.encode()));
  }

  private void awaitDeadLetters(long expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    int last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = list().size();
      if (last >= expected) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("dead letters: " + last + " of " + expected);
  }
}
