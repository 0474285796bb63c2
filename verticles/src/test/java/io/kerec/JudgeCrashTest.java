package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.PostgresOptions;
import io.kerec.judge.EntityPair;
import io.kerec.judge.ProviderSimulator;
import io.kerec.store.PostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as a separate process with an LLM judge pointed at the provider simulator: SIGKILL of its JVM and its
 * PostgreSQL together in the middle of a judging run and restart (nothing lost, nothing paid twice: answers in
 * flight at the kill are fetched back), then a provider
 * outage (breaker open, judge degraded in {@code /health}, recommendations still served, judging resumes).
 */
@Tag("e2e")
class JudgeCrashTest {
  private static final String MODEL = "crash-test-model";
  private static final int IN_FLIGHT = 4;
  private static final int BATCH = 10;
  private static final List<String> NOUNS = List.of("teapot", "saucer", "candle", "lantern", "doormat", "apron",
      "umbrella", "notebook", "pencil", "cushion", "blanket", "basket", "clock", "mirror", "vase", "bowl", "plate",
      "spoon", "whisk", "kettle", "toaster", "jug", "tray", "coaster", "napkin", "tablecloth", "towel", "soap",
      "sponge", "bucket", "trowel", "seed", "planter", "hammock", "bench", "wreath", "ornament", "ribbon",
      "stocking", "tinsel", "sticker", "postcard", "envelope", "stamp", "crayon", "eraser", "ruler", "backpack",
      "wallet", "keyring");

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process engine;
  private Path engineLog;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    if (engine != null && engine.isAlive()) {
      engine.destroyForcibly().waitFor();
    }
    vertx.close();
  }

  @Test
  void killedMidRunItResumesAndAnOutageOnlyDegradesJudging() throws Exception {
    try (ProviderSimulator sim = new ProviderSimulator(vertx,
        new ProviderSimulator.Options(1_200, 0, 1_000, 150, 0.3, 0.02, 0, 0, 5)).start()) {
      Path conf = config(sim.baseUrl());
      engine = launch(conf, "run1.log");
      awaitHealth(Duration.ofMinutes(3));
      JsonArray items = new JsonArray();
      for (int i = 0; i < NOUNS.size(); i++) {
        items.add(new JsonObject().put("id", "I" + i).put("title", "ROSE PRINT " + NOUNS.get(i).toUpperCase())
            .put("price", 1.0 + i));
      }
      assertThat(post("/v1/items", items.encode()).statusCode()).isEqualTo(202);
      JsonArray bills = new JsonArray();
      Instant t0 = Instant.parse("2011-01-01T10:00:00Z");
      for (int b = 0; b < 150; b++) {
        for (int j = 0; j < 3; j++) {
          int item = (b * 7 + j * 13) % NOUNS.size();
          bills.add(new JsonObject().put("id", "e" + b + "-" + j).put("type", "purchase").put("userId", "u" + b % 40)
              .put("itemId", "I" + item).put("basketId", "b" + b).put("ts", t0.plusSeconds(b * 60L).toString()));
        }
      }
      assertThat(post("/v1/events", bills.encode()).statusCode()).isEqualTo(202);

      JsonObject midRun = awaitJudge(s -> s.getLong("verdicts", 0L) >= 600, Duration.ofMinutes(2));
      long paidBeforeKill = sim.paid().size();
      // the harshest crash: PostgreSQL (postmaster and all its processes) and the engine's JVM at once
      int pgKilled = EngineProcess.killPostgres(dir.resolve("data"));
      engine.destroyForcibly().waitFor();
      assertThat(midRun.getJsonObject("queue").getLong("pending")).as("killed mid-run").isPositive();

      engine = launch(conf, "run2.log");
      awaitHealth(Duration.ofMinutes(3));
      JsonObject done = awaitJudge(s -> s.getJsonObject("queue").getLong("pending") == 0
          && s.getJsonObject("queue").getLong("claimed") == 0, Duration.ofMinutes(3));
      int entities = done.getInteger("entities");
      assertThat(entities).isGreaterThan(30);
      long expected = (long) entities * (entities - 1);

      assertThat(sim.violations()).as("requests sent during a Retry-After").isZero();
      long paidTwice = sim.paidTwice();
      System.out.printf("crash test: %d entities, %d pairs; %d paid before the kill of the JVM and %d PostgreSQL "
              + "processes, %d pairs paid twice, %d random 429s honoured%n", entities, expected, paidBeforeKill,
          pgKilled, paidTwice, sim.spurious429());
      assertThat(paidTwice).as("answers in flight at the kill are fetched back, not paid again").isZero();
      System.out.printf("crash test: %d stored answers fetched back after the restart (%d pairs)%n",
          sim.recoveredLookups(), done.getLong("recoveredAfterRestart"));

      // Outage: judging degrades, recommendations keep coming from the graph, judging resumes afterwards.
      sim.mode(ProviderSimulator.Mode.UNAVAILABLE);
      JsonArray newItems = new JsonArray()
          .add(new JsonObject().put("id", "N1").put("title", "ROSE PRINT TEACUP").put("price", 3.0))
          .add(new JsonObject().put("id", "N2").put("title", "ROSE PRINT LUNCHBOX").put("price", 4.0));
      assertThat(post("/v1/items", newItems.encode()).statusCode()).isEqualTo(202);
      JsonObject health = awaitHealthJson(h -> "DEGRADED".equals(h.getJsonObject("components")
          .getJsonObject("judge").getString("status")), Duration.ofMinutes(1));
      assertThat(health.getJsonObject("components").getJsonObject("judge").getJsonObject("details")
          .getString("degraded")).contains("circuit breaker");
      sim.mode(ProviderSimulator.Mode.REFUSING);
      Thread.sleep(1_500);
      HttpResponse<String> recs = get("/v1/users/u1/recommendations?k=5");
      assertThat(recs.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(recs.body()).getJsonArray("items")).isNotEmpty();
      JsonObject whileDown = judgeStatus();
      assertThat(whileDown.getJsonObject("queue").getLong("pending")
          + whileDown.getJsonObject("queue").getLong("claimed")).as("new pairs wait, none lost").isPositive();
      sim.mode(ProviderSimulator.Mode.UP);
      JsonObject after = awaitJudge(s -> s.getJsonObject("queue").getLong("pending") == 0
          && s.getJsonObject("queue").getLong("claimed") == 0 && !s.containsKey("degraded"), Duration.ofMinutes(2));
      assertThat(after.getString("breaker")).isEqualTo("CLOSED");
      awaitHealthJson(h -> "UP".equals(h.getJsonObject("components").getJsonObject("judge").getString("status")),
          Duration.ofSeconds(30));

      String metrics = get("/metrics").body();
      assertThat(metrics).contains("kerec_judge_calls_total", "kerec_judge_tokens_total",
          "kerec_judge_rate_limited_total", "kerec_judge_latency_seconds_bucket", "kerec_judge_queue_pending",
          "kerec_judge_verdicts_total", "kerec_judge_breaker_open");

      engine.destroy();
      engine.waitFor();
      Set<EntityPair> asked = new HashSet<>(sim.asked().keySet());
      try (PostgresServer pg = PostgresServer.start(
          new PostgresOptions(true, "127.0.0.1", 0, "kerec", "postgres", null, 1, PostgresOptions.STRICT),
          dir.resolve("data"));
           Connection c = pg.dataSource().getConnection();
           Statement st = c.createStatement()) {
        Set<EntityPair> judged = new HashSet<>();
        try (ResultSet rs = st.executeQuery("SELECT source, target FROM verdicts WHERE model = '" + MODEL + "'")) {
          while (rs.next()) {
            judged.add(new EntityPair(rs.getString(1), rs.getString(2)));
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM judge_queue WHERE model = '" + MODEL + "'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("queue empty").isZero();
        }
        assertThat(judged).as("every pair asked has its verdict").containsAll(asked);
        assertThat(judged).hasSizeGreaterThanOrEqualTo((int) expected);
        System.out.printf("crash test: %d verdicts stored, %d distinct pairs asked%n", judged.size(), asked.size());
      }
    }
  }

  private Path config(String baseUrl) throws IOException {
    port = EngineProcess.freePort();
    JsonObject conf = new JsonObject()
        .put("dataDir", dir.resolve("data").toString())
        .put("http", new JsonObject().put("port", port))
        .put("judge", new JsonObject().put("provider", "openai").put("intervalMs", 200).put("knowledge", "none")
            .put("openai", new JsonObject().put("baseUrl", baseUrl).put("model", MODEL).put("apiKeyEnv", "")
                .put("batchSize", BATCH).put("timeoutMs", 10_000).put("storeCompletions", true))
            .put("pairs", new JsonObject().put("head", 100).put("torso", 0)
                .put("segmentPairs", new JsonArray().add(new JsonArray().add("head").add("head"))))
            .put("llm", new JsonObject().put("requestsPerMinute", 1_200).put("tokensPerMinute", 0)
                .put("maxInFlight", IN_FLIGHT).put("maxRetries", 1).put("backoffBaseMs", 50).put("backoffMaxMs", 300)
                .put("breakerMaxFailures", 3).put("breakerResetMs", 1_000)))
        .put("rank", new JsonObject().put("device", "cpu").put("autoTrain", false));
    Path file = dir.resolve("kerec.json");
    Files.writeString(file, conf.encodePrettily());
    return file;
  }

  private Process launch(Path conf, String log) throws IOException {
    engineLog = dir.resolve(log);
    return EngineProcess.start(conf, engineLog, "1g");
  }


  private void awaitHealth(Duration timeout) throws Exception {
    awaitHealthJson(h -> true, timeout);
  }

  private JsonObject awaitHealthJson(Predicate<JsonObject> ok, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!engine.isAlive()) {
        List<String> lines = Files.readAllLines(engineLog);
        throw new AssertionError("engine exited with " + engine.exitValue() + "; last log lines:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
      }
      try {
        HttpResponse<String> r = get("/health");
        last = r.body();
        if (r.statusCode() == 200) {
          JsonObject h = new JsonObject(r.body());
          if (ok.test(h)) {
            return h;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("health never matched: " + last);
  }

  private JsonObject judgeStatus() throws Exception {
    HttpResponse<String> r = get("/v1/judge/status");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonObject("details");
  }

  private JsonObject awaitJudge(Predicate<JsonObject> ok, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = judgeStatus();
      if (last.containsKey("queue") && ok.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("judge status never matched: " + last);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

}
