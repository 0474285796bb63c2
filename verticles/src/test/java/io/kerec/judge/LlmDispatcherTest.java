package io.kerec.judge;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.LlmOptions;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM judge pipeline (durable queue in a real PostgreSQL, throttle, breaker, retries) against the provider
 * simulator over real HTTP.
 */
@Tag("e2e")
class LlmDispatcherTest {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static JudgeHarness harness;
  static Store store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    harness = new JudgeHarness(vertx, dir);
    store = Store.create(vertx, harness.pg(), 1);
  }

  @AfterAll
  static void stop() {
    store.close();
    harness.close();
    vertx.close();
  }

  private static LlmOptions llm(int rpm, long tpm) {
    return new LlmOptions("live", rpm, tpm, 1_000, 8, 30, 10, 20, 400, 50, 300, 0, 0, 3, 600_000, null);
  }

  private static Map<EntityPair, Verdict> stored(String model) {
    List<Verdict> verdicts = await(new VerdictStore(store.client()).verdicts("openai", model, OpenAiVerdictProvider.PROMPT_VERSION));
    Map<EntityPair, Verdict> byPair = new HashMap<>();
    verdicts.forEach(v -> byPair.put(v.pair(), v));
    assertThat(byPair).hasSameSizeAs(verdicts);
    return byPair;
  }

  private static void assertSimulatorVerdicts(Map<EntityPair, Verdict> stored, List<EntityPair> pairs) {
    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(pairs);
    for (EntityPair p : pairs) {
      ProviderSimulator.Answer a = ProviderSimulator.answer(p);
      Verdict v = stored.get(p);
      assertThat(v.complementary()).as("%s", p).isEqualTo(a.complementary());
      assertThat(v.confidence()).as("%s", p).isEqualTo(a.confidence());
      assertThat(v.reason()).as("%s", p).isEqualTo(a.reason());
    }
  }

  @Test
  void everyPairIsAnsweredOnceThroughRateLimitsOutagesAndMalformedAnswers() throws Exception {
    try (ProviderSimulator sim = new ProviderSimulator(vertx,
        new ProviderSimulator.Options(1_200, 400_000, 1_000, 20, 0.5, 0.05, 0.05, 0.10, 7)).start()) {
      List<EntityPair> pairs = JudgeHarness.pairs(1_000, "faults");
      try (JudgeHarness.Pipeline p = harness.new Pipeline(sim.baseUrl(), "faults", 10, llm(1_200, 400_000))) {
        assertThat(p.enqueue(pairs)).isEqualTo(1_000);
        assertThat(p.enqueue(pairs)).as("queued pairs are not queued twice").isZero();
        p.start();
        p.awaitDrained(90_000);
        assertThat(p.depth().get("unparseable")).isZero();
        assertThat(p.enqueue(pairs)).as("judged pairs are not queued again").isZero();
      }
      assertSimulatorVerdicts(stored("faults"), pairs);
      assertThat(sim.spurious429()).isPositive();
      assertThat(sim.unavailable()).isPositive();
      assertThat(sim.malformed()).isPositive();
      assertThat(sim.repairs()).isEqualTo(sim.malformed());
      assertThat(sim.paidTwice()).as("pairs whose answer was delivered twice").isZero();
      assertThat(sim.violations()).as("requests sent during a Retry-After").isZero();
    }
  }

  @Test
  void breakerOpensWhileTheProviderIsDownAndNothingIsLost() throws Exception {
    try (ProviderSimulator sim = new ProviderSimulator(vertx, ProviderSimulator.Options.perfect()).start()) {
      List<EntityPair> pairs = JudgeHarness.pairs(120, "outage");
      LlmOptions llm = new LlmOptions("live", 0, 0, 1_000, 4, 30, 1, 10, 50, 3, 400, 0, 0, 3, 600_000, null);
      sim.mode(ProviderSimulator.Mode.UNAVAILABLE);
      try (JudgeHarness.Pipeline p = harness.new Pipeline(sim.baseUrl(), "outage", 10, llm)) {
        p.enqueue(pairs);
        p.start();
        awaitStatus(p, s -> !"CLOSED".equals(s.get("breaker")) && s.containsKey("degraded"), 20_000);
        sim.mode(ProviderSimulator.Mode.REFUSING);
        Thread.sleep(1_500);
        Map<String, Object> down = p.status();
        assertThat(down.get("degraded").toString()).contains("circuit breaker");
        Map<String, Long> depth = p.depth();
        assertThat(depth.get("pending") + depth.get("claimed")).as("nothing lost while down").isEqualTo(120);
        assertThat(stored("outage")).isEmpty();
        sim.mode(ProviderSimulator.Mode.UP);
        p.awaitDrained(30_000);
        awaitStatus(p, s -> "CLOSED".equals(s.get("breaker")) && !s.containsKey("degraded"), 10_000);
      }
      assertSimulatorVerdicts(stored("outage"), pairs);
      assertThat(sim.paidTwice()).isZero();
    }
  }

  @Test
  void dailySpendCapStopsCallsAndSaysSo() throws Exception {
    try (ProviderSimulator sim = new ProviderSimulator(vertx, ProviderSimulator.Options.perfect()).start()) {
      List<EntityPair> pairs = JudgeHarness.pairs(200, "budget");
      LlmOptions llm = new LlmOptions("live", 0, 0, 1_000, 1, 30, 1, 10, 50, 3, 400, 2_000, 0, 3, 600_000, null);
      try (JudgeHarness.Pipeline p = harness.new Pipeline(sim.baseUrl(), "budget", 10, llm)) {
        p.enqueue(pairs);
        p.start();
        awaitStatus(p, s -> s.containsKey("degraded"), 20_000);
        Thread.sleep(500);
        Map<String, Object> status = p.status();
        assertThat(status.get("degraded").toString()).contains("daily token budget of 2000 reached");
        long spent = ((Number) ((Map<?, ?>) status.get("spend")).get("tokensToday")).longValue();
        assertThat(spent).isGreaterThanOrEqualTo(2_000).isLessThan(2_000 + 1_500);
        int judged = stored("budget").size();
        assertThat(judged).isPositive().isLessThan(200);
        assertThat(p.depth().get("pending")).isEqualTo(200 - judged);
      }
    }
  }

  @Test
  void batchExportAndImportGiveTheVerdictsOfTheLivePath() throws Exception {
    List<EntityPair> pairs = JudgeHarness.pairs(95, "batch");
    try (ProviderSimulator sim = new ProviderSimulator(vertx, ProviderSimulator.Options.perfect()).start();
         JudgeHarness.Pipeline live = harness.new Pipeline(sim.baseUrl(), "round-trip-live", 10, llm(0, 0))) {
      live.enqueue(pairs);
      live.start();
      live.awaitDrained(30_000);
    }
    LlmOptions batchMode = new LlmOptions("batch", 0, 0, 1_000, 8, 30, 1, 10, 50, 3, 400, 0, 0, 3, 600_000, null);
    try (JudgeHarness.Pipeline batch = harness.new Pipeline("http://127.0.0.1:9/v1", "round-trip-batch", 10,
        batchMode)) {
      batch.enqueue(pairs);
      batch.start();
      Path requests = dir.resolve("requests.jsonl");
      BatchFiles.ExportReport exported = await(
          BatchFiles.export(batch.queue, batch.provider, requests, "exp1", 1_000));
      assertThat(exported.requests()).isEqualTo(10);
      assertThat(exported.pairs()).isEqualTo(95);
      assertThat(batch.depth().get("exported")).isEqualTo(95);

      List<String> results = new ArrayList<>();
      for (String line : Files.readAllLines(requests, StandardCharsets.UTF_8)) {
        JsonObject request = new JsonObject(line);
        assertThat(request.getString("url")).isEqualTo("/v1/chat/completions");
        JsonArray messages = request.getJsonObject("body").getJsonArray("messages");
        List<EntityPair> asked = ProviderSimulator.pairs(messages.getJsonObject(0).getString("content"));
        results.add(new JsonObject().put("id", "batch_req_" + results.size())
            .put("custom_id", request.getString("custom_id"))
            .put("response", new JsonObject().put("status_code", 200).put("request_id", "r" + results.size())
                .put("body", ProviderSimulator.completionBody(asked, messages)))
            .putNull("error").encode());
      }
      results.add("{not json");
      results.add(new JsonObject().put("custom_id", "exp9-0").put("response",
          new JsonObject().put("status_code", 200).put("body", new JsonObject())).encode());
      Path output = dir.resolve("results.jsonl");
      Files.write(output, results, StandardCharsets.UTF_8);

      BatchFiles.ImportReport first = await(
          BatchFiles.importResults(batch.queue, batch.provider, output, 3));
      assertThat(first.verdicts()).isEqualTo(95);
      assertThat(first.malformedLines()).isEqualTo(1);
      assertThat(first.unknownIds()).isEqualTo(1);
      assertThat(first.problems()).anyMatch(s -> s.contains("unknown custom_id exp9-0"));
      BatchFiles.ImportReport again = await(
          BatchFiles.importResults(batch.queue, batch.provider, output, 3));
      assertThat(again.verdicts()).as("importing twice changes nothing").isZero();
      assertThat(again.alreadyJudged()).isEqualTo(10);
      Map<String, Long> depth = batch.depth();
      assertThat(depth.values().stream().mapToLong(Long::longValue).sum()).isZero();
    }
    Map<EntityPair, Verdict> live = stored("round-trip-live");
    Map<EntityPair, Verdict> imported = stored("round-trip-batch");
    assertThat(imported.keySet()).isEqualTo(live.keySet());
    for (EntityPair p : pairs) {
      Verdict a = live.get(p);
      Verdict b = imported.get(p);
      assertThat(List.of(b.complementary(), b.confidence(), b.reason()))
          .as("%s", p).isEqualTo(List.of(a.complementary(), a.confidence(), a.reason()));
    }
    Set<EntityPair> livePairs = live.keySet().stream().collect(Collectors.toSet());
    assertThat(livePairs).hasSize(95);
  }

  private static void awaitStatus(JudgeHarness.Pipeline p, java.util.function.Predicate<Map<String, Object>> ok,
                                  long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (ok.test(p.status())) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status never matched: " + p.status());
  }
}
