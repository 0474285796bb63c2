package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.PostgresOptions;
import io.kerec.store.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import io.kerec.ingest.TestKafka;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as a separate process consuming a large event stream from a real KRaft broker is killed with SIGKILL
 * three times on the way, and restarted each time: its JVM alone, then its PostgreSQL alone (the postmaster and all
 * its processes; the engine is then stopped and started again), then both at once. Afterwards every event is in
 * PostgreSQL exactly once (count and a checksum over the ids and timestamps): an offset is committed only once its
 * records are durable, so nothing whose offset was committed is lost, and nothing is applied twice.
 */
@Tag("e2e")
class KafkaCrashTest {
  private static final int ITEMS = 100;
  private static final int EVENTS = 90_000;

  /** What is killed. */
  enum Kill { JVM, POSTGRES, BOTH }

  @TempDir
  Path dir;
  private Process engine;
  private Path engineLog;
  private int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() throws Exception {
    if (engine != null && engine.isAlive()) {
      engine.destroyForcibly().waitFor();
    }
  }

  @Test
  void killedWhileConsumingItLosesNothingAndAppliesNothingTwice() throws Exception {
    try (KafkaClusterTestKit kafka = TestKafka.start(Map.of("kerec.items", 1, "kerec.events", 3))) {
      String bootstrap = kafka.bootstrapServers();
      long expectedChecksum = 0;
      Instant t0 = Instant.parse("2011-03-01T09:00:00Z");
      Path conf = config(bootstrap);
      try (KafkaProducer<String, String> producer = producer(bootstrap)) {
        for (int i = 0; i < ITEMS; i++) {
          producer.send(new ProducerRecord<>("kerec.items", null, new JsonObject().put("id", "I" + i)
              .put("title", "ROSE PRINT THING " + i).encode()));
        }
        producer.flush();
        engine = launch(conf, "run1.log");
        awaitItem("I" + (ITEMS - 1), Duration.ofMinutes(3));
        for (int n = 0; n < EVENTS; n++) {
          String user = "u" + (n % 7_000);
          Instant ts = t0.plusSeconds(n);
          producer.send(new ProducerRecord<>("kerec.events", user, new JsonObject().put("id", "e-" + n)
              .put("type", "purchase").put("userId", user).put("itemId", "I" + (n * 13 % ITEMS))
              .put("ts", ts.toString()).encode()));
          expectedChecksum += checksum("e-" + n, ts.toEpochMilli());
        }
        producer.flush();
      }
      int run = 1;
      for (Kill kill : Kill.values()) {
        long at = EVENTS * (kill.ordinal() + 1L) / 5;
        long seen = awaitPurchases(p -> p >= at, Duration.ofMinutes(3));
        int killed = kill == Kill.JVM ? 0 : EngineProcess.killPostgres(dir.resolve("data"));
        if (kill == Kill.POSTGRES) {
          Thread.sleep(1_000);
          engine.destroy();
        } else {
          engine.destroyForcibly();
        }
        engine.waitFor();
        System.out.printf("kafka crash test (%s killed): killed after %d of %d purchases were applied (%d "
            + "PostgreSQL processes killed)%n", kill, seen, EVENTS, killed);
        assertThat(seen).as("killed mid-stream").isLessThan(EVENTS);
        engine = launch(conf, "run" + ++run + ".log");
      }
      awaitPurchases(p -> p >= EVENTS, Duration.ofMinutes(6));
      long reached = awaitStable(Duration.ofSeconds(5), Duration.ofMinutes(1));
      System.out.printf("kafka crash test: the graph view counts %d purchases after the restarts%n", reached);
      assertThat(reached).isEqualTo(EVENTS);
      engine.destroy();
      engine.waitFor();

      try (PostgresServer pg = PostgresServer.start(
          new PostgresOptions(true, "127.0.0.1", 0, "kerec", "postgres", null, 1, PostgresOptions.STRICT),
          dir.resolve("data"));
           Connection c = pg.dataSource().getConnection();
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT event_id, ts FROM events")) {
        try (Statement st2 = c.createStatement(); ResultSet d = st2.executeQuery(
            "SELECT count(*), min(error) FROM dead_letters")) {
          d.next();
          assertThat(d.getLong(1)).as("dead letters (%s)", d.getString(2)).isZero();
        }
        long count = 0;
        long sum = 0;
        while (rs.next()) {
          count++;
          sum += checksum(rs.getString(1), rs.getTimestamp(2).getTime());
        }
        assertThat(count).as("events in PostgreSQL").isEqualTo(EVENTS);
        assertThat(sum).as("checksum of ids and timestamps").isEqualTo(expectedChecksum);
        System.out.printf("kafka crash test: %d events after the restarts, checksum matches%n", count);
      }
    }
  }

  private static long checksum(String id, long tsMillis) {
    long h = id.hashCode() * 0x9E3779B97F4A7C15L + tsMillis;
    return h ^ (h >>> 29);
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private Path config(String bootstrap) throws IOException {
    port = EngineProcess.freePort();
    JsonObject conf = new JsonObject()
        .put("dataDir", dir.resolve("data").toString())
        .put("http", new JsonObject().put("port", port))
        .put("judge", new JsonObject().put("autoRun", false))
        .put("rank", new JsonObject().put("device", "cpu").put("autoTrain", false))
        .put("kafka", new JsonObject().put("enabled", true).put("bootstrapServers", bootstrap)
            .put("groupId", "kerec-crash").put("maxBatch", 1_000));
    Path file = dir.resolve("kerec.json");
    Files.writeString(file, conf.encodePrettily(), StandardCharsets.UTF_8);
    return file;
  }

  private Process launch(Path conf, String log) throws IOException {
    engineLog = dir.resolve(log);
    return EngineProcess.start(conf, engineLog, "2g");
  }


  private void awaitItem(String itemId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(engine.isAlive()).as("engine alive").isTrue();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/v1/items/" + itemId)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("item " + itemId + " never arrived");
  }

  /** Waits until the graph's purchase count has not moved for {@code quiet}, and returns it. */
  private long awaitStable(Duration quiet, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -2;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = awaitPurchases(p -> true, Duration.ofMinutes(1));
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > quiet.toNanos() && now > 0) {
        return now;
      }
      Thread.sleep(500);
    }
    return last;
  }

  /** Polls the graph's count of applied purchases until it passes {@code ok}. */
  private long awaitPurchases(java.util.function.LongPredicate ok, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    while (System.nanoTime() < deadline) {
      assertThat(engine.isAlive()).as("engine alive").isTrue();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          last = new JsonObject(r.body()).getJsonObject("components").getJsonObject("graph")
              .getJsonObject("details").getLong("purchases", -1L);
          if (ok.test(last)) {
            return last;
          }
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    List<String> lines = Files.readAllLines(engineLog).stream()
        .filter(l -> l.contains("kafka") || l.contains("WARN") || l.contains("ERROR")).toList();
    throw new AssertionError("purchases applied: " + last + "; engine log:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
  }
}
