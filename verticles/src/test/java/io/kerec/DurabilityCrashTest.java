package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.PostgresOptions;
import io.kerec.store.PostgresServer;
import io.vertx.core.json.JsonArray;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a 202 promises, tried the way a crash breaks it: four clients stream purchases over HTTP into the engine (a
 * separate process) while its PostgreSQL is SIGKILLed (the postmaster and all its processes), alone or together
 * with the engine's JVM. After a restart every event that got a 202 is in PostgreSQL (count and a checksum over
 * ids and timestamps) and the graph view counts each stored purchase once.
 *
 * <p>The same crash with {@code postgres.durability = relaxed} (fsync and synchronous commit off, what the engine
 * ran with before) is measured too, and its loss printed: it shows the test can see what strict prevents.
 */
@Tag("e2e")
class DurabilityCrashTest {
  private static final int ITEMS = 50;
  private static final int CLIENTS = 4;
  private static final int BATCH = 5;
  private static final long ACKED_BEFORE_KILL = 3_000;

  @TempDir
  Path dir;
  private Process engine;
  private int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() throws Exception {
    if (engine != null && engine.isAlive()) {
      engine.destroyForcibly().waitFor();
    }
  }

  @Test
  void everyAcknowledgedEventSurvivesAKillOfPostgresAloneOrWithTheEngine() throws Exception {
    Path data = dir.resolve("data");
    engine = EngineProcess.start(config(data, PostgresOptions.STRICT), dir.resolve("run0.log"), "1g");
    awaitHealth(Duration.ofMinutes(3));
    JsonArray items = new JsonArray();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new JsonObject().put("id", "I" + i).put("title", "ROSE PRINT THING " + i).put("price", 1.0));
    }
    assertThat(post("/v1/items", items.encode()).statusCode()).isEqualTo(202);

    Outcome postgres = round(1, "strict, PostgreSQL killed", data, false, PostgresOptions.STRICT);
    // the restart after this round already runs relaxed: recovery does not depend on it, the next round does
    Outcome both = round(2, "strict, PostgreSQL and JVM killed", data, true, PostgresOptions.RELAXED);
    Outcome relaxed = round(3, "relaxed, PostgreSQL killed", data, false, PostgresOptions.RELAXED);
    engine.destroy();
    engine.waitFor();
    postgres.assertNothingLost();
    both.assertNothingLost();
    assertThat(relaxed.found).as("events stored").isPositive();
    assertThat(relaxed.graphPurchases).as("the graph counts what is stored, once").isEqualTo(relaxed.stored);
  }

  /** What one crash left: acknowledged events, those found afterwards, and what the graph view counts. */
  private record Outcome(String label, long acknowledged, long found, long stored, long ackChecksum,
                         long foundChecksum, long graphPurchases) {
    void assertNothingLost() {
      assertThat(found).as("%s: acknowledged events found after the restart", label).isEqualTo(acknowledged);
      assertThat(foundChecksum).as("%s: checksum over ids and timestamps", label).isEqualTo(ackChecksum);
      assertThat(graphPurchases).as("%s: the graph counts each stored purchase once", label).isEqualTo(stored);
    }
  }

  /**
   * Streams purchases (ids of this round) into the running engine, kills PostgreSQL (and the JVM), restarts the
   * engine with {@code nextDurability}, and counts what survived of this round's acknowledged events.
   */
  private Outcome round(int round, String label, Path data, boolean killJvmToo, String nextDurability)
      throws Exception {
    Map<String, Long> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong failed = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    Instant t0 = Instant.parse("2011-03-01T09:00:00Z").plus(Duration.ofDays(round));
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        long n = 0;
        while (!stop.get()) {
          JsonArray batch = new JsonArray();
          Map<String, Long> ids = new HashMap<>();
          for (int j = 0; j < BATCH; j++, n++) {
            String id = "r" + round + "-c" + client + "-" + n;
            Instant ts = t0.plusSeconds(n).plusMillis(client);
            ids.put(id, ts.toEpochMilli());
            batch.add(new JsonObject().put("id", id).put("type", "purchase").put("userId", "u" + (n % 500))
                .put("itemId", "I" + ((n * 7 + client) % ITEMS)).put("ts", ts.toString()));
          }
          try {
            if (post("/v1/events", batch.encode()).statusCode() == 202) {
              acked.putAll(ids);
            } else {
              failed.incrementAndGet();
            }
          } catch (IOException | InterruptedException e) {
            failed.incrementAndGet();
          }
        }
      }, "client-" + c);
      t.start();
      clients.add(t);
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (acked.size() < ACKED_BEFORE_KILL && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(acked.size()).as("acknowledged before the kill").isGreaterThanOrEqualTo((int) ACKED_BEFORE_KILL);
    int killed = EngineProcess.killPostgres(data);
    if (killJvmToo) {
      engine.destroyForcibly();
    }
    Thread.sleep(1_000);
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    if (!killJvmToo) {
      engine.destroy();
    }
    engine.waitFor();
    long acknowledged = acked.size();
    long ackChecksum = 0;
    for (Map.Entry<String, Long> e : acked.entrySet()) {
      ackChecksum += checksum(e.getKey(), e.getValue());
    }

    engine = EngineProcess.start(config(data, nextDurability), dir.resolve("run" + round + ".log"), "1g");
    JsonObject health = awaitHealth(Duration.ofMinutes(3));
    long graphPurchases = health.getJsonObject("components").getJsonObject("graph").getJsonObject("details")
        .getLong("purchases");
    long found = 0;
    long stored = 0;
    long foundChecksum = 0;
    try (PostgresServer pg = PostgresServer.open(
        new PostgresOptions(true, "127.0.0.1", 0, "kerec", "postgres", null, 1, nextDurability), data);
         Connection c = pg.dataSource().getConnection();
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT event_id, ts FROM events")) {
      while (rs.next()) {
        stored++;
        if (acked.containsKey(rs.getString(1))) {
          found++;
          foundChecksum += checksum(rs.getString(1), rs.getTimestamp(2).getTime());
        }
      }
    }
    System.out.printf("crash test (%s): %d PostgreSQL processes killed; %d events acknowledged with 202, %d of them "
            + "found after the restart (%d lost); %d stored in all rounds, the graph counts %d purchases; %d requests "
            + "failed around the kill%n", label, killed, acknowledged, found, acknowledged - found, stored,
        graphPurchases, failed.get());
    return new Outcome(label, acknowledged, found, stored, ackChecksum, foundChecksum, graphPurchases);
  }

  private static long checksum(String id, long tsMillis) {
    long h = id.hashCode() * 0x9E3779B97F4A7C15L + tsMillis;
    return h ^ (h >>> 29);
  }

  private Path config(Path data, String durability) throws IOException {
    port = EngineProcess.freePort();
    JsonObject conf = new JsonObject()
        .put("dataDir", data.toString())
        .put("http", new JsonObject().put("port", port))
        .put("postgres", new JsonObject().put("durability", durability))
        .put("judge", new JsonObject().put("autoRun", false))
        .put("rank", new JsonObject().put("device", "cpu").put("autoTrain", false));
    Path file = dir.resolve("kerec-" + durability + ".json");
    Files.writeString(file, conf.encodePrettily(), StandardCharsets.UTF_8);
    return file;
  }

  private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject awaitHealth(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(engine.isAlive()).as("engine alive").isTrue();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new JsonObject(r.body());
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("engine not healthy in " + timeout);
  }
}
