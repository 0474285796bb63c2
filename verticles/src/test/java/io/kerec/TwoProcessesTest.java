package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.store.LocalCassandra;
import io.kerec.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two engine processes (separate JVMs, no clustering between them) on one PostgreSQL and one graph on Cassandra
 * (each a process of its own too), the way a scaled-out
 * deployment runs: everything is written to instance A only, and instance B serves it too, over HTTP and its live
 * WebSocket, because both follow the store's change log. Measured: how long a purchase takes to reach B, whether the
 * two give the same top-10 to every user, what a SIGKILL of A in the middle of a write stream does (B keeps serving,
 * nothing acknowledged is lost, A catches up when it restarts and both agree again), and, with
 * {@code -Dkerec.measure.twoInstances=true}, recommendations per second of one instance against two.
 */
@Tag("e2e")
class TwoProcessesTest {
  private static final Logger LOG = LoggerFactory.getLogger(TwoProcessesTest.class);
  private static final Instant T0 = Instant.parse("2011-03-01T09:00:00Z");
  private static final int PROPAGATION_PURCHASES = 200;
  /**
   * Set to true to measure recommendations per second of one instance against two (a benchmark: it asserts nothing,
   * takes 21 s, and on a shared machine its spread is as wide as any difference; docs/benchmarks.md).
   */
  static final String MEASURE_THROUGHPUT = "kerec.measure.twoInstances";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The live sockets' own client, so that their frames are not read on the polling client's selector thread. */
  private final HttpClient sockets = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoInstancesFollowOneStore(@TempDir Path dir) throws Exception {
    try (EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
         LocalCassandra cassandra = LocalCassandra.start(new LocalCassandra.Options(Path.of(".."),
             dir.resolve("cassandra"), EngineProcess.freePort(), EngineProcess.freePort(), 512, false,
             Duration.ofMinutes(3)))) {
      LOG.info("PostgreSQL on {}, Cassandra on {} (ready in {} ms)", server.getPort(), cassandra.nativePort(),
          cassandra.readyMs());
      try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      Instance a = new Instance("a", dir, server.getPort(), cassandra.nativePort());
      Instance b = new Instance("b", dir, server.getPort(), cassandra.nativePort());
      try {
        a.start();
        post(a, "/v1/items", new JsonArray(TeaShop.items()).encode());
        post(a, "/v1/events", TeaShop.bills().encode());
        poll(a, "/v1/entities/teacup/complements", j -> complements(j).contains("saucer"), 60_000);

        // B starts from an empty view and catches up from the store
        long started = System.nanoTime();
        b.start();
        Await.until(() -> purchasesInView(b) == purchasesInView(a), 30_000);
        LOG.info("B started and caught up with A in {} ms", (System.nanoTime() - started) / 1_000_000);
        poll(b, "/v1/entities/teacup/complements", j -> complements(j).contains("saucer"), 30_000);

        assertThat(leads(a) ^ leads(b)).as("exactly one instance judges for the store").isTrue();
        assertThat(leads(a)).as("A, started first, took the judge's lock").isTrue();
        propagation(a, b);
        assertAgree(a, b, StoredRows.users(server), "after the writes to A");

        if (Boolean.getBoolean(MEASURE_THROUGHPUT)) {
          throughput(List.of(a, b), 4, 3_000); // warm-up
          List<Double> one = new ArrayList<>();
          List<Double> two = new ArrayList<>();
          for (int round = 0; round < 3; round++) {
            one.add(throughput(List.of(a), 4, 3_000));
            two.add(throughput(List.of(a, b), 4, 3_000));
          }
          LOG.info("computed recommendations per second, 4 clients, 3 alternating rounds of 3 s: one instance {}"
              + " (the other following), two instances {}; ratio of medians two/one {}", one, two,
              fmt(median(two) / median(one)));
        } else {
          LOG.info("throughput of one instance against two not measured (21 s that assert nothing); -D{}=true"
              + " measures it", MEASURE_THROUGHPUT);
        }

        killMidStream(server, a, b);
        assertAgree(a, b, StoredRows.users(server), "after A was killed and restarted");
        assertThat(purchasesInView(a)).as("A applied each stored purchase once").isEqualTo(StoredRows.purchases(server));
        assertThat(purchasesInView(b)).as("B applied each stored purchase once").isEqualTo(StoredRows.purchases(server));
        LOG.info("health of A: {}", health(a).getString("status"));
        LOG.info("health of B: {}; B follows {}", health(b).getString("status"), follow(b));
        assertThat(follow(b).getLong("failures")).isZero();
      } finally {
        a.stop();
        b.stop();
      }
    }
  }

  /** A purchase of a new user posted to A, until B's recommendations and B's live socket for that user show it. */
  private void propagation(Instance a, Instance b) throws Exception {
    List<Long> toHttp = new ArrayList<>();
    List<Long> toSocket = new ArrayList<>();
    for (int i = 0; i < PROPAGATION_PURCHASES; i++) {
      String user = "p-" + i;
      String item = TeaShop.items().get(i % TeaShop.items().size()).getString("id");
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      AtomicLong warmFrameAt = new AtomicLong();
      WebSocket socket = sockets.newWebSocketBuilder().buildAsync(
          URI.create("ws://127.0.0.1:" + b.port + "/v1/live?userId=" + user), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                JsonObject frame = new JsonObject(text.toString());
                text.setLength(0);
                if (!frame.getBoolean("fallback")) {
                  warmFrameAt.compareAndSet(0, System.nanoTime());
                }
                frames.add(frame);
              }
              ws.request(1);
              return null;
            }
          }).get(10, TimeUnit.SECONDS);
      Await.until(() -> !frames.isEmpty(), 10_000);
      assertThat(frames.get(0).getBoolean("fallback")).as("a new user starts on the fallback").isTrue();
      long posted = System.nanoTime();
      post(a, "/v1/events", new JsonArray().add(TeaShop.purchase("p" + i, user, item, "pb" + i,
          T0.plusSeconds(i))).encode());
      poll(b, "/v1/users/" + user + "/recommendations?k=10", j -> !j.getBoolean("fallback"), 10_000, 2);
      toHttp.add((System.nanoTime() - posted) / 1_000);
      Await.until(() -> warmFrameAt.get() != 0, 10_000);
      toSocket.add((warmFrameAt.get() - posted) / 1_000);
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }
    LOG.info("propagation A -> B over {} purchases: recommendations p50 {} ms, p99 {} ms, max {} ms;"
        + " live frame p50 {} ms, p99 {} ms, max {} ms", toHttp.size(), pct(toHttp, 0.5), pct(toHttp, 0.99),
        pct(toHttp, 1.0), pct(toSocket, 0.5), pct(toSocket, 0.99), pct(toSocket, 1.0));
  }

  /**
   * Four clients stream purchases to A; A's JVM is SIGKILLed in the middle. B keeps serving and receives everything
   * A acknowledged; nothing acknowledged is lost; A restarts, rebuilds from the store and agrees with B.
   */
  private void killMidStream(EmbeddedPostgres server, Instance a, Instance b) throws Exception {
    Set<String> acked = Collections.synchronizedSet(new HashSet<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int client = w;
      Thread t = new Thread(() -> {
        for (int n = 0; !stop.get(); n++) {
          JsonArray batch = new JsonArray();
          List<String> ids = new ArrayList<>();
          for (int j = 0; j < 10; j++) {
            String id = "k" + client + "-" + n + "-" + j;
            String item = TeaShop.items().get((n * 7 + j + client) % TeaShop.items().size()).getString("id");
            batch.add(TeaShop.purchase(id, "k-" + ((n * 10 + j) % 50), item, "kb" + client + "-" + n,
                T0.plusSeconds(3_600 + n)));
            ids.add(id);
          }
          try {
            HttpResponse<String> r = send(a, "/v1/events", batch.encode());
            if (r.statusCode() == 202) {
              acked.addAll(ids);
            }
          } catch (IOException | InterruptedException dead) {
            return;
          }
        }
      });
      t.start();
      writers.add(t);
    }
    Await.until(() -> acked.size() >= 2_000, 60_000);
    a.kill();
    stop.set(true);
    for (Thread t : writers) {
      t.join(30_000);
    }
    LOG.info("A killed with SIGKILL after {} purchases were acknowledged", acked.size());

    // B serves on, and what A acknowledged reaches B through the store; B takes over the judging
    assertThat(health(b).getString("status")).isEqualTo("UP");
    Await.until(() -> leads(b), 15_000);
    long stored = StoredRows.purchases(server);
    long caughtUp = System.nanoTime();
    Await.until(() -> purchasesInView(b) == stored, 30_000);
    LOG.info("B holds all {} stored purchases {} ms after the kill", stored, (System.nanoTime() - caughtUp) / 1_000_000);
    poll(b, "/v1/users/k-0/recommendations?k=10", j -> !j.getBoolean("fallback"), 10_000);
    Set<String> storedIds = new HashSet<>(StoredRows.eventIds(server));
    List<String> lost = acked.stream().filter(id -> !storedIds.contains(id)).sorted().toList();
    LOG.info("acknowledged {}, stored {}, lost {}", acked.size(), acked.size() - lost.size(), lost.size());
    assertThat(lost).as("acknowledged purchases missing from the store").isEmpty();

    long restarted = System.nanoTime();
    a.start();
    Await.until(() -> purchasesInView(a) == purchasesInView(b), 60_000);
    LOG.info("A restarted and caught up in {} ms", (System.nanoTime() - restarted) / 1_000_000);
    assertThat(leads(a)).as("B keeps judging after A's restart").isFalse();
    assertThat(leads(b)).isTrue();
  }

  /** Computed (uncached) recommendations per second from {@code clients} threads spread over the instances. */
  private double throughput(List<Instance> instances, int clients, long millis) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + millis * 1_000_000;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Instance target = instances.get(c % instances.size());
      int client = c;
      Thread t = new Thread(() -> {
        for (int n = 0; System.nanoTime() < end; n++) {
          String user = "u" + ((n + client) % 10);
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port
                    + "/v1/users/" + user + "/recommendations?k=10")).header("cache-control", "no-cache")
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            (r.statusCode() == 200 ? done : failed).incrementAndGet();
          } catch (IOException | InterruptedException e) {
            failed.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failed.get()).as("failed recommendation requests").isZero();
    return Math.round(done.get() * 10_000.0 / millis) / 10.0;
  }

  private void assertAgree(Instance a, Instance b, List<String> users, String when) throws Exception {
    Await.until(() -> purchasesInView(a) == purchasesInView(b), 30_000);
    Thread.sleep(2_500); // both views settle a second after the last purchase
    int same = 0;
    List<String> differing = new ArrayList<>();
    for (String user : users) {
      String path = "/v1/users/" + user + "/recommendations?k=10";
      List<String> fromA = ids(computed(a, path));
      List<String> fromB = ids(computed(b, path));
      if (fromA.equals(fromB)) {
        same++;
      } else {
        differing.add(user + ": " + fromA + " vs " + fromB);
      }
    }
    LOG.info("{}: {} of {} users get identical top-10 from A and B", when, same, users.size());
    assertThat(users.size()).isGreaterThanOrEqualTo(200);
    assertThat(differing).as(when).isEmpty();
  }

  /** One engine process with its own data directory (and graph store) on the shared PostgreSQL. */
  private final class Instance {
    final String name;
    final Path data;
    final Path conf;
    final int port;
    Process process;
    int starts;

    Instance(String name, Path dir, int pgPort, int cqlPort) throws IOException {
      this.name = name;
      this.data = dir.resolve(name);
      this.port = EngineProcess.freePort();
      this.conf = dir.resolve(name + ".json");
      JsonObject c = new JsonObject()
          .put("dataDir", data.toString())
          // one test client opens a live socket for each of 200 users within a minute
          .put("http", new JsonObject().put("port", port).put("liveConnects", 100_000))
          .put("postgres", new JsonObject().put("embedded", false).put("host", "127.0.0.1").put("port", pgPort)
              .put("database", "shop").put("user", "postgres"))
          .put("graph", new JsonObject().put("backend", "cql").put("properties", new JsonObject()
              .put("storage.hostname", "127.0.0.1").put("storage.port", String.valueOf(cqlPort))
              .put("storage.cql.keyspace", "shop")))
          .put("judge", new JsonObject().put("intervalMs", 200)
              .put("evidence", new JsonObject().put("minSupport", 3)))
          .put("rank", new JsonObject().put("device", "cpu").put("retrainEveryPurchases", 1_000_000));
      Files.writeString(conf, c.encodePrettily(), StandardCharsets.UTF_8);
    }

    void start() throws Exception {
      Path log = data.resolveSibling(name + "-" + starts++ + ".log");
      process = EngineProcess.start(conf, log, "1g");
      long deadline = System.currentTimeMillis() + 180_000;
      while (System.currentTimeMillis() < deadline) {
        if (!process.isAlive()) {
          List<String> lines = Files.readAllLines(log);
          throw new AssertionError(name + " exited with " + process.exitValue() + "; the end of its log:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
        try {
          if (get(this, "/health").statusCode() == 200) {
            return;
          }
        } catch (IOException starting) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new AssertionError(name + " not healthy in 3 minutes");
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    void stop() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          kill();
        }
      }
    }
  }

  private HttpResponse<String> send(Instance to, String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port + path))
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void post(Instance to, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = send(to, path, body);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(202);
  }

  private HttpResponse<String> get(Instance from, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An answer computed now, not one the recommendation cache kept. */
  private JsonObject computed(Instance from, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.port + path))
        .header("cache-control", "no-cache").timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private JsonObject health(Instance of) throws IOException, InterruptedException {
    return new JsonObject(get(of, "/health").body());
  }

  /** Whether that instance's judge holds the store's judge lock. */
  private boolean leads(Instance of) {
    try {
      return health(of).getJsonObject("components").getJsonObject("judge").getJsonObject("details")
          .getBoolean("leader");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject follow(Instance of) throws IOException, InterruptedException {
    return health(of).getJsonObject("components").getJsonObject("graph").getJsonObject("details")
        .getJsonObject("follow");
  }

  private long purchasesInView(Instance of) {
    try {
      return health(of).getJsonObject("components").getJsonObject("graph").getJsonObject("details")
          .getLong("purchases");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject poll(Instance from, String path, Predicate<JsonObject> until, long timeoutMs) throws Exception {
    return poll(from, path, until, timeoutMs, 50);
  }

  private JsonObject poll(Instance from, String path, Predicate<JsonObject> until, long timeoutMs, long sleepMs)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r = get(from, path);
      if (r.statusCode() == 200) {
        last = new JsonObject(r.body());
        if (until.test(last)) {
          return last;
        }
      }
      Thread.sleep(sleepMs);
    }
    throw new AssertionError("timed out polling " + path + " on " + from.name + ", last answer " + last);
  }

  private static String pct(List<Long> micros, double p) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return fmt(sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p) - 1)) / 1_000.0);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  private static List<String> complements(JsonObject body) {
    return body.getJsonArray("complements").stream().map(o -> ((JsonObject) o).getString("entity")).toList();
  }

  private static List<String> ids(JsonObject body) {
    return body.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("itemId")).toList();
  }
}
